//! Messages: the [`Message`] trait, the borrowed [`Payload`] and the owned [`SharedMessage`].

use std::{fmt, ops::Range, sync::Arc};

use bytes::Bytes;

use crate::{MessageHeader, SeqNo, ShardId, StreamKey, Timestamp};

/// The body of a message, borrowed from wherever the backend keeps it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Payload<'a> {
    bytes: &'a [u8],
}

impl<'a> Payload<'a> {
    /// A payload over `bytes`.
    #[inline]
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    /// The raw bytes.
    #[inline]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The payload as UTF-8 text.
    ///
    /// # Errors
    /// If the bytes are not valid UTF-8.
    #[inline]
    pub fn as_str(&self) -> Result<&'a str, std::str::Utf8Error> {
        std::str::from_utf8(self.bytes)
    }

    /// The length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the payload is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Parses the payload as JSON.
    ///
    /// # Errors
    /// The `serde_json` error if the payload is not JSON of type `T`.
    #[cfg(feature = "json")]
    #[cfg_attr(docsrs, doc(cfg(feature = "json")))]
    pub fn deserialize_json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(self.bytes)
    }
}

impl fmt::Debug for Payload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_str() {
            Ok(s) => write!(f, "Payload({s:?})"),
            Err(_) => write!(f, "Payload({:?})", self.bytes),
        }
    }
}

/// Anything a producer can send as a payload: text or bytes.
pub trait Buffer: Send {
    /// The bytes to send.
    fn as_bytes(&self) -> &[u8];
}

impl Buffer for &str {
    #[inline]
    fn as_bytes(&self) -> &[u8] {
        str::as_bytes(self)
    }
}
impl Buffer for String {
    #[inline]
    fn as_bytes(&self) -> &[u8] {
        str::as_bytes(self)
    }
}
impl Buffer for &String {
    #[inline]
    fn as_bytes(&self) -> &[u8] {
        str::as_bytes(self)
    }
}
impl Buffer for &[u8] {
    #[inline]
    fn as_bytes(&self) -> &[u8] {
        self
    }
}
impl<const N: usize> Buffer for &[u8; N] {
    #[inline]
    fn as_bytes(&self) -> &[u8] {
        &self[..]
    }
}
impl Buffer for Vec<u8> {
    #[inline]
    fn as_bytes(&self) -> &[u8] {
        self
    }
}
impl Buffer for &Vec<u8> {
    #[inline]
    fn as_bytes(&self) -> &[u8] {
        self
    }
}
impl Buffer for Bytes {
    #[inline]
    fn as_bytes(&self) -> &[u8] {
        self
    }
}
impl Buffer for Payload<'_> {
    #[inline]
    fn as_bytes(&self) -> &[u8] {
        self.bytes
    }
}

/// A message as a consumer hands it out.
///
/// Every backend gives the header parts and the payload; the record key and headers are there where
/// the backend has them (Kafka), and `None`/empty where it does not (stdio).
pub trait Message: Send {
    /// The stream the message is on.
    fn stream_key(&self) -> StreamKey;
    /// The shard the message is on.
    fn shard_id(&self) -> ShardId;
    /// The sequence number within the shard.
    fn sequence(&self) -> SeqNo;
    /// When the message was produced.
    fn timestamp(&self) -> Timestamp;
    /// The body.
    fn message(&self) -> Payload<'_>;

    /// The record key, where the backend has one.
    #[inline]
    fn key(&self) -> Option<&[u8]> {
        None
    }

    /// The record headers as `(name, value)` pairs, where the backend has them.
    #[inline]
    fn headers(&self) -> impl Iterator<Item = (&str, Option<&[u8]>)> + Send + '_ {
        std::iter::empty()
    }

    /// Stream, shard, sequence and timestamp together.
    #[inline]
    fn header(&self) -> MessageHeader {
        MessageHeader::new(
            self.stream_key(),
            self.shard_id(),
            self.sequence(),
            self.timestamp(),
        )
    }

    /// `(stream, shard, sequence)`: what identifies the message, and what a commit names.
    #[inline]
    fn identifier(&self) -> (StreamKey, ShardId, SeqNo) {
        (self.stream_key(), self.shard_id(), self.sequence())
    }

    /// An owned copy that outlives the consumer.
    #[inline]
    fn to_owned(&self) -> SharedMessage {
        let mut m = SharedMessage::new(
            self.header(),
            Bytes::copy_from_slice(self.message().as_bytes()),
        );
        let headers: Vec<(String, Option<Bytes>)> = self
            .headers()
            .map(|(k, v)| (k.to_owned(), v.map(Bytes::copy_from_slice)))
            .collect();
        if self.key().is_some() || !headers.is_empty() {
            m = m.with_extra(self.key().map(Bytes::copy_from_slice), headers);
        }
        m
    }
}

