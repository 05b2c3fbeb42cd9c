//! Kafka behaviour on librdkafka's in-process mock cluster (no broker needed): the shared Kafka
//! tests of [`sea_streamer_tests::kafka`] (commit rule, rewind, records, RealTime, LoadBalanced
//! layouts, transactions, topic names), and faults only the mock can inject: closing with the
//! broker gone, a full queue while the broker is down, the broker down and back mid-stream,
//! injected produce and fetch errors.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code fails loudly

use std::time::{Duration, Instant};

use sea_streamer_kafka::{KafkaConsumer, KafkaProducer, KafkaProducerOptions, KafkaStreamer};
use sea_streamer_tests::kafka::group_options;
use sea_streamer_tests::Mock;
use sea_streamer_types::{
    Consumer, ConsumerMode, Message, Producer, StreamErr, StreamKey, Streamer,
};

sea_streamer_tests::kafka_tests!(Some(Mock::new()));

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
        let s = mock.connect_with_timeout(timeout).await;
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

/// With the broker down, a producer whose queue is full waits for room up to its timeout, then
/// says so; once the broker is back, every message it queued is delivered and sending works.
#[test]
fn a_full_queue_with_the_broker_down_times_out_then_recovers() {
    let mock = Mock::new();
    let topic = sea_streamer_tests::unique("full");
    mock.create_topic(&topic, 1);
    let runtime = sea_streamer_tests::kafka::runtime();
    runtime.block_on(async {
        let timeout = Duration::from_secs(2);
        let s = mock.connect_with_timeout(timeout).await;
        let key = StreamKey::new(&topic).expect("valid topic");
        let mut po = KafkaProducerOptions::default();
        po.add_custom_option("queue.buffering.max.messages", "5");
        let p = s.create_producer(key.clone(), po).await.expect("producer");
        p.send("warm-up").expect("send").await.expect("receipt");
        mock.with(|cluster| cluster.broker_down(1))
            .expect("broker down");
        let queued: Vec<_> = (0..5)
            .map(|i| p.send(format!("m{i}")).expect("room for 5"))
            .collect();
        let start = Instant::now();
        let err = p.send("one too many").expect_err("the queue is full");
        let took = start.elapsed();
        assert!(matches!(err, StreamErr::Timeout { .. }), "{err:?}");
        assert!(err.to_string().contains("queue stayed full"), "{err}");
        assert!(
            took >= timeout && took < timeout * 3,
            "waited {took:?} with a {timeout:?} timeout"
        );
        mock.with(|cluster| cluster.broker_up(1))
            .expect("broker up");
        let mut sequences = Vec::new();
        for r in queued {
            let header = tokio::time::timeout(Duration::from_secs(30), r)
                .await
                .expect("delivered once the broker is back")
                .expect("receipt");
            sequences.push(header.sequence());
        }
        assert_eq!(sequences, [1, 2, 3, 4, 5]);
        let after = p.send("after").expect("send").await.expect("receipt");
        assert_eq!(after.sequence(), 6);
    });
}

/// A new one-partition topic on `mock`, a streamer whose operations time out after `timeout`,
/// a producer anchored to the topic and a RealTime consumer of it.
async fn producer_and_consumer(
    mock: &Mock,
    name: &str,
    timeout: Duration,
) -> (KafkaStreamer, StreamKey, KafkaProducer, KafkaConsumer) {
    let topic = sea_streamer_tests::unique(name);
    mock.create_topic(&topic, 1);
    let s = mock.connect_with_timeout(timeout).await;
    let key = StreamKey::new(&topic).expect("valid topic");
    let p = s
        .create_producer(key.clone(), Default::default())
        .await
        .expect("producer");
    let c = sea_streamer_tests::kafka::realtime(&s, &key).await;
    (s, key, p, c)
}

/// The next message's payload, within 30 s, past the transient errors `next` reports while
/// connections are down (`AllBrokersDown`: the consumer goes on by itself).
async fn next(c: &KafkaConsumer) -> String {
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match c.next().await {
                Ok(m) => return m.message().as_str().expect("UTF-8").to_owned(),
                Err(StreamErr::Backend(e)) if sea_streamer_kafka::is_transient(&e) => {}
                Err(e) => panic!("not a transient report: {e:?}"),
            }
        }
    })
    .await
    .expect("a message in time")
}

