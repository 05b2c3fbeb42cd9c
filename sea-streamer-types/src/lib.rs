#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod capability;
mod consumer;
mod error;
mod message;
mod options;
mod producer;
mod stream;
mod streamer;
mod uri;

#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod conformance;

pub use capability::Capabilities;
pub use consumer::Consumer;
pub use error::{StreamErr, StreamResult};
pub use message::{Buffer, Message, Payload, SharedMessage};
pub use options::{ConnectOptions, ConsumerGroup, ConsumerMode, ConsumerOptions, ProducerOptions};
pub use producer::Producer;
pub use stream::{
    is_stream_key_char, validate_stream_key, MessageHeader, SeqNo, SeqPos, ShardId, StreamKey,
    StreamKeyErr, Timestamp, BROADCAST, MAX_STREAM_KEY_LEN,
};
pub use streamer::Streamer;
pub use uri::{StreamUrl, StreamUrlErr, StreamerUri};

/// Re-exported so users and backends name one version.
pub use futures::{Stream, StreamExt};
/// Re-exported: [`Timestamp`] is `time::OffsetDateTime`.
pub use time;

/// Checks a consumer's mode against its group: RealTime takes none, LoadBalanced needs one.
///
/// # Errors
/// [`StreamErr::ConsumerGroupIsSet`] or [`StreamErr::ConsumerGroupNotSet`].
pub fn check_consumer_group<E>(
    mode: ConsumerMode,
    group: Option<&ConsumerGroup>,
) -> StreamResult<(), E> {
    match (mode, group) {
        (ConsumerMode::RealTime, Some(_)) => Err(StreamErr::ConsumerGroupIsSet(mode)),
        (ConsumerMode::LoadBalanced, None) => Err(StreamErr::ConsumerGroupNotSet(mode)),
        _ => Ok(()),
    }
}
