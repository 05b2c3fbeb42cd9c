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
