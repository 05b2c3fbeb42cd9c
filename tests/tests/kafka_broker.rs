//! Kafka behaviour against the real broker at `KAFKA_BROKERS` (`scripts/test` starts one): the
//! shared Kafka tests of [`sea_streamer_tests::kafka`] (commit rule, rewind, records, RealTime,
//! LoadBalanced layouts, transactions, topic names), plus what only a real broker can show: seek
//! by time, a missing topic, connect errors. Each test says why it skips without a broker; with
//! `SEA_STREAMER_REQUIRE_KAFKA=1` that is a failure.
//!
//! Tansu looks times up by the broker's write time of each batch, so the seek test leaves real
//! time between the messages before and after the seek point.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code fails loudly

use std::time::{Duration, Instant};

use sea_streamer_kafka::{KafkaConnectOptions, KafkaStreamer};
use sea_streamer_tests::{
    kafka::{next_payload, send_each, setup},
    test_consumer_options, unique, Broker,
};
use sea_streamer_types::{
    ConnectOptions, Consumer, ConsumerMode, StreamErr, StreamKey, Streamer, Timestamp,
};

sea_streamer_tests::kafka_tests!(Broker::from_env(module_path!()));

macro_rules! broker {
    () => {
        match Broker::from_env(module_path!()) {
            Some(b) => b,
            None => return,
        }
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seek_by_time_starts_at_the_first_message_at_or_after_it() {
    let b = broker!();
    let (s, key, p) = setup(&b, "seek", 1).await;
    send_each(&p, (0..3).map(|i| format!("before{i}"))).await;
    // tansu looks times up by each batch's write time: leave real time around the seek point
    tokio::time::sleep(Duration::from_millis(300)).await;
    let point = Timestamp::now_utc();
    tokio::time::sleep(Duration::from_millis(300)).await;
    send_each(&p, (0..3).map(|i| format!("after{i}"))).await;
    let mut c = sea_streamer_tests::kafka::realtime(&s, &key).await;
    c.seek(point).await.unwrap();
    assert_eq!(next_payload(&c).await, (3, "after0".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_topic_is_a_clear_error() {
    let b = broker!();
    let (s, _, _) = setup(&b, "exists", 1).await;
    let missing = StreamKey::new(unique("missing")).unwrap();
    let err = s
        .create_consumer(
            std::slice::from_ref(&missing),
            test_consumer_options(ConsumerMode::RealTime),
        )
        .await
        .expect_err("a consumer of a missing topic");
    assert!(
        matches!(&err, StreamErr::StreamKeyNotFound(k) if k == &missing),
        "{err:?}"
    );
    assert!(err.to_string().contains("does not exist"), "{err}");
}

#[tokio::test]
async fn an_unreachable_broker_is_a_connect_error_within_the_timeout() {
    // needs no broker: port 1 on loopback refuses connections
    let mut options = KafkaConnectOptions::default();
    options.set_timeout(Duration::from_secs(2));
    let start = Instant::now();
    let err = KafkaStreamer::connect("kafka://127.0.0.1:1".parse().unwrap(), options)
        .await
        .expect_err("nothing listens on port 1");
    assert!(
        start.elapsed() < Duration::from_secs(8),
        "took {:?}",
        start.elapsed()
    );
    assert!(matches!(err, StreamErr::Connect(_)), "{err:?}");
    assert!(
        err.to_string().contains("is it running and reachable"),
        "{err}"
    );
}

#[tokio::test]
async fn connect_rejects_bad_uris_and_a_zero_timeout() {
    let cases = [
        ("stdio://", "is not a Kafka URI"),
        ("kafka://", "names no broker"),
    ];
    for (uri, text) in cases {
        let err = KafkaStreamer::connect(uri.parse().unwrap(), KafkaConnectOptions::default())
            .await
            .expect_err(uri);
        assert!(err.to_string().contains(text), "{uri}: {err}");
    }
    let mut zero = KafkaConnectOptions::default();
    zero.set_timeout(Duration::ZERO);
    let err = KafkaStreamer::connect("kafka://127.0.0.1:19092".parse().unwrap(), zero)
        .await
        .expect_err("zero timeout");
    assert!(err.to_string().contains("timeout is zero"), "{err}");
}
