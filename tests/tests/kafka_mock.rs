//! Kafka behaviour on librdkafka's in-process mock cluster (no broker needed): the shared Kafka
//! tests of [`sea_streamer_tests::kafka`] (commit rule, rewind, records, RealTime, LoadBalanced
//! layouts, transactions, topic names).

use sea_streamer_tests::Mock;

sea_streamer_tests::kafka_tests!(Some(Mock::new()));

use std::time::{Duration, Instant};

use sea_streamer_kafka::{KafkaConnectOptions, KafkaStreamer};
use sea_streamer_tests::kafka::group_options;
use sea_streamer_types::{ConnectOptions, Consumer, Producer, StreamKey, Streamer};

/// Dropping a group consumer and a producer with undelivered messages, with the broker gone:
/// the drops return at once (the close runs off the executor), and the runtime's shutdown waits
/// for the closes no longer than the streamer's timeout (rdkafka's own consumer close would wait
/// for the broker forever).
#[test]
fn closing_with_the_broker_gone_is_bounded_and_off_the_executor() {
    let mock = Mock::new();
    let topic = sea_streamer_tests::unique("close");
    mock.create_topic(&topic, 1);
    let timeout = Duration::from_secs(3);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut options = KafkaConnectOptions::default();
        options.set_timeout(timeout);
        let uri = format!("kafka://{}", mock.bootstrap())
            .parse()
            .expect("URI");
        let s = KafkaStreamer::connect(uri, options).await.expect("connect");
        let key = StreamKey::new(&topic).expect("valid topic");
        let p = s
            .create_producer(key.clone(), Default::default())
            .await
            .expect("producer");
        p.send("m0").expect("send").await.expect("receipt");
        let c = s
            .create_consumer(
                std::slice::from_ref(&key),
                group_options(&sea_streamer_tests::unique("g"), |_| {}),
            )
            .await
            .expect("consumer");
        let m = tokio::time::timeout(Duration::from_secs(20), c.next())
            .await
            .expect("a message in time")
            .expect("a message");
        drop(m);
        mock.with(|cluster| cluster.broker_down(1))
            .expect("broker down");
        // queued, never to be delivered
        let receipt = p.send("m1").expect("send");
        let start = Instant::now();
        drop(c);
        drop(p);
        let took = start.elapsed();
        assert!(took < Duration::from_millis(200), "the drops took {took:?}");
        drop(receipt);
    });
    let start = Instant::now();
    drop(runtime);
    let took = start.elapsed();
    // the producer's bound is its timeout + 1 s (rdkafka's own drop flushes up to 0.5 s)
    assert!(
        took < timeout + Duration::from_secs(2),
        "the runtime shutdown waited {took:?} for the closes"
    );
}
