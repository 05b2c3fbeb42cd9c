//! The Kafka backend's error.

use sea_streamer_types::{StreamErr, StreamResult};

/// The backend error: rdkafka's own, with its error code and source.
pub use rdkafka::error::KafkaError as KafkaErr;

/// [`StreamResult`] of the Kafka backend.
pub type KafkaResult<T> = StreamResult<T, KafkaErr>;

pub(crate) fn backend(e: KafkaErr) -> StreamErr<KafkaErr> {
    StreamErr::Backend(e)
}

/// A blocking librdkafka call, run off the async executor's threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> KafkaResult<T> + Send + 'static,
) -> KafkaResult<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r,
        Err(e) => Err(StreamErr::Unsupported(format!(
            "a blocking Kafka call did not complete: {e}"
        ))),
    }
}
