//! [`KafkaProducer`].

use std::{
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::{Duration, Instant},
};

use rdkafka::{
    error::RDKafkaErrorCode,
    message::{Header, OwnedHeaders},
    producer::{DeliveryFuture, FutureProducer, FutureRecord, Producer as _},
};
use sea_streamer_types::{Buffer, MessageHeader, Producer, SeqNo, ShardId, StreamErr, StreamKey};

use crate::{
    close::{Flushing, OffExecutor},
    error::{backend, blocking},
    message::timestamp_of,
    streamer::check_topic,
    KafkaConsumer, KafkaErr, KafkaResult,
};

/// A producer on Kafka. Clones share one rdkafka producer (one connection).
///
/// Dropping the last clone waits, off the async executor, up to the timeout for what was sent to
/// be delivered, then closes the connection; [`flush`](Producer::flush) or
/// [`end`](Producer::end) first to see the outcome.
#[derive(Clone)]
pub struct KafkaProducer {
    inner: Arc<OffExecutor<Flushing>>,
    stream: Option<StreamKey>,
    timeout: Duration,
}

impl std::fmt::Debug for KafkaProducer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaProducer")
            .field("stream", &self.stream)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// A message with more than a payload: key, partition, headers, timestamp.
#[derive(Debug, Clone, Default)]
pub struct KafkaRecord<'a> {
    key: Option<&'a [u8]>,
    partition: Option<i32>,
    timestamp: Option<i64>,
    headers: Vec<(&'a str, Option<&'a [u8]>)>,
}

impl<'a> KafkaRecord<'a> {
    /// The record key (partitioning and compaction).
    pub fn key(mut self, key: &'a [u8]) -> Self {
        self.key = Some(key);
        self
    }

    /// A partition, instead of the partitioner's choice.
    pub fn partition(mut self, shard: ShardId) -> Self {
        self.partition = i32::try_from(shard.id()).ok();
        self
    }

    /// The timestamp, in milliseconds since the Unix epoch (default: now).
    pub fn timestamp_millis(mut self, ms: i64) -> Self {
        self.timestamp = Some(ms);
        self
    }

    /// Adds a header.
    pub fn header(mut self, key: &'a str, value: Option<&'a [u8]>) -> Self {
        self.headers.push((key, value));
        self
    }
}

/// The receipt of a Kafka send: resolves when the broker acknowledged the message.
pub struct KafkaSendFuture {
    delivery: DeliveryFuture,
    stream: StreamKey,
}

impl std::fmt::Debug for KafkaSendFuture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaSendFuture")
            .field("stream", &self.stream)
            .finish_non_exhaustive()
    }
}

impl Future for KafkaSendFuture {
    type Output = KafkaResult<MessageHeader>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        Pin::new(&mut this.delivery).poll(cx).map(|r| match r {
            Ok(Ok(d)) => Ok(MessageHeader::new(
                this.stream.clone(),
                ShardId::new(u64::try_from(d.partition).unwrap_or(0)),
                u64::try_from(d.offset).unwrap_or(0),
                // the record's create time (librdkafka stamps it at send), or the broker's time
                // for topics that keep log-append time
                timestamp_of(d.timestamp),
            )),
            Ok(Err((e, _))) => Err(backend(e)),
            Err(_) => Err(backend(KafkaErr::Canceled)),
        })
    }
}

impl KafkaProducer {
    pub(crate) fn new(producer: FutureProducer, timeout: Duration) -> Self {
        Self {
            // the flush, then rdkafka's own drop (a purge and a flush of up to 500 ms)
            inner: Arc::new(OffExecutor::new(
                Flushing { producer, timeout },
                timeout + Duration::from_secs(1),
            )),
            stream: None,
            timeout,
        }
    }

    /// The rdkafka producer.
    pub fn inner(&self) -> &FutureProducer {
        &self.inner.producer
    }

    /// Sends `payload` to `stream` with a key, partition, headers or timestamp.
    ///
    /// # Errors
    /// As [`send_to`](Producer::send_to).
    pub fn send_record<S: Buffer>(
        &self,
        stream: &StreamKey,
        record: KafkaRecord<'_>,
        payload: S,
    ) -> KafkaResult<KafkaSendFuture> {
        let bytes = payload.as_bytes();
        let mut r: FutureRecord<'_, [u8], [u8]> = FutureRecord::to(stream.name()).payload(bytes);
        if let Some(k) = record.key {
            r = r.key(k);
        }
        if let Some(p) = record.partition {
            r = r.partition(p);
        }
        if let Some(t) = record.timestamp {
            r = r.timestamp(t);
        }
        if !record.headers.is_empty() {
            let mut h = OwnedHeaders::new_with_capacity(record.headers.len());
            for (key, value) in record.headers {
                h = h.insert(Header { key, value });
            }
            r = r.headers(h);
        }
        self.enqueue(stream, r)
    }

    /// Hands the record to librdkafka; while its queue is full, waits up to the timeout, as
    /// Kafka's own producers do (`max.block.ms`). The wait blocks the calling thread; on a
    /// multi-threaded tokio runtime the worker's other tasks move to other workers meanwhile.
    fn enqueue(
        &self,
        stream: &StreamKey,
        mut record: FutureRecord<'_, [u8], [u8]>,
    ) -> KafkaResult<KafkaSendFuture> {
        check_topic(stream)?;
        let mut deadline = None;
        loop {
            match self.inner.producer.send_result(record) {
                Ok(delivery) => {
                    return Ok(KafkaSendFuture {
                        delivery,
                        stream: stream.clone(),
                    })
                }
                Err((KafkaErr::MessageProduction(RDKafkaErrorCode::QueueFull), r)) => {
                    let until = *deadline.get_or_insert_with(|| Instant::now() + self.timeout);
                    if Instant::now() >= until {
                        return Err(StreamErr::Timeout {
                            op: "send (librdkafka's queue stayed full: is the broker reachable, and keeping up?)",
                            after: self.timeout,
                        });
                    }
                    record = r;
                    nap();
                }
                Err((e, _)) => return Err(backend(e)),
            }
        }
    }

