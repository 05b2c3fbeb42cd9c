//! Closing librdkafka clients off the async executor, in bounded time.
//!
//! Dropping an rdkafka client blocks: a consumer leaves its group (and may commit), a producer
//! waits for its queue, and rdkafka's consumer close has no deadline: with the broker gone it can
//! wait forever. [`OffExecutor`] owns such a client and, when dropped, closes it on a thread of
//! its own. Inside a tokio runtime a blocking-pool task waits for that close up to a bound, so a
//! runtime shutdown (the end of `main`) lets a normal close finish, leaving the group cleanly, but
//! never waits longer than the bound. Outside a runtime the dropping thread waits, as long.

use std::{ops::Deref, sync::mpsc, time::Duration};

use rdkafka::producer::{FutureProducer, Producer as _};

/// A librdkafka client that is closed off the executor, within `bound`.
pub(crate) struct OffExecutor<T: Send + 'static> {
    client: Option<T>,
    bound: Duration,
}

impl<T: Send + 'static> OffExecutor<T> {
    pub(crate) fn new(client: T, bound: Duration) -> Self {
        Self {
            client: Some(client),
            bound,
        }
    }
}

impl<T: Send + 'static> Deref for OffExecutor<T> {
    type Target = T;

    fn deref(&self) -> &T {
        match &self.client {
            Some(client) => client,
            // only `drop` takes the client, and nothing derefs after that
            None => unreachable!("an OffExecutor client used after its drop"),
        }
    }
}

impl<T: Send + 'static> Drop for OffExecutor<T> {
    fn drop(&mut self) {
        let Some(client) = self.client.take() else {
            return;
        };
        let (closed, done) = mpsc::sync_channel::<()>(1);
        let closer = std::thread::Builder::new()
            .name("sea-streamer-kafka-close".into())
            .spawn(move || {
                drop(client);
                let _ = closed.send(());
            });
        if closer.is_err() {
            // no thread to be had: the client was dropped (closed) here, with the closure
            return;
        }
        let bound = self.bound;
        let wait = move || {
            let _ = done.recv_timeout(bound);
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn_blocking(wait)),
            Err(_) => wait(),
        }
    }
}

/// A producer that, when dropped, first waits (up to `timeout`) for the messages it was given to
/// be delivered. rdkafka's own drop purges whatever is still queued.
pub(crate) struct Flushing {
    pub(crate) producer: FutureProducer,
    pub(crate) timeout: Duration,
}

impl Drop for Flushing {
    fn drop(&mut self) {
        if self.producer.in_flight_count() > 0 {
            // best effort: a failed flush leaves the error on each message's receipt
            let _ = self.producer.flush(self.timeout);
        }
    }
}
