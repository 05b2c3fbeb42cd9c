//! The [`Producer`] trait.

use std::future::Future;

use crate::{Buffer, MessageHeader, StreamKey, StreamResult};

/// Sends messages to streams.
///
/// Clones share one connection (one stdout writer, one Kafka producer); dropping a clone ends nothing.
///
/// ```
/// use sea_streamer_stdio::{StdioConnectOptions, StdioStreamer};
/// use sea_streamer_types::*;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut options = StdioConnectOptions::default();
/// options.set_no_input().set_no_output();
/// let streamer = StdioStreamer::connect("stdio://".parse()?, options).await?;
/// let orders = StreamKey::new("orders")?;
/// let producer = streamer.create_producer(orders.clone(), Default::default()).await?;
///
/// // send without waiting; the receipt says where the message went
/// let receipt = producer.send("first")?.await?;
/// assert_eq!((receipt.stream_key(), receipt.sequence()), (&orders, 0));
///
/// // many sends, then one flush
/// for i in 1..=3 {
///     producer.send(format!("order {i}"))?;
/// }
/// producer.flush().await?;
///
/// // a generic producer names the stream each time
/// let generic = streamer.create_generic_producer(Default::default()).await?;
/// assert!(matches!(generic.send("x"), Err(StreamErr::NotAnchored)));
/// let receipt = generic.send_to(&StreamKey::new("payments")?, "paid")?.await?;
/// assert_eq!(receipt.sequence(), 0);
/// # Ok(()) }
/// ```
pub trait Producer: Clone + Send + Sync {
    /// The backend's error.
    type Error: std::error::Error + Send + Sync + 'static;

    /// The future of a send's receipt.
    type SendFuture: Future<Output = StreamResult<MessageHeader, Self::Error>> + Send;

    /// Sends `payload` to `stream` without waiting. The returned future resolves to the receipt: the
    /// real shard, sequence and timestamp the backend gave the message, once it has the message
    /// (Kafka: the broker acknowledged it; stdio: it was written to the output).
    ///
    /// # Errors
    /// Right away, if the payload cannot be sent at all (stdio: it holds a newline; the output is
    /// closed). The receipt fails if the message could not be delivered.
    ///
    /// # Cancel safety
    /// The message is queued when `send_to` returns; dropping the receipt future does not unsend it.
    fn send_to<S: Buffer>(
        &self,
        stream: &StreamKey,
        payload: S,
    ) -> StreamResult<Self::SendFuture, Self::Error>;

    /// Sends `payload` to the stream this producer is anchored to. See [`send_to`](Producer::send_to).
    ///
    /// # Errors
    /// [`StreamErr::NotAnchored`](crate::StreamErr::NotAnchored) if the producer has no stream;
    /// otherwise as `send_to`.
    ///
    /// # Cancel safety
    /// As `send_to`.
    fn send<S: Buffer>(&self, payload: S) -> StreamResult<Self::SendFuture, Self::Error> {
        let stream = self.anchored()?;
        self.send_to(stream, payload)
    }

    /// Delivers everything sent so far.
    ///
    /// # Errors
    /// If any of it could not be delivered (stdio: the output was closed).
    fn flush(&self) -> impl Future<Output = StreamResult<(), Self::Error>> + Send;

    /// Flushes, then lets this clone go.
    ///
    /// # Errors
    /// As [`flush`](Producer::flush).
    fn end(self) -> impl Future<Output = StreamResult<(), Self::Error>> + Send;

    /// Gives this producer a stream for [`send`](Producer::send).
    ///
    /// # Errors
    /// [`StreamErr::AlreadyAnchored`](crate::StreamErr::AlreadyAnchored) if it has one.
    fn anchor(&mut self, stream: StreamKey) -> StreamResult<(), Self::Error>;

    /// The stream this producer is anchored to.
    ///
    /// # Errors
    /// [`StreamErr::NotAnchored`](crate::StreamErr::NotAnchored) if it has none.
    fn anchored(&self) -> StreamResult<&StreamKey, Self::Error>;
}
