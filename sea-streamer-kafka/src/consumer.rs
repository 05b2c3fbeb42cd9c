//! [`KafkaConsumer`].

use std::{
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};

use futures::Stream;
use rdkafka::{
    consumer::{CommitMode, Consumer as _, ConsumerGroupMetadata, MessageStream, StreamConsumer},
    Offset, TopicPartitionList,
};
use sea_streamer_types::{
    Consumer, ConsumerMode, Message, SeqNo, SeqPos, ShardId, StreamErr, StreamKey, Timestamp,
};

use crate::{
    close::OffExecutor,
    error::{backend, blocking, unreachable_or_backend},
    KafkaErr, KafkaMessage, KafkaResult,
};

/// A consumer on Kafka.
///
/// - RealTime: partitions assigned directly (no group join), starting at the end each partition
///   had when `create_consumer` returned: every message produced after that is delivered.
/// - Resumable and LoadBalanced: a subscription in a consumer group; partitions are assigned by
///   the group, and consuming resumes after the group's last commit.
///
/// **Commit rule**: committing (or storing) message M means M is done: after a restart, the
/// group's first message is M + 1. Every commit method here takes the message (or its
/// identifier) itself, never an offset "to commit".
///
/// Dropping it closes the rdkafka consumer (leaving the group, with auto-commit a final commit)
/// on a thread of its own: the drop does not block the async executor, and a runtime shutdown
/// waits for the close up to the streamer's timeout, not longer (with the broker gone, rdkafka's
/// close could wait forever).
pub struct KafkaConsumer {
    mode: ConsumerMode,
    inner: Arc<OffExecutor<StreamConsumer>>,
    streams: Vec<StreamKey>,
    assigned: Vec<(StreamKey, ShardId)>,
    timeout: Duration,
}

impl std::fmt::Debug for KafkaConsumer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaConsumer")
            .field("mode", &self.mode)
            .field("streams", &self.streams)
            .field("assigned", &self.assigned)
            .finish_non_exhaustive()
    }
}

fn partition_of(shard: ShardId) -> i32 {
    i32::try_from(shard.id()).unwrap_or(i32::MAX)
}

fn offset_of(seq: SeqNo) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

impl KafkaConsumer {
    pub(crate) fn new(
        mode: ConsumerMode,
        inner: Arc<OffExecutor<StreamConsumer>>,
        streams: Vec<StreamKey>,
        timeout: Duration,
    ) -> Self {
        Self {
            mode,
            inner,
            streams,
            assigned: Vec::new(),
            timeout,
        }
    }

    /// The rdkafka consumer.
    pub fn inner(&self) -> &StreamConsumer {
        &self.inner
    }

    /// The consumer's mode.
    pub fn mode(&self) -> ConsumerMode {
        self.mode
    }

    fn check_commit(&self) -> KafkaResult<()> {
        match self.mode {
            ConsumerMode::RealTime => Err(StreamErr::CommitNotAllowed),
            _ => Ok(()),
        }
    }

    fn after(&self, id: &(StreamKey, ShardId, SeqNo)) -> KafkaResult<TopicPartitionList> {
        done_offsets(std::slice::from_ref(id))
    }

    /// What [`KafkaProducer::send_offsets_to_transaction`](crate::KafkaProducer::send_offsets_to_transaction)
    /// needs: the offsets that mark `done` as done, and the group's metadata.
    pub(crate) fn transaction_offsets(
        &self,
        done: &[(StreamKey, ShardId, SeqNo)],
    ) -> KafkaResult<(TopicPartitionList, ConsumerGroupMetadata)> {
        self.check_commit()?;
        let group = self.inner.group_metadata().ok_or_else(|| {
            StreamErr::Unsupported("this consumer has no consumer group to commit for".into())
        })?;
        Ok((done_offsets(done)?, group))
    }

    /// Commits message `m`: after a restart the group starts at the message after it. Returns
    /// once the commit is sent; use [`commit`](Self::commit) to wait for the broker.
    ///
    /// # Errors
    /// [`StreamErr::CommitNotAllowed`] for RealTime consumers; rdkafka's error.
    pub fn commit_message(&self, m: &KafkaMessage<'_>) -> KafkaResult<()> {
        self.commit_with(&m.identifier())
    }

    /// As [`commit_message`](Self::commit_message), by the message's identifier
    /// `(stream, shard, sequence)`.
    ///
    /// # Errors
    /// As `commit_message`.
    pub fn commit_with(&self, id: &(StreamKey, ShardId, SeqNo)) -> KafkaResult<()> {
        self.check_commit()?;
        self.inner
            .commit(&self.after(id)?, CommitMode::Async)
            .map_err(backend)
    }

