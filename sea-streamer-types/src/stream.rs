//! Stream identity: stream keys, shards, sequence numbers, positions and message headers.

use std::{borrow::Borrow, fmt, str::FromStr, sync::Arc};

/// The longest stream key allowed (Kafka's limit for topic names).
pub const MAX_STREAM_KEY_LEN: usize = 249;

/// The stream every consumer receives, whatever streams it subscribed to.
///
/// On stdio, a line without a header is a message on this stream.
pub const BROADCAST: &str = "broadcast";

/// When a message was produced. Always carried in UTC by the backends.
pub type Timestamp = time::OffsetDateTime;

/// The position of a message within its shard (a Kafka offset; a stdio line counter).
pub type SeqNo = u64;

/// The name of a stream (a Kafka topic).
///
/// Valid keys are 1 to 249 characters of `[A-Za-z0-9._-]`. A `StreamKey` is validated once when it
/// is made, and is cheap to clone (a reference-counted string).
///
/// ```
/// use sea_streamer_types::StreamKey;
/// let key = StreamKey::new("orders")?;
/// assert_eq!(key.name(), "orders");
/// assert!(StreamKey::new("no spaces").is_err());
/// # Ok::<(), sea_streamer_types::StreamKeyErr>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamKey(Arc<str>);

/// Why a string is not a valid [`StreamKey`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StreamKeyErr {
    /// The key is empty.
    #[error("stream key is empty: use 1-249 of [A-Za-z0-9._-]")]
    Empty,
    /// The key is longer than [`MAX_STREAM_KEY_LEN`].
    #[error("stream key `{key}…` is {len} characters long: use 1-249 of [A-Za-z0-9._-]")]
    TooLong {
        /// The first characters of the key.
        key: String,
        /// Its length in bytes.
        len: usize,
    },
    /// The key holds a character outside `[A-Za-z0-9._-]`.
    #[error(
        "stream key `{key}` is invalid ({found:?} is not allowed): use 1-249 of [A-Za-z0-9._-]"
    )]
    InvalidChar {
        /// The key as given.
        key: String,
        /// The first character that is not allowed.
        found: char,
    },
    /// A valid key that a backend cannot use as a stream name (Kafka refuses `.` and `..`).
    #[error("stream key `{key}` cannot be used on {backend}: {why}")]
    Refused {
        /// The key.
        key: String,
        /// The backend that refuses it.
        backend: &'static str,
        /// Why, and what to do.
        why: &'static str,
    },
}

/// Whether `key` is a valid stream key; the error says why not.
pub fn validate_stream_key(key: &str) -> Result<(), StreamKeyErr> {
    if key.is_empty() {
        return Err(StreamKeyErr::Empty);
    }
    if key.len() > MAX_STREAM_KEY_LEN {
        return Err(StreamKeyErr::TooLong {
            key: key.chars().take(32).collect(),
            len: key.len(),
        });
    }
    if let Some(found) = key.chars().find(|c| !is_stream_key_char(*c)) {
        return Err(StreamKeyErr::InvalidChar {
            key: key.to_owned(),
            found,
        });
    }
    Ok(())
}

/// Whether `c` may appear in a stream key.
#[inline]
pub const fn is_stream_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

impl StreamKey {
    /// Validates `key` and makes a stream key of it.
    ///
    /// # Errors
    /// [`StreamKeyErr`] if `key` is empty, longer than 249 bytes, or holds a character outside
    /// `[A-Za-z0-9._-]`.
    #[inline]
    pub fn new(key: impl AsRef<str>) -> Result<Self, StreamKeyErr> {
        let key = key.as_ref();
        validate_stream_key(key)?;
        Ok(Self(Arc::from(key)))
    }

    /// The [`BROADCAST`] stream.
    #[inline]
    pub fn broadcast() -> Self {
        Self(Arc::from(BROADCAST))
    }

    /// The key as a string.
    #[inline]
    pub fn name(&self) -> &str {
        &self.0
    }

