//! The [`Consumer`] trait.

use std::future::Future;

use futures::Stream;

use crate::{Message, SeqPos, ShardId, StreamKey, StreamResult, Timestamp};

/// Reads messages from one or more streams.
///
/// Get messages one at a time with [`next`](Consumer::next), or as a [`Stream`] with
/// [`stream`](Consumer::stream):
///
/// ```
/// # use sea_streamer_types::*;
/// # async fn demo<C: Consumer>(mut consumer: C) -> Result<(), StreamErr<C::Error>> {
/// use futures::{StreamExt, TryStreamExt};
/// // take 10 messages, as owned copies
/// let batch: Vec<SharedMessage> = consumer
///     .stream()
///     .take(10)
///     .map_ok(|m| m.to_owned())
///     .try_collect()
///     .await?;
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
