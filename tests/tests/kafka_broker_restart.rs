//! The real broker stopped and restarted mid-stream (`scripts/kafka-broker stop` / `start`):
//! while it is down, `flush` and `connect` fail within their timeouts with errors that say so,
//! nothing hangs; once it is back, the producer delivers what it still held and the consumer
//! gets new messages, with no reconnect by hand.
//!
//! tansu keeps its data in memory only, so a restart loses every topic: the test creates the
//! topic again after the restart (on a broker with storage it would still be there). It restarts
//! the broker that `scripts/test` started; a guard starts it again if the test fails half way.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code fails loudly

use std::{
    path::PathBuf,
    process::Command,
    time::{Duration, Instant},
};

use sea_streamer_kafka::{KafkaConnectOptions, KafkaRecord, KafkaStreamer};
use sea_streamer_tests::{
    kafka::{realtime, runtime},
    unique, Broker,
};
use sea_streamer_types::{
    ConnectOptions, Consumer, Message, Producer, ShardId, StreamErr, StreamKey, Streamer,
};

fn broker_script(command: &str) {
    let script: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "scripts", "kafka-broker"]
        .iter()
        .collect();
    let status = Command::new(script).arg(command).status().unwrap();
    assert!(status.success(), "scripts/kafka-broker {command}: {status}");
}

/// Starts the broker again when dropped, if a check failed while it was down.
struct Restart {
    down: bool,
}

impl Drop for Restart {
    fn drop(&mut self) {
        if self.down {
            broker_script("start");
        }
    }
}

#[test]
fn broker_restart_mid_stream() {
    let Some(b) = Broker::from_env(module_path!()) else {
        return;
    };
    let mut restart = Restart { down: false };
    runtime().block_on(async {
        let timeout = Duration::from_secs(3);
        let mut options = KafkaConnectOptions::default();
        options.set_timeout(timeout);
        let uri = || format!("kafka://{}", b.brokers()).parse().unwrap();
        let s = KafkaStreamer::connect(uri(), options.clone())
            .await
            .unwrap();
        let topic = unique("restart");
        b.create_topic(&topic, 1).await;
        let key = StreamKey::new(&topic).unwrap();
        let p = s
            .create_producer(key.clone(), Default::default())
            .await
            .unwrap();
        let c = realtime(&s, &key).await;
        let zero = KafkaRecord::default().partition(ShardId::ZERO);
        p.send_record(&key, zero.clone(), "before")
            .unwrap()
            .await
            .unwrap();
        let m = tokio::time::timeout(Duration::from_secs(20), c.next())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(m.message().as_str().unwrap(), "before");
        drop(m);

        broker_script("stop");
        restart.down = true;
        let held = p.send_record(&key, zero.clone(), "held").unwrap();
        let start = Instant::now();
        let err = p.flush().await.expect_err("the broker is down");
        assert!(
            start.elapsed() < timeout * 2,
            "flush took {:?}",
            start.elapsed()
        );
        assert!(matches!(err, StreamErr::Timeout { .. }), "{err:?}");
        let start = Instant::now();
        let err = KafkaStreamer::connect(uri(), options.clone())
            .await
            .expect_err("the broker is down");
        assert!(
            start.elapsed() < timeout * 3,
            "connect took {:?}",
            start.elapsed()
        );
        assert!(matches!(err, StreamErr::Connect(_)), "{err:?}");
        assert!(
            err.to_string().contains("is it running and reachable"),
            "{err}"
        );

        broker_script("start");
        restart.down = false;
        // tansu lost the topic with the restart (memory storage); a broker with storage keeps it.
        // The producer may have made it be auto-created already.
        let _ = tokio::time::timeout(Duration::from_secs(20), b.try_create_topic(&topic, 1)).await;
        let receipt = tokio::time::timeout(Duration::from_secs(60), held)
            .await
            .expect("the held message is delivered once the broker is back")
            .expect("receipt");
        assert_eq!(receipt.shard_id(), ShardId::ZERO);
        let s2 = KafkaStreamer::connect(uri(), options)
            .await
            .expect("connect again");
        drop(s2);
        // the consumer goes on by itself: it gets what is produced now (past the transient
        // connection errors it reports)
        let after = p
            .send_record(&key, zero, "after")
            .unwrap()
            .await
            .expect("sending works again");
        let got = tokio::time::timeout(Duration::from_secs(60), async {
            loop {
                match c.next().await {
                    Ok(m) if m.sequence() >= after.sequence() => {
                        return m.message().as_str().unwrap().to_owned()
                    }
                    Ok(_) => {}
                    Err(StreamErr::Backend(e)) if sea_streamer_kafka::is_transient(&e) => {}
                    Err(e) => panic!("not a transient report: {e:?}"),
                }
            }
        })
        .await
        .expect("the consumer gets new messages once the broker is back");
        assert_eq!(got, "after");
    });
}