    /// Whether two keys share one allocation (a cheap pre-check before comparing strings).
    #[inline]
    pub fn ptr_eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for StreamKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StreamKey({:?})", &*self.0)
    }
}

impl fmt::Display for StreamKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for StreamKey {
    type Err = StreamKeyErr;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl AsRef<str> for StreamKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for StreamKey {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for StreamKey {
    type Error = StreamKeyErr;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl TryFrom<String> for StreamKey {
    type Error = StreamKeyErr;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

/// A shard of a stream (a Kafka partition). Stdio has only [`ShardId::ZERO`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShardId(u64);

impl ShardId {
    /// Shard zero, the only shard of stdio and the default of every backend.
    pub const ZERO: ShardId = ShardId(0);

    /// Shard number `id`.
    #[inline]
    pub const fn new(id: u64) -> Self {
        Self(id)
    }

    /// The shard number.
    #[inline]
    pub const fn id(&self) -> u64 {
        self.0
    }
}

impl fmt::Display for ShardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<u64> for ShardId {
    fn from(id: u64) -> Self {
        Self(id)
    }
}

/// Where to start reading a shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeqPos {
    /// The first message still kept.
    Beginning,
    /// After the last message: only messages produced from now on.
    End,
    /// The message with this sequence number.
    At(SeqNo),
}

/// Where a message sits and when it was made: the stream, shard, sequence and timestamp.
///
/// A producer's receipt is a `MessageHeader` with the real values the backend assigned.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MessageHeader {
    stream_key: StreamKey,
    shard_id: ShardId,
    sequence: SeqNo,
    timestamp: Timestamp,
}

impl MessageHeader {
    /// A header from its parts.
    #[inline]
    pub fn new(
        stream_key: StreamKey,
        shard_id: ShardId,
        sequence: SeqNo,
        timestamp: Timestamp,
    ) -> Self {
        Self {
            stream_key,
            shard_id,
            sequence,
            timestamp,
        }
    }

    /// The stream the message is on.
    #[inline]
    pub fn stream_key(&self) -> &StreamKey {
        &self.stream_key
    }

    /// The shard the message is on.
    #[inline]
    pub fn shard_id(&self) -> ShardId {
        self.shard_id
    }

    /// The sequence number of the message within its shard.
    #[inline]
    pub fn sequence(&self) -> SeqNo {
        self.sequence
    }

    /// When the message was produced.
    #[inline]
    pub fn timestamp(&self) -> Timestamp {
        self.timestamp
    }

    /// `(stream, shard, sequence)`: what identifies the message, and what a commit names.
    #[inline]
    pub fn identifier(&self) -> (StreamKey, ShardId, SeqNo) {
        (self.stream_key.clone(), self.shard_id, self.sequence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_stream_keys() {
        for k in ["a", "orders", "A-b_c.9", &"x".repeat(249)] {
            assert_eq!(
                StreamKey::new(k).map(|s| s.name().to_owned()),
                Ok(k.to_owned())
            );
        }
    }

    #[test]
    fn invalid_stream_keys_say_what_is_allowed() {
        assert_eq!(StreamKey::new(""), Err(StreamKeyErr::Empty));
        let err = StreamKey::new("a b").unwrap_err();
        assert_eq!(
            err.to_string(),
            "stream key `a b` is invalid (' ' is not allowed): use 1-249 of [A-Za-z0-9._-]"
        );
        assert!(matches!(
            StreamKey::new("x".repeat(250)),
            Err(StreamKeyErr::TooLong { len: 250, .. })
        ));
        for bad in ["a/b", "a,b", "é", "a|b", "[a]"] {
            assert!(StreamKey::new(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn stream_key_clones_share() {
        let a = StreamKey::new("a").unwrap();
        let b = a.clone();
        assert!(a.ptr_eq(&b));
        assert_eq!(a, StreamKey::new("a").unwrap());
    }
}