#[derive(Debug, PartialEq, Eq)]
struct Extra {
    key: Option<Bytes>,
    headers: Vec<(String, Option<Bytes>)>,
}

/// An owned message, cheap to clone (the payload is shared, not copied).
#[derive(Clone, PartialEq, Eq)]
pub struct SharedMessage {
    header: MessageHeader,
    bytes: Bytes,
    range: Range<usize>,
    extra: Option<Arc<Extra>>,
}

impl SharedMessage {
    /// A message whose payload is all of `payload`.
    #[inline]
    pub fn new(header: MessageHeader, payload: Bytes) -> Self {
        let range = 0..payload.len();
        Self {
            header,
            bytes: payload,
            range,
            extra: None,
        }
    }

    /// A message whose payload is `bytes[range]`: lets a backend keep a whole input line and point
    /// into it, with no copy.
    ///
    /// # Panics
    /// If `range` is not within `bytes` (a bug in the caller).
    #[inline]
    pub fn with_payload_range(header: MessageHeader, bytes: Bytes, range: Range<usize>) -> Self {
        assert!(
            range.start <= range.end && range.end <= bytes.len(),
            "payload range out of bounds"
        );
        Self {
            header,
            bytes,
            range,
            extra: None,
        }
    }

    /// The same message with a record key and headers.
    #[inline]
    pub fn with_extra(mut self, key: Option<Bytes>, headers: Vec<(String, Option<Bytes>)>) -> Self {
        self.extra = Some(Arc::new(Extra { key, headers }));
        self
    }

    /// Stream, shard, sequence and timestamp.
    #[inline]
    pub fn header(&self) -> &MessageHeader {
        &self.header
    }

    /// The payload bytes, shared.
    #[inline]
    pub fn payload_bytes(&self) -> Bytes {
        self.bytes.slice(self.range.clone())
    }
}

impl fmt::Debug for SharedMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedMessage")
            .field("header", &self.header)
            .field("payload", &self.message())
            .field("key", &self.key())
            .finish()
    }
}

impl Message for SharedMessage {
    #[inline]
    fn stream_key(&self) -> StreamKey {
        self.header.stream_key().clone()
    }
    #[inline]
    fn shard_id(&self) -> ShardId {
        self.header.shard_id()
    }
    #[inline]
    fn sequence(&self) -> SeqNo {
        self.header.sequence()
    }
    #[inline]
    fn timestamp(&self) -> Timestamp {
        self.header.timestamp()
    }
    #[inline]
    fn message(&self) -> Payload<'_> {
        Payload::new(&self.bytes[self.range.clone()])
    }
    #[inline]
    fn key(&self) -> Option<&[u8]> {
        self.extra.as_ref().and_then(|e| e.key.as_deref())
    }
    #[inline]
    fn headers(&self) -> impl Iterator<Item = (&str, Option<&[u8]>)> + Send + '_ {
        self.extra
            .iter()
            .flat_map(|e| e.headers.iter())
            .map(|(k, v)| (k.as_str(), v.as_deref()))
    }
    #[inline]
    fn header(&self) -> MessageHeader {
        self.header.clone()
    }
    #[inline]
    fn to_owned(&self) -> SharedMessage {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> MessageHeader {
        MessageHeader::new(
            StreamKey::new("s").unwrap(),
            ShardId::ZERO,
            7,
            Timestamp::UNIX_EPOCH,
        )
    }

    #[test]
    fn payload_range_points_into_the_line() {
        let line = Bytes::from_static(b"[s | 7] hello");
        let m = SharedMessage::with_payload_range(header(), line, 8..13);
        assert_eq!(m.message().as_str(), Ok("hello"));
        assert_eq!(m.payload_bytes(), Bytes::from_static(b"hello"));
        assert_eq!(m.sequence(), 7);
        assert_eq!(m.key(), None);
        assert_eq!(m.headers().count(), 0);
    }

    #[test]
    fn to_owned_keeps_key_and_headers() {
        let m = SharedMessage::new(header(), Bytes::from_static(b"x")).with_extra(
            Some(Bytes::from_static(b"k")),
            vec![
                ("h".into(), Some(Bytes::from_static(b"v"))),
                ("n".into(), None),
            ],
        );
        let copy = Message::to_owned(&m);
        assert_eq!(copy.key(), Some(&b"k"[..]));
        let hs: Vec<_> = copy.headers().collect();
        assert_eq!(hs, vec![("h", Some(&b"v"[..])), ("n", None)]);
    }

    #[test]
    fn payload_text_and_bytes() {
        let p = Payload::new(b"\xff");
        assert!(p.as_str().is_err());
        assert_eq!(p.len(), 1);
        assert_eq!(format!("{p:?}"), "Payload([255])");
    }
}
