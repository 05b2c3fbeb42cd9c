//! The conformance suite on Kafka, against librdkafka's in-process mock cluster (no broker
//! needed).

use sea_streamer_tests::Mock;
use sea_streamer_types::conformance_tests;

conformance_tests!(Mock::new());