    /// Commits message `m` and waits until the broker has the commit.
    ///
    /// # Errors
    /// As `commit_message`.    ///
    /// # Cancel safety
    /// The commit runs on tokio's blocking pool: dropping the future stops the wait, not the
    /// commit.
    pub async fn commit_message_sync(&self, m: &KafkaMessage<'_>) -> KafkaResult<()> {
        self.check_commit()?;
        let tpl = self.after(&m.identifier())?;
        let inner = self.inner.clone();
        blocking(move || inner.commit(&tpl, CommitMode::Sync).map_err(backend)).await
    }

    /// Stores message `m` as done, for the next commit ([`commit`](Self::commit) or auto-commit):
    /// use with `set_enable_auto_offset_store(false)`.
    ///
    /// # Errors
    /// As `commit_message`.
    pub fn store_offset_for_message(&self, m: &KafkaMessage<'_>) -> KafkaResult<()> {
        self.store_offset_with(&m.identifier())
    }

    /// As [`store_offset_for_message`](Self::store_offset_for_message), by identifier.
    ///
    /// # Errors
    /// As `commit_message`; rdkafka's `StoreOffset(State)` if the partition is no longer
    /// assigned to this consumer (a rebalance gave it to another member, which starts after the
    /// group's last commit: at least once, it does the message again).
    pub fn store_offset_with(&self, id: &(StreamKey, ShardId, SeqNo)) -> KafkaResult<()> {
        self.check_commit()?;
        self.inner.store_offsets(&self.after(id)?).map_err(backend)
    }

    /// Commits what was stored (or, with auto offset store, everything handed out) and waits
    /// until the broker has it.
    ///
    /// # Errors
    /// As `commit_message`; rdkafka's `NoOffset` if there is nothing to commit.    ///
    /// # Cancel safety
    /// The commit runs on tokio's blocking pool: dropping the future stops the wait, not the
    /// commit.
    pub async fn commit(&self) -> KafkaResult<()> {
        self.check_commit()?;
        let inner = self.inner.clone();
        blocking(move || {
            inner
                .commit_consumer_state(CommitMode::Sync)
                .map_err(backend)
        })
        .await
    }

    /// The partitions a seek or rewind applies to: those assigned with `assign`; else the
    /// consumer's current assignment; else shard 0 of each stream.
    fn targets(&self) -> KafkaResult<Vec<(StreamKey, ShardId)>> {
        if !self.assigned.is_empty() {
            return Ok(self.assigned.clone());
        }
        let current = self.inner.assignment().map_err(backend)?;
        let mut targets = Vec::new();
        for e in current.elements() {
            if let Some(k) = self.streams.iter().find(|k| k.name() == e.topic()) {
                targets.push((
                    k.clone(),
                    ShardId::new(u64::try_from(e.partition()).unwrap_or(0)),
                ));
            }
        }
        if targets.is_empty() {
            targets = self
                .streams
                .iter()
                .map(|k| (k.clone(), ShardId::ZERO))
                .collect();
        }
        Ok(targets)
    }

    /// Moves the targets to the offsets in `tpl`: a new assignment for RealTime consumers, a
    /// seek for group consumers (whose partitions the group assigns). `End` is looked up here, so
    /// that every message produced after this returns is delivered (librdkafka would look it up
    /// later, and could skip a message produced in between).
    async fn reposition(&mut self, mut tpl: TopicPartitionList) -> KafkaResult<()> {
        let inner = self.inner.clone();
        let (mode, timeout) = (self.mode, self.timeout);
        blocking(move || {
            let ends: Vec<(String, i32)> = tpl
                .elements()
                .iter()
                .filter(|e| e.offset() == Offset::End)
                .map(|e| (e.topic().to_owned(), e.partition()))
                .collect();
            for (topic, partition) in ends {
                let (_, high) = inner
                    .fetch_watermarks(&topic, partition, timeout)
                    .map_err(|e| unreachable_or_backend(e, timeout))?;
                tpl.set_partition_offset(&topic, partition, Offset::Offset(high))
                    .map_err(backend)?;
            }
            match mode {
                ConsumerMode::RealTime => inner.assign(&tpl).map_err(backend)?,
                _ => {
                    let done = inner.seek_partitions(tpl, timeout).map_err(backend)?;
                    for e in done.elements() {
                        e.error().map_err(backend)?;
                    }
                }
            }
            Ok(())
        })
        .await
    }
}

/// The offsets that mark the messages `done` as done: each one's sequence + 1 (the commit rule),
/// the highest per partition.
fn done_offsets(done: &[(StreamKey, ShardId, SeqNo)]) -> KafkaResult<TopicPartitionList> {
    let mut next: Vec<(&str, i32, i64)> = Vec::with_capacity(done.len());
    for (stream, shard, seq) in done {
        let (topic, partition, offset) = (
            stream.name(),
            partition_of(*shard),
            offset_of(*seq).saturating_add(1),
        );
        match next
            .iter_mut()
            .find(|(t, p, _)| *t == topic && *p == partition)
        {
            Some(entry) => entry.2 = entry.2.max(offset),
            None => next.push((topic, partition, offset)),
        }
    }
    let mut tpl = TopicPartitionList::with_capacity(next.len());
    for (topic, partition, offset) in next {
        tpl.add_partition_offset(topic, partition, Offset::Offset(offset))
            .map_err(backend)?;
    }
    Ok(tpl)
}

