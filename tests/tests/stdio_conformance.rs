//! The conformance suite on stdio: a loopback streamer with no stdin or stdout, so producers'
//! messages reach consumers in the same process.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

use sea_streamer_stdio::{StdioConnectOptions, StdioStreamer};
use sea_streamer_types::{conformance::Harness, conformance_tests, StreamKey, Streamer};

struct Stdio;

impl Harness for Stdio {
    type Streamer = StdioStreamer;

    async fn streamer(&self) -> StdioStreamer {
        let mut options = StdioConnectOptions::default();
        options.set_loopback(true).set_no_input().set_no_output();
        match StdioStreamer::connect("stdio://".parse().expect("stdio:// parses"), options).await {
            Ok(s) => s,
            Err(e) => panic!("connect: {e}"),
        }
    }

    async fn stream(&self, name: &str) -> StreamKey {
        StreamKey::new(name).expect("test stream names are valid")
    }
}

conformance_tests!(Stdio);
