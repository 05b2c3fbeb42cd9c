//! [`StreamErr`], the one error type of every backend.

use std::time::Duration;

use crate::{ConsumerMode, StreamKey, StreamKeyErr, StreamUrlErr};

/// The result of every fallible SeaStreamer call; `E` is the backend's own error.
pub type StreamResult<T, E> = Result<T, StreamErr<E>>;

/// What went wrong. Backends alias it with their own error type (`StdioResult`, `KafkaResult`).
///
/// The text of every variant says what was wrong and what to do about it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamErr<E> {
    /// Could not connect to the streaming server, or the URI names nothing to connect to.
    #[error("cannot connect: {0}")]
    Connect(String),
    /// A stream key is not valid.
    #[error(transparent)]
    StreamKey(#[from] StreamKeyErr),
    /// A stream URL or streamer URI does not parse.
    #[error(transparent)]
    StreamUrl(#[from] StreamUrlErr),
    /// A stream that does not exist (Kafka: a missing topic).
    #[error("stream `{0}` does not exist: create it first (on Kafka, create the topic), or check its name")]
    StreamKeyNotFound(StreamKey),
    /// `create_consumer` was given no stream.
    #[error("no stream given: pass at least one stream key to `create_consumer`")]
    StreamKeyEmpty,
    /// `anchor` on a producer that already has a stream.
    #[error("producer is already anchored to stream `{0}`: create another producer for another stream, or use `send_to`")]
    AlreadyAnchored(StreamKey),
    /// `send` on a producer with no stream.
    #[error("producer is not anchored to a stream: use `send_to`, or `anchor` it (or `create_producer`) first")]
    NotAnchored,
    /// A consumer group was set for a mode that does not use one.
    #[error("a consumer group is set, but {0:?} consumers do not join groups: unset it, or use Resumable or LoadBalanced")]
    ConsumerGroupIsSet(ConsumerMode),
    /// A mode that needs a consumer group has none.
    #[error(
        "{0:?} consumers need a consumer group: set one with `ConsumerOptions::set_consumer_group`"
    )]
    ConsumerGroupNotSet(ConsumerMode),
    /// A commit was asked of a consumer that does not commit (RealTime).
    #[error("commit is not allowed: RealTime consumers do not commit; use Resumable or LoadBalanced with a consumer group")]
    CommitNotAllowed,
    /// The backend does not do this; the text says what and what to use instead.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// An operation did not complete in time.
    #[error("{op} timed out after {after:?}")]
    Timeout {
        /// What timed out.
        op: &'static str,
        /// The time allowed.
        after: Duration,
    },
    /// The stream has ended: no message will come any more (stdio: end of input).
    #[error("end of stream: no more messages will come")]
    StreamEnded,
    /// An error of the backend, with its source chain.
    #[error(transparent)]
    Backend(E),
}

impl<E> StreamErr<E> {
    /// Turns the backend error into another type, keeping every other variant.
    pub fn map_backend<F>(self, f: impl FnOnce(E) -> F) -> StreamErr<F> {
        use StreamErr::*;
        match self {
            Connect(s) => Connect(s),
            StreamKey(e) => StreamKey(e),
            StreamUrl(e) => StreamUrl(e),
            StreamKeyNotFound(k) => StreamKeyNotFound(k),
            StreamKeyEmpty => StreamKeyEmpty,
            AlreadyAnchored(k) => AlreadyAnchored(k),
            NotAnchored => NotAnchored,
            ConsumerGroupIsSet(m) => ConsumerGroupIsSet(m),
            ConsumerGroupNotSet(m) => ConsumerGroupNotSet(m),
            CommitNotAllowed => CommitNotAllowed,
            Unsupported(s) => Unsupported(s),
            Timeout { op, after } => Timeout { op, after },
            StreamEnded => StreamEnded,
            Backend(e) => Backend(f(e)),
        }
    }
}
