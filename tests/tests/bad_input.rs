//! Bad input, and the exact error text a user sees for it: invalid stream keys, URIs and stream
//! URLs, connect options, and mode/group combinations, through the umbrella `SeaStreamer` (on
//! stdio, and on Kafka where the check is Kafka's). Each table row is one case; a changed text
//! fails here, so the messages are reviewed like an API.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code fails loudly

use std::time::Duration;

use sea_streamer::{SeaConnectOptions, SeaConsumerOptions, SeaStreamer};
use sea_streamer_types::{
    ConnectOptions, Consumer, ConsumerGroup, ConsumerMode, ConsumerOptions, Producer, SeqPos,
    StreamKey, StreamUrl, Streamer, StreamerUri,
};

/// Checks each `(input, error text)` row: `f` must fail on `input` with exactly that text.
fn table<T: std::fmt::Debug, E: std::fmt::Display>(
    what: &str,
    rows: &[(&str, &str)],
    f: impl Fn(&str) -> Result<T, E>,
) {
    for (input, text) in rows {
        match f(input) {
            Ok(v) => panic!("{what} {input:?}: accepted as {v:?}, expected: {text}"),
            Err(e) => assert_eq!(e.to_string(), *text, "{what} {input:?}"),
        }
    }
}

#[test]
fn invalid_stream_keys() {
    let long = "k".repeat(250);
    table(
        "stream key",
        &[
            ("", "stream key is empty: use 1-249 of [A-Za-z0-9._-]"),
            (
                "a b",
                "stream key `a b` is invalid (' ' is not allowed): use 1-249 of [A-Za-z0-9._-]",
            ),
            (
                "orders/eu",
                "stream key `orders/eu` is invalid ('/' is not allowed): use 1-249 of [A-Za-z0-9._-]",
            ),
            (
                "caf\u{e9}",
                "stream key `caf\u{e9}` is invalid ('\u{e9}' is not allowed): use 1-249 of [A-Za-z0-9._-]",
            ),
            (
                &long,
                "stream key `kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk…` is 250 characters long: use 1-249 of [A-Za-z0-9._-]",
            ),
        ],
        |k: &str| StreamKey::new(k),
    );
}

#[test]
fn invalid_streamer_uris() {
    table(
        "streamer URI",
        &[
            ("", "an empty URI has no scheme: write it as scheme://host[:port][,host[:port]...]/stream (e.g. kafka://localhost:9092/orders, stdio:///orders)"),
            ("localhost:9092", "`localhost:9092` has no scheme: write it as scheme://host[:port][,host[:port]...]/stream (e.g. kafka://localhost:9092/orders, stdio:///orders)"),
            ("kafka//x", "`kafka//x` has no scheme: write it as scheme://host[:port][,host[:port]...]/stream (e.g. kafka://localhost:9092/orders, stdio:///orders)"),
            ("kafka://host:port", "`kafka://host:port` has an invalid host `host:port` (invalid port number): write hosts as host[:port]"),
            ("kafka://:9092", "`kafka://:9092` has an invalid host `:9092` (empty host): write hosts as host[:port]"),
            ("kafka://a:9092,,b:9092", "`kafka://a:9092,,b:9092` has an empty host in its host list: write hosts as host[:port],host[:port]"),
        ],
        str::parse::<StreamerUri>,
    );
}

#[test]
fn invalid_stream_urls() {
    table(
        "stream URL",
        &[
            ("kafka://a:9092", "stream URL `kafka://a:9092` names no stream: add `/stream_key[,stream_key...]` (e.g. kafka://localhost:9092/orders, stdio:///orders)"),
            ("stdio:///", "stream URL `stdio:///` names no stream: add `/stream_key[,stream_key...]` (e.g. kafka://localhost:9092/orders, stdio:///orders)"),
            ("kafka://a:9092/bad key", "stream URL `kafka://a:9092/bad key`: stream key `bad key` is invalid (' ' is not allowed): use 1-249 of [A-Za-z0-9._-]"),
            ("stdio:///a,,b", "stream URL `stdio:///a,,b`: stream key is empty: use 1-249 of [A-Za-z0-9._-]"),
        ],
        str::parse::<StreamUrl>,
    );
}

