//! Addresses: [`StreamerUri`] (`scheme://host[:port][,host[:port]...]`) and [`StreamUrl`]
//! (a streamer URI, then `/`, then comma-separated stream keys).

use std::{fmt, str::FromStr};

use url::Url;

use crate::{StreamKey, StreamKeyErr};

/// `uri` quoted, or "an empty URI".
fn shown(uri: &str) -> String {
    if uri.is_empty() {
        "an empty URI".to_owned()
    } else {
        format!("`{uri}`")
    }
}

/// Why a URI or URL does not parse. The text shows the expected form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StreamUrlErr {
    /// No `scheme://` prefix.
    #[error("{} has no scheme: write it as scheme://host[:port][,host[:port]...]/stream (e.g. kafka://localhost:9092/orders, stdio:///orders)", shown(uri))]
    NoScheme {
        /// The input.
        uri: String,
    },
    /// The scheme has characters a scheme cannot have.
    #[error("`{uri}` has an invalid scheme `{scheme}`: use letters, digits, `+`, `-` or `.`, starting with a letter")]
    InvalidScheme {
        /// The input.
        uri: String,
        /// The scheme found.
        scheme: String,
    },
    /// A host in the list is empty (`a:9092,,b:9092`).
    #[error("`{uri}` has an empty host in its host list: write hosts as host[:port],host[:port]")]
    EmptyNode {
        /// The input.
        uri: String,
    },
    /// A host does not parse.
    #[error("`{uri}` has an invalid host `{node}` ({source}): write hosts as host[:port]")]
    InvalidNode {
        /// The input.
        uri: String,
        /// The host as written.
        node: String,
        /// Why it does not parse.
        source: url::ParseError,
    },
    /// A streamer URI with a path; stream keys belong in a [`StreamUrl`].
    #[error("streamer URI `{uri}` has a path: a streamer URI is scheme://host[:port][,host[:port]...]; name streams in a stream URL (scheme://host/stream1,stream2)")]
    UnexpectedPath {
        /// The input.
        uri: String,
    },
    /// A stream URL that names no stream.
    #[error("stream URL `{uri}` names no stream: add `/stream_key[,stream_key...]` (e.g. kafka://localhost:9092/orders, stdio:///orders)")]
    NoStream {
        /// The input.
        uri: String,
    },
    /// A stream key in the URL is invalid.
    #[error("stream URL `{uri}`: {source}")]
    StreamKey {
        /// The input.
        uri: String,
        /// What is wrong with the key.
        source: StreamKeyErr,
    },
}

/// Where a streamer connects: a scheme that names the backend and zero or more `host[:port]` nodes.
///
/// ```
/// use sea_streamer_types::StreamerUri;
/// let uri: StreamerUri = "kafka://a:9092,b:9093".parse()?;
/// assert_eq!(uri.protocol(), "kafka");
/// assert_eq!(uri.nodes().len(), 2);
/// assert_eq!(uri.to_string(), "kafka://a:9092,b:9093");
/// let stdio: StreamerUri = "stdio://".parse()?;
/// assert!(stdio.nodes().is_empty());
/// # Ok::<(), sea_streamer_types::StreamUrlErr>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamerUri {
    scheme: String,
    nodes: Vec<Url>,
}

impl StreamerUri {
    /// A URI of `scheme` with no node (`stdio://`).
    pub fn zero(scheme: &str) -> Self {
        Self {
            scheme: scheme.to_ascii_lowercase(),
            nodes: Vec::new(),
        }
    }

    /// The scheme, lower case: which backend this URI is for.
    pub fn protocol(&self) -> &str {
        &self.scheme
    }

    /// The nodes, each as `scheme://host[:port]`.
    pub fn nodes(&self) -> &[Url] {
        &self.nodes
    }

    /// The nodes as `host:port` strings (the port only where one was given).
    pub fn hosts(&self) -> impl Iterator<Item = String> + '_ {
        self.nodes.iter().map(|u| {
            let host = u.host_str().unwrap_or_default();
            match u.port() {
                Some(p) => format!("{host}:{p}"),
                None => host.to_owned(),
            }
        })
    }

    fn parse_authority(uri: &str, scheme: &str, authority: &str) -> Result<Vec<Url>, StreamUrlErr> {
        if authority.is_empty() {
            return Ok(Vec::new());
        }
        authority
            .split(',')
            .map(|node| {
                if node.is_empty() {
                    return Err(StreamUrlErr::EmptyNode {
                        uri: uri.to_owned(),
                    });
                }
                let url = Url::parse(&format!("{scheme}://{node}")).map_err(|source| {
                    StreamUrlErr::InvalidNode {
                        uri: uri.to_owned(),
                        node: node.to_owned(),
                        source,
                    }
                })?;
                if url.host_str().is_none_or(str::is_empty)
                    || url.query().is_some()
                    || url.fragment().is_some()
                {
                    return Err(StreamUrlErr::InvalidNode {
                        uri: uri.to_owned(),
                        node: node.to_owned(),
                        source: url::ParseError::EmptyHost,
                    });
                }
                Ok(url)
            })
            .collect()
    }
}

/// Splits `scheme://rest`, checking the scheme.
fn split_scheme(uri: &str) -> Result<(String, &str), StreamUrlErr> {
    let Some((scheme, rest)) = uri.split_once("://") else {
        return Err(StreamUrlErr::NoScheme {
            uri: uri.to_owned(),
        });
    };
    let valid = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid {
        return Err(StreamUrlErr::InvalidScheme {
            uri: uri.to_owned(),
            scheme: scheme.to_owned(),
        });
    }
    Ok((scheme.to_ascii_lowercase(), rest))
}

