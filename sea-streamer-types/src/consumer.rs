//! The [`Consumer`] trait.

use std::future::Future;

use futures::Stream;

use crate::{Message, SeqPos, ShardId, StreamKey, StreamResult, Timestamp};

/// Reads messages from one or more streams.
///
/// Get messages one at a time with [`next`](Consumer::next), or as a [`Stream`] with
/// [`stream`](Consumer::stream). On stdio (in-process, with loopback):
///
/// ```
/// use sea_streamer_stdio::{StdioConnectOptions, StdioStreamer};
/// use sea_streamer_types::*;
/// use futures::{StreamExt, TryStreamExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut options = StdioConnectOptions::default();
/// options.set_loopback(true).set_no_input().set_no_output();
/// let streamer = StdioStreamer::connect("stdio://".parse()?, options).await?;
/// let key = StreamKey::new("numbers")?;
/// let mut consumer = streamer.create_consumer(&[key.clone()], Default::default()).await?;
/// let producer = streamer.create_producer(key, Default::default()).await?;
/// for i in 0..12 {
///     producer.send(format!("{i}"))?;
/// }
///
/// // one at a time
/// let first = consumer.next().await?;
/// assert_eq!(first.message().as_str()?, "0");
/// assert_eq!(first.sequence(), 0);
///
/// // or as a stream: the next 10, as owned copies
/// let batch: Vec<SharedMessage> = consumer
///     .stream()
///     .take(10)
///     .map_ok(|m| Message::to_owned(&m))
///     .try_collect()
///     .await?;
/// assert_eq!(batch.len(), 10);
/// assert_eq!(batch[9].message().as_str()?, "10");
/// # Ok(()) }
/// ```
pub trait Consumer: Sized + Send + Sync {
    /// The backend's error.
    type Error: std::error::Error + Send + Sync + 'static;

    /// A message, possibly borrowed from the consumer.
    type Message<'a>: Message
    where
        Self: 'a;

    /// What [`stream`](Consumer::stream) returns.
    type Stream<'a>: Stream<Item = StreamResult<Self::Message<'a>, Self::Error>> + Send + Unpin
    where
        Self: 'a;

    /// Moves every assigned shard (shard ZERO of each stream when none is assigned) to the earliest
    /// message whose timestamp is at or after `to`.
    ///
    /// # Errors
    /// [`StreamErr::Unsupported`](crate::StreamErr::Unsupported) where the backend cannot seek
    /// (stdio); a backend error if the server cannot look the offsets up.
    ///
    /// # Cancel safety
    /// Backend specific. On Kafka it is **not** cancel safe: the consumer is unusable until the
    /// future completes.
    fn seek(&mut self, to: Timestamp)
        -> impl Future<Output = StreamResult<(), Self::Error>> + Send;

    /// Moves every assigned shard (shard ZERO of each stream when none is assigned) to `pos`.
    ///
    /// # Errors
    /// [`StreamErr::Unsupported`](crate::StreamErr::Unsupported) where the backend cannot rewind
    /// (stdio).
    fn rewind(&mut self, pos: SeqPos)
        -> impl Future<Output = StreamResult<(), Self::Error>> + Send;

    /// Adds a shard to the set the next [`seek`](Consumer::seek) or [`rewind`](Consumer::rewind)
    /// applies to.
    ///
    /// # Errors
    /// [`StreamErr::Unsupported`](crate::StreamErr::Unsupported) where the backend has no shards to
    /// assign (stdio).
    fn assign(&mut self, ss: (StreamKey, ShardId)) -> StreamResult<(), Self::Error>;

    /// Removes a shard from that set.
    ///
    /// # Errors
    /// As [`assign`](Consumer::assign).
    fn unassign(&mut self, ss: (StreamKey, ShardId)) -> StreamResult<(), Self::Error>;

    /// Waits for the next message.
    ///
    /// # Errors
    /// [`StreamErr::StreamEnded`](crate::StreamErr::StreamEnded) once no message can come any more
    /// (stdio: end of input, after every line read has been delivered); a backend error otherwise.
    ///
    /// # Cancel safety
    /// Cancel safe: dropping the future before it completes loses no message.
    fn next(&self) -> impl Future<Output = StreamResult<Self::Message<'_>, Self::Error>> + Send;

    /// The messages as an async [`Stream`]. It ends (yields `None`) where `next` would return
    /// `StreamEnded`. One stream at a time: it borrows the consumer mutably.
    fn stream<'a, 'b: 'a>(&'b mut self) -> Self::Stream<'a>;
}