/// The broker goes down mid-stream: `flush` and `end` report the undelivered messages within
/// the timeout instead of hanging; a consumer simply waits; once the broker is back, what was
/// queued is delivered, the consumer goes on where it was, and sending works again.
#[test]
fn broker_down_mid_stream_flush_errors_in_time_then_everything_recovers() {
    let mock = Mock::new();
    let runtime = sea_streamer_tests::kafka::runtime();
    runtime.block_on(async {
        let timeout = Duration::from_secs(2);
        let (s, key, p, c) = producer_and_consumer(&mock, "down", timeout).await;
        p.send("before").expect("send").await.expect("receipt");
        assert_eq!(next(&c).await, "before");
        mock.with(|cluster| cluster.broker_down(1))
            .expect("broker down");
        let pending = p.send("during").expect("queued while the broker is down");
        let start = Instant::now();
        let err = p.flush().await.expect_err("nothing can be delivered");
        assert!(
            start.elapsed() < timeout * 2,
            "flush took {:?}",
            start.elapsed()
        );
        assert!(matches!(err, StreamErr::Timeout { .. }), "{err:?}");
        assert!(err.to_string().contains("undelivered"), "{err}");
        let err = p.clone().end().await.expect_err("end, too");
        assert!(matches!(err, StreamErr::Timeout { .. }), "{err:?}");
        // a new consumer needs the broker's metadata: an error within the timeout
        let start = Instant::now();
        let err = s
            .create_consumer(
                std::slice::from_ref(&key),
                sea_streamer_tests::test_consumer_options(ConsumerMode::RealTime),
            )
            .await
            .expect_err("no metadata while the broker is down");
        assert!(
            start.elapsed() < timeout * 2,
            "create_consumer took {:?}",
            start.elapsed()
        );
        assert!(matches!(err, StreamErr::Connect(_)), "{err:?}");
        assert!(
            err.to_string().contains("is it running and reachable"),
            "{err}"
        );
        // no message while the broker is down (at most an error saying it is down)
        if let Ok(Ok(m)) = tokio::time::timeout(Duration::from_millis(500), c.next()).await {
            panic!(
                "a message while the broker is down: {:?}",
                m.message().as_str()
            );
        }
        mock.with(|cluster| cluster.broker_up(1))
            .expect("broker up");
        let receipt = tokio::time::timeout(Duration::from_secs(30), pending)
            .await
            .expect("delivered once the broker is back")
            .expect("receipt");
        assert_eq!(receipt.sequence(), 1);
        assert_eq!(next(&c).await, "during");
        p.send("after").expect("send").await.expect("receipt");
        assert_eq!(next(&c).await, "after");
        p.flush().await.expect("flush");
    });
}

/// Injected errors on produce and fetch requests (leader moved, a dropped connection): rdkafka
/// retries, and every message arrives once, in order.
#[test]
fn injected_request_errors_are_retried_without_loss() {
    use sea_streamer_kafka::rdkafka::types::{RDKafkaApiKey, RDKafkaRespErr};
    let mock = Mock::new();
    let runtime = sea_streamer_tests::kafka::runtime();
    runtime.block_on(async {
        let (_s, _key, p, c) =
            producer_and_consumer(&mock, "errors", Duration::from_secs(10)).await;
        mock.with(|cluster| {
            cluster.request_errors(
                RDKafkaApiKey::Produce,
                &[
                    RDKafkaRespErr::RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                    RDKafkaRespErr::RD_KAFKA_RESP_ERR__TRANSPORT,
                    RDKafkaRespErr::RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
                ],
            );
            cluster.request_errors(
                RDKafkaApiKey::Fetch,
                &[
                    RDKafkaRespErr::RD_KAFKA_RESP_ERR__TRANSPORT,
                    RDKafkaRespErr::RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                ],
            );
        });
        let mut sequences = Vec::new();
        for i in 0..20 {
            let r = tokio::time::timeout(
                Duration::from_secs(30),
                p.send(format!("m{i}")).expect("send"),
            )
            .await
            .expect("a receipt in time")
            .expect("delivered after retries");
            sequences.push(r.sequence());
        }
        assert_eq!(sequences, (0..20).collect::<Vec<u64>>());
        for i in 0..20 {
            assert_eq!(next(&c).await, format!("m{i}"));
        }
    });
}
