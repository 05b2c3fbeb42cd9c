//! The error of the run-time selected backend.

use sea_streamer_types::StreamResult;

/// The error of whichever backend a [`SeaStreamer`](crate::SeaStreamer) runs on.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum BackendErr {
    /// From the stdio backend.
    #[cfg(feature = "stdio")]
    #[error(transparent)]
    Stdio(#[from] sea_streamer_stdio::StdioErr),
    /// From the Kafka backend.
    #[cfg(feature = "kafka")]
    #[error(transparent)]
    Kafka(#[from] sea_streamer_kafka::KafkaErr),
}

impl BackendErr {
    /// Whether this is a report a consumer recovers from by itself (Kafka: a lost connection, a
    /// broker down): log it and go on calling `next`. Stdio errors are never transient.
    pub fn is_transient(&self) -> bool {
        match self {
            #[cfg(feature = "stdio")]
            Self::Stdio(_) => false,
            #[cfg(feature = "kafka")]
            Self::Kafka(e) => sea_streamer_kafka::is_transient(e),
        }
    }
}

/// [`StreamResult`] of the run-time selected backend.
pub type SeaResult<T> = StreamResult<T, BackendErr>;
