//! The Kafka backend's error.

use std::time::Duration;

use rdkafka::error::RDKafkaErrorCode;
use sea_streamer_types::{StreamErr, StreamResult};

/// The backend error: rdkafka's own, with its error code and source.
pub use rdkafka::error::KafkaError as KafkaErr;

/// [`StreamResult`] of the Kafka backend.
pub type KafkaResult<T> = StreamResult<T, KafkaErr>;

/// Whether a consumer's error is a report the consumer recovers from by itself (a lost
/// connection, a broker down, a failed fetch): go on calling `next`. Fatal consumer errors and
/// everything else are not.
pub fn is_transient(e: &KafkaErr) -> bool {
    matches!(e, KafkaErr::MessageConsumption(_))
}

pub(crate) fn backend(e: KafkaErr) -> StreamErr<KafkaErr> {
    StreamErr::Backend(e)
}

/// `e` as a [`StreamErr::Connect`] that says what to check if it means no broker answered in
/// `timeout`; else as it is.
pub(crate) fn unreachable_or_backend(e: KafkaErr, timeout: Duration) -> StreamErr<KafkaErr> {
    match e.rdkafka_error_code() {
        Some(
            RDKafkaErrorCode::BrokerTransportFailure
            | RDKafkaErrorCode::AllBrokersDown
            | RDKafkaErrorCode::OperationTimedOut,
        ) => StreamErr::Connect(format!(
            "no Kafka broker answered within {timeout:?} ({e}): is it running and reachable?"
        )),
        _ => backend(e),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consumer_reports_are_transient_and_the_rest_is_not() {
        assert!(is_transient(&KafkaErr::MessageConsumption(
            RDKafkaErrorCode::AllBrokersDown
        )));
        assert!(!is_transient(&KafkaErr::MessageConsumptionFatal(
            RDKafkaErrorCode::Fatal
        )));
        assert!(!is_transient(&KafkaErr::Flush(
            RDKafkaErrorCode::OperationTimedOut
        )));
    }
}
