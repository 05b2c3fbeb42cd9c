//! The conformance suite through the umbrella's run-time selected backend (`SeaStreamer` on
//! `stdio://`), so the delegation to each backend is held to the same contract.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

use sea_streamer::{SeaConnectOptions, SeaStreamer};
use sea_streamer_types::{conformance::Harness, conformance_tests, StreamKey, Streamer};

struct SeaOnStdio;

impl Harness for SeaOnStdio {
    type Streamer = SeaStreamer;

    async fn streamer(&self) -> SeaStreamer {
        let mut options = SeaConnectOptions::default();
        options.set_stdio_connect_options(|o| {
            o.set_loopback(true).set_no_input().set_no_output();
        });
        match SeaStreamer::connect("stdio://".parse().expect("stdio:// parses"), options).await {
            Ok(s) => s,
            Err(e) => panic!("connect: {e}"),
        }
    }

    async fn stream(&self, name: &str) -> StreamKey {
        StreamKey::new(name).expect("test stream names are valid")
    }
}

conformance_tests!(SeaOnStdio);

/// `SeaStreamer` on `kafka://`, against librdkafka's mock cluster.
mod on_kafka_mock {
    use sea_streamer::{SeaConnectOptions, SeaConsumerOptions, SeaStreamer};
    use sea_streamer_tests::{test_consumer_options, Mock};
    use sea_streamer_types::{
        conformance::Harness, conformance_tests, ConsumerMode, ConsumerOptions, StreamKey, Streamer,
    };

    struct SeaOnMock(Mock);

    impl Harness for SeaOnMock {
        type Streamer = SeaStreamer;

        async fn streamer(&self) -> SeaStreamer {
            let uri = format!("kafka://{}", self.0.bootstrap());
            match SeaStreamer::connect(uri.parse().expect("mock URI"), SeaConnectOptions::default())
                .await
            {
                Ok(s) => s,
                Err(e) => panic!("connect: {e}"),
            }
        }

        async fn stream(&self, name: &str) -> StreamKey {
            self.0.stream(name).await
        }

        fn exact_receipt_timestamps(&self) -> bool {
            self.0.exact_receipt_timestamps()
        }

        fn consumer_options(&self, mode: ConsumerMode) -> SeaConsumerOptions {
            let mut o = SeaConsumerOptions::new(mode);
            o.set_kafka_consumer_options(|k| *k = test_consumer_options(mode));
            o
        }
    }

    conformance_tests!(SeaOnMock(Mock::new()));
}
