//! The conformance suite on Kafka, against the real broker at `KAFKA_BROKERS` (`scripts/test`
//! starts one). Without it each test says why it skips; with `SEA_STREAMER_REQUIRE_KAFKA=1`
//! (CI) that is a failure.

use sea_streamer_tests::Broker;
use sea_streamer_types::conformance_tests;

conformance_tests!(match Broker::from_env(module_path!()) {
    Some(broker) => broker,
    None => return,
});