/// Runs `f` on a fresh current-thread runtime.
fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn connect_errors() {
    let connect = |uri: &str, options: SeaConnectOptions| {
        let uri: StreamerUri = uri.parse().unwrap();
        block_on(SeaStreamer::connect(uri, options)).map(|_| ())
    };
    table(
        "connect",
        &[
            ("nope://x", "cannot connect: unknown scheme `nope://`: this build has stdio://, kafka://"),
            ("stdio://host", "cannot connect: `stdio://host` names a host, but stdio has none: use stdio:// (stream URLs: stdio:///stream1,stream2)"),
            ("kafka://", "cannot connect: `kafka://` names no broker: use kafka://host:port[,host:port...]"),
        ],
        |uri| connect(uri, SeaConnectOptions::default()),
    );
    let mut zero = SeaConnectOptions::default();
    zero.set_timeout(Duration::ZERO);
    table(
        "connect with a zero timeout",
        &[
            ("stdio://", "cannot connect: the connect timeout is zero: set a positive timeout, or none for the default"),
            ("kafka://127.0.0.1:1", "cannot connect: the connect timeout is zero: set a positive timeout, or none for the default (10 s)"),
        ],
        |uri| connect(uri, zero.clone()),
    );
}

#[test]
fn consumer_and_producer_option_errors() {
    block_on(async {
        let s = SeaStreamer::connect("stdio://".parse().unwrap(), SeaConnectOptions::default())
            .await
            .unwrap();
        let a = StreamKey::new("a").unwrap();
        let options = |mode, group: Option<&str>| {
            let mut o = SeaConsumerOptions::new(mode);
            if let Some(g) = group {
                o.set_consumer_group(ConsumerGroup::new(g));
            }
            o
        };
        let cases = [
            (
                "RealTime with a group",
                vec![a.clone()],
                options(ConsumerMode::RealTime, Some("g")),
                "a consumer group is set, but RealTime consumers do not join groups: unset it, or use Resumable or LoadBalanced",
            ),
            (
                "LoadBalanced without a group",
                vec![a.clone()],
                options(ConsumerMode::LoadBalanced, None),
                "LoadBalanced consumers need a consumer group: set one with `ConsumerOptions::set_consumer_group`",
            ),
            (
                "Resumable on stdio",
                vec![a.clone()],
                options(ConsumerMode::Resumable, None),
                "unsupported: stdio has no Resumable consumers: there is nothing to resume from; use RealTime, or LoadBalanced with a group",
            ),
            (
                "no stream",
                vec![],
                options(ConsumerMode::RealTime, None),
                "no stream given: pass at least one stream key to `create_consumer`",
            ),
        ];
        for (case, streams, o, text) in cases {
            let err = s.create_consumer(&streams, o).await.expect_err(case);
            assert_eq!(err.to_string(), text, "{case}");
        }
        let mut c = s
            .create_consumer(
                std::slice::from_ref(&a),
                options(ConsumerMode::RealTime, None),
            )
            .await
            .unwrap();
        assert_eq!(
            c.rewind(SeqPos::Beginning).await.expect_err("stdio rewind").to_string(),
            "unsupported: stdio cannot rewind: it reads its input once, as it comes; use a backend that keeps messages (kafka://) to replay them"
        );
        let p = s
            .create_producer(a.clone(), Default::default())
            .await
            .unwrap();
        assert_eq!(
            p.send("two\nlines").map(|_| ()).expect_err("a newline").to_string(),
            "payload holds a newline: one message is one line on stdio; escape or encode it (e.g. as JSON)"
        );
        let mut anchored = p.clone();
        assert_eq!(
            anchored.anchor(StreamKey::new("b").unwrap()).expect_err("anchored twice").to_string(),
            "producer is already anchored to stream `a`: create another producer for another stream, or use `send_to`"
        );
    });
}