impl FromStr for StreamerUri {
    type Err = StreamUrlErr;
    fn from_str(uri: &str) -> Result<Self, Self::Err> {
        let (scheme, rest) = split_scheme(uri)?;
        let authority = match rest.split_once('/') {
            Some((authority, "")) => authority,
            Some(_) => {
                return Err(StreamUrlErr::UnexpectedPath {
                    uri: uri.to_owned(),
                })
            }
            None => rest,
        };
        let nodes = Self::parse_authority(uri, &scheme, authority)?;
        Ok(Self { scheme, nodes })
    }
}

impl fmt::Display for StreamerUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://", self.scheme)?;
        for (i, host) in self.hosts().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(&host)?;
        }
        Ok(())
    }
}

/// A streamer URI and the streams to use on it: `kafka://a:9092,b:9092/orders,payments`,
/// `stdio:///clock`.
///
/// ```
/// use sea_streamer_types::StreamUrl;
/// let url: StreamUrl = "kafka://localhost:9092/orders,payments".parse()?;
/// assert_eq!(url.streamer().protocol(), "kafka");
/// let names: Vec<&str> = url.stream_keys().iter().map(|k| k.name()).collect();
/// assert_eq!(names, ["orders", "payments"]);
/// assert!("stdio:///".parse::<StreamUrl>().is_err()); // no stream
/// # Ok::<(), sea_streamer_types::StreamUrlErr>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamUrl {
    streamer: StreamerUri,
    streams: Vec<StreamKey>,
}

impl StreamUrl {
    /// A URL from its parts.
    pub fn new(streamer: StreamerUri, streams: Vec<StreamKey>) -> Self {
        Self { streamer, streams }
    }

    /// Where to connect.
    pub fn streamer(&self) -> &StreamerUri {
        &self.streamer
    }

    /// The streams named (at least one).
    pub fn stream_keys(&self) -> &[StreamKey] {
        &self.streams
    }

    /// The first stream named.
    pub fn stream_key(&self) -> &StreamKey {
        &self.streams[0]
    }

    /// Its parts.
    pub fn into_parts(self) -> (StreamerUri, Vec<StreamKey>) {
        (self.streamer, self.streams)
    }
}

impl FromStr for StreamUrl {
    type Err = StreamUrlErr;
    fn from_str(uri: &str) -> Result<Self, Self::Err> {
        let (scheme, rest) = split_scheme(uri)?;
        let Some((authority, path)) = rest.split_once('/') else {
            return Err(StreamUrlErr::NoStream {
                uri: uri.to_owned(),
            });
        };
        let nodes = StreamerUri::parse_authority(uri, &scheme, authority)?;
        if path.is_empty() {
            return Err(StreamUrlErr::NoStream {
                uri: uri.to_owned(),
            });
        }
        let streams = path
            .split(',')
            .map(|key| {
                StreamKey::new(key).map_err(|source| StreamUrlErr::StreamKey {
                    uri: uri.to_owned(),
                    source,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            streamer: StreamerUri { scheme, nodes },
            streams,
        })
    }
}

impl fmt::Display for StreamUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/", self.streamer)?;
        for (i, key) in self.streams.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(key.name())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamer_uris() {
        let u: StreamerUri = "KAFKA://a:9092,[::1]:9093,host".parse().unwrap();
        assert_eq!(u.protocol(), "kafka");
        assert_eq!(
            u.hosts().collect::<Vec<_>>(),
            ["a:9092", "[::1]:9093", "host"]
        );
        assert_eq!(u.to_string(), "kafka://a:9092,[::1]:9093,host");
        let s: StreamerUri = "stdio:///".parse().unwrap();
        assert_eq!(s, StreamerUri::zero("stdio"));
    }

    #[test]
    fn stream_urls_round_trip() {
        for s in ["kafka://a:9092,b:9092/orders,payments", "stdio:///clock"] {
            let u: StreamUrl = s.parse().unwrap();
            assert_eq!(u.to_string(), s);
        }
    }

    #[test]
    fn bad_uris_say_what_is_expected() {
        type Check = fn(&StreamUrlErr) -> bool;
        let cases: [(&str, Check); 8] = [
            ("localhost:9092/orders", |e| {
                matches!(e, StreamUrlErr::NoScheme { .. })
            }),
            ("9k://h/orders", |e| {
                matches!(e, StreamUrlErr::InvalidScheme { .. })
            }),
            ("kafka://a:9092,,b/orders", |e| {
                matches!(e, StreamUrlErr::EmptyNode { .. })
            }),
            ("kafka://a:notaport/orders", |e| {
                matches!(e, StreamUrlErr::InvalidNode { .. })
            }),
            ("kafka://a:9092", |e| {
                matches!(e, StreamUrlErr::NoStream { .. })
            }),
            ("kafka://a:9092/", |e| {
                matches!(e, StreamUrlErr::NoStream { .. })
            }),
            ("stdio:///a b", |e| {
                matches!(e, StreamUrlErr::StreamKey { .. })
            }),
            ("stdio:///a,,b", |e| {
                matches!(e, StreamUrlErr::StreamKey { .. })
            }),
        ];
        for (input, check) in cases {
            let err = input.parse::<StreamUrl>().unwrap_err();
            assert!(check(&err), "{input}: {err:?}");
            assert!(err.to_string().contains(input), "{input}: {err}");
        }
        let err = "kafka://h/orders".parse::<StreamerUri>().unwrap_err();
        assert!(matches!(err, StreamUrlErr::UnexpectedPath { .. }));
        assert_eq!(
            "stdio:///a b".parse::<StreamUrl>().unwrap_err().to_string(),
            "stream URL `stdio:///a b`: stream key `a b` is invalid (' ' is not allowed): use 1-249 of [A-Za-z0-9._-]"
        );
    }
}
