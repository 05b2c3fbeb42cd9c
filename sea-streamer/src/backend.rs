//! Which backends this build has, and which URI schemes pick them.

use std::fmt;

/// A backend compiled into this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// Unix pipes, `stdio://` (feature `stdio`).
    #[cfg(feature = "stdio")]
    Stdio,
    /// Kafka, `kafka://host:port` (feature `kafka`).
    #[cfg(feature = "kafka")]
    Kafka,
}

/// Every scheme a SeaStreamer build may know, with the feature that brings it.
const KNOWN: &[(&str, &str)] = &[("stdio", "stdio"), ("kafka", "kafka")];

impl Backend {
    /// The backends compiled in.
    pub const AVAILABLE: &'static [Backend] = &[
        #[cfg(feature = "stdio")]
        Backend::Stdio,
        #[cfg(feature = "kafka")]
        Backend::Kafka,
    ];

    /// The URI scheme of this backend.
    pub fn scheme(self) -> &'static str {
        match self {
            #[cfg(feature = "stdio")]
            Backend::Stdio => "stdio",
            #[cfg(feature = "kafka")]
            Backend::Kafka => "kafka",
        }
    }

    /// The backend of a URI scheme.
    ///
    /// # Errors
    /// A message naming the schemes this build has, and the feature that would bring the scheme
    /// asked for where there is one.
    pub fn from_scheme(scheme: &str) -> Result<Self, String> {
        if let Some(b) = Self::AVAILABLE.iter().find(|b| b.scheme() == scheme) {
            return Ok(*b);
        }
        let available: Vec<String> = Self::AVAILABLE
            .iter()
            .map(|b| format!("{}://", b.scheme()))
            .collect();
        let available = if available.is_empty() {
            "none (enable a backend feature of sea-streamer)".to_owned()
        } else {
            available.join(", ")
        };
        Err(match KNOWN.iter().find(|(s, _)| *s == scheme) {
            Some((_, feature)) => format!(
                "scheme `{scheme}://` needs the `{feature}` feature of sea-streamer; this build has {available}"
            ),
            None => format!("unknown scheme `{scheme}://`: this build has {available}"),
        })
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.scheme())
    }
}