impl Consumer for KafkaConsumer {
    type Error = KafkaErr;
    type Message<'a> = KafkaMessage<'a>;
    type Stream<'a> = KafkaMessageStream<'a>;

    /// Moves every target partition (see [`rewind`](Consumer::rewind)) to the first message at or
    /// after `to`, by the broker's offsets-for-times; partitions with none move to the end.
    ///
    /// # Cancel safety
    /// Not cancel safe: if the future is dropped, the consumer's position is undefined until
    /// the next seek or rewind completes.
    async fn seek(&mut self, to: Timestamp) -> KafkaResult<()> {
        let ms = i64::try_from(to.unix_timestamp_nanos() / 1_000_000)
            .unwrap_or(0)
            .max(0);
        let mut query = TopicPartitionList::new();
        for (k, s) in self.targets()? {
            query
                .add_partition_offset(k.name(), partition_of(s), Offset::Offset(ms))
                .map_err(backend)?;
        }
        let (inner, timeout) = (self.inner.clone(), self.timeout);
        let mut found = blocking(move || {
            inner
                .offsets_for_times(query, timeout)
                .map_err(|e| unreachable_or_backend(e, timeout))
        })
        .await?;
        let ends: Vec<(String, i32)> = found
            .elements()
            .iter()
            .filter(|e| !matches!(e.offset(), Offset::Offset(o) if o >= 0))
            .map(|e| (e.topic().to_owned(), e.partition()))
            .collect();
        for (topic, partition) in ends {
            found
                .set_partition_offset(&topic, partition, Offset::End)
                .map_err(backend)?;
        }
        self.reposition(found).await
    }

    /// Moves every target partition to `pos`. The targets are the partitions given to
    /// [`assign`](Consumer::assign); with none, the consumer's current assignment; with none,
    /// shard 0 of each stream. For group consumers the partitions must be assigned to this
    /// member (after its first message).
    ///
    /// # Cancel safety
    /// As `seek`.
    async fn rewind(&mut self, pos: SeqPos) -> KafkaResult<()> {
        let offset = match pos {
            SeqPos::Beginning => Offset::Beginning,
            SeqPos::End => Offset::End,
            SeqPos::At(seq) => Offset::Offset(offset_of(seq)),
        };
        let mut tpl = TopicPartitionList::new();
        for (k, s) in self.targets()? {
            tpl.add_partition_offset(k.name(), partition_of(s), offset)
                .map_err(backend)?;
        }
        self.reposition(tpl).await
    }

    /// Adds a partition to the targets of the next seek or rewind. Always succeeds.
    fn assign(&mut self, ss: (StreamKey, ShardId)) -> KafkaResult<()> {
        if !self.assigned.contains(&ss) {
            self.assigned.push(ss);
        }
        Ok(())
    }

    /// Removes a partition from those targets.
    fn unassign(&mut self, ss: (StreamKey, ShardId)) -> KafkaResult<()> {
        self.assigned.retain(|a| a != &ss);
        Ok(())
    }

    /// # Errors
    /// rdkafka's error for a failed fetch or a lost connection (e.g. `AllBrokersDown`). These
    /// are reports, not the end: the consumer keeps retrying, and the next call goes on where it
    /// was. The same holds for the items of [`stream`](Consumer::stream).
    ///
    /// # Cancel safety
    /// Cancel safe.
    async fn next(&self) -> KafkaResult<KafkaMessage<'_>> {
        match self.inner.recv().await {
            Ok(m) => Ok(KafkaMessage::new(m, &self.streams)),
            Err(e) => Err(backend(e)),
        }
    }

    fn stream<'a, 'b: 'a>(&'b mut self) -> KafkaMessageStream<'a> {
        KafkaMessageStream {
            inner: self.inner.stream(),
            streams: &self.streams,
        }
    }
}

/// The [`Stream`] of a [`KafkaConsumer`]: rdkafka's message stream, as [`KafkaMessage`]s.
pub struct KafkaMessageStream<'a> {
    inner: MessageStream<'a, rdkafka::consumer::DefaultConsumerContext>,
    streams: &'a [StreamKey],
}

impl std::fmt::Debug for KafkaMessageStream<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaMessageStream").finish_non_exhaustive()
    }
}

impl<'a> Stream for KafkaMessageStream<'a> {
    type Item = KafkaResult<KafkaMessage<'a>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let streams = this.streams;
        Pin::new(&mut this.inner)
            .poll_next(cx)
            .map(|item| item.map(|r| r.map(|m| KafkaMessage::new(m, streams)).map_err(backend)))
    }
}