    /// `init_transactions` of a producer with a `transactional.id`.
    ///
    /// # Errors
    /// rdkafka's error.
    pub async fn init_transactions(&self) -> KafkaResult<()> {
        let (p, t) = (self.inner.clone(), self.timeout);
        blocking(move || p.producer.init_transactions(t).map_err(backend)).await
    }

    /// Begins a transaction.
    ///
    /// # Errors
    /// rdkafka's error.
    pub fn begin_transaction(&self) -> KafkaResult<()> {
        self.inner.producer.begin_transaction().map_err(backend)
    }

    /// Commits the transaction.
    ///
    /// # Errors
    /// rdkafka's error.
    pub async fn commit_transaction(&self) -> KafkaResult<()> {
        let (p, t) = (self.inner.clone(), self.timeout);
        blocking(move || p.producer.commit_transaction(t).map_err(backend)).await
    }

    /// Adds a consumer's progress to the current transaction: once the transaction commits,
    /// `consumer`'s group has each message in `done` as done, atomically with what the
    /// transaction produced (the commit rule: the group resumes after each one). This is the
    /// consume-transform-produce loop of exactly-once processing; whoever reads the output sets
    /// `isolation.level=read_committed`. Use it instead of the consumer's own commits, with
    /// auto-commit off.
    ///
    /// # Errors
    /// [`StreamErr::CommitNotAllowed`] for a RealTime consumer; rdkafka's error (no transaction
    /// begun, timeout, fenced producer).
    ///
    /// # Cancel safety
    /// Runs on tokio's blocking pool: dropping the future stops the wait, not the call. The
    /// transaction calls (`init_transactions`, `commit_transaction`, `abort_transaction`) are
    /// alike.
    pub async fn send_offsets_to_transaction(
        &self,
        consumer: &KafkaConsumer,
        done: &[(StreamKey, ShardId, SeqNo)],
    ) -> KafkaResult<()> {
        let (offsets, group) = consumer.transaction_offsets(done)?;
        let (p, t) = (self.inner.clone(), self.timeout);
        blocking(move || {
            p.producer
                .send_offsets_to_transaction(&offsets, &group, t)
                .map_err(backend)
        })
        .await
    }

    /// Aborts the transaction.
    ///
    /// # Errors
    /// rdkafka's error.
    pub async fn abort_transaction(&self) -> KafkaResult<()> {
        let (p, t) = (self.inner.clone(), self.timeout);
        blocking(move || p.producer.abort_transaction(t).map_err(backend)).await
    }
}

/// A millisecond's wait for librdkafka's queue to drain, handing the worker's other tasks to
/// other workers when on a multi-threaded runtime.
fn nap() {
    let sleep = || std::thread::sleep(Duration::from_millis(1));
    match tokio::runtime::Handle::try_current() {
        Ok(rt) if rt.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(sleep);
        }
        _ => sleep(),
    }
}

impl Producer for KafkaProducer {
    type Error = KafkaErr;
    type SendFuture = KafkaSendFuture;

    /// Sends `payload` to `stream` (the partitioner picks the partition).
    ///
    /// # Errors
    /// [`StreamErr::Timeout`] if librdkafka's queue stayed full for the timeout; an rdkafka
    /// error if the message cannot be queued (too large, unknown topic); the receipt fails if the
    /// broker did not take it.
    ///
    /// # Cancel safety
    /// The message is queued when this returns; dropping the receipt does not unsend it.
    fn send_to<S: Buffer>(&self, stream: &StreamKey, payload: S) -> KafkaResult<KafkaSendFuture> {
        let record: FutureRecord<'_, [u8], [u8]> =
            FutureRecord::to(stream.name()).payload(payload.as_bytes());
        self.enqueue(stream, record)
    }

    /// Waits until every message sent so far is delivered (or failed).
    ///
    /// # Errors
    /// [`StreamErr::Timeout`] if messages are still undelivered after the timeout (they stay
    /// queued, and their receipts resolve later); rdkafka's error.
    ///
    /// # Cancel safety
    /// The flush runs on tokio's blocking pool: dropping the future stops the wait; nothing
    /// sent is dropped.
    async fn flush(&self) -> KafkaResult<()> {
        let (p, t) = (self.inner.clone(), self.timeout);
        blocking(move || match p.producer.flush(t) {
            Ok(()) => Ok(()),
            Err(KafkaErr::Flush(RDKafkaErrorCode::OperationTimedOut)) => Err(StreamErr::Timeout {
                op: "flush (messages still undelivered: is the broker reachable?)",
                after: t,
            }),
            Err(e) => Err(backend(e)),
        })
        .await
    }

    async fn end(self) -> KafkaResult<()> {
        self.flush().await
    }

    fn anchor(&mut self, stream: StreamKey) -> KafkaResult<()> {
        match &self.stream {
            Some(s) => Err(StreamErr::AlreadyAnchored(s.clone())),
            None => {
                check_topic(&stream)?;
                self.stream = Some(stream);
                Ok(())
            }
        }
    }

    fn anchored(&self) -> KafkaResult<&StreamKey> {
        self.stream.as_ref().ok_or(StreamErr::NotAnchored)
    }
}
