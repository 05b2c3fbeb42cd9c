//! [`StdioConsumer`].

use std::{
    collections::VecDeque,
    future::poll_fn,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use sea_streamer_types::{
    Consumer, SeqPos, ShardId, SharedMessage, Stream, StreamErr, StreamKey, Timestamp,
};

use crate::{
    hub::Hub,
    queue::{End, Queue},
    StdioErr, StdioResult,
};

/// A consumer of lines from stdin (or the streamer's input).
///
/// RealTime consumers each get every message of their streams from now on; the members of a
/// LoadBalanced group take turns, in the order they joined. Every consumer also gets the
/// `broadcast` stream (lines without a header). Input starts being read when a consumer is first
/// polled, so consumers created together all see the input from its start.
#[derive(Debug)]
pub struct StdioConsumer {
    id: u64,
    hub: Arc<Hub>,
    queue: Arc<Queue>,
    /// taken from the queue by `stream`, not yet handed out
    local: VecDeque<SharedMessage>,
}

fn end_err(end: End) -> StreamErr<StdioErr> {
    match end {
        End::Eof => StreamErr::StreamEnded,
        End::Error(e) => StreamErr::Backend(e),
    }
}

impl StdioConsumer {
    pub(crate) fn new(id: u64, hub: Arc<Hub>, queue: Arc<Queue>) -> Self {
        Self {
            id,
            hub,
            queue,
            local: VecDeque::new(),
        }
    }

    fn unsupported(what: &str) -> StreamErr<StdioErr> {
        StreamErr::Unsupported(format!(
            "stdio cannot {what}: it reads its input once, as it comes; use a backend that keeps messages (kafka://) to replay them"
        ))
    }
}

impl Drop for StdioConsumer {
    fn drop(&mut self) {
        self.hub.unsubscribe(self.id);
    }
}

impl Consumer for StdioConsumer {
    type Error = StdioErr;
    type Message<'a> = SharedMessage;
    type Stream<'a> = StdioMessageStream<'a>;

    /// # Errors
    /// Always [`StreamErr::Unsupported`]: stdio cannot seek.
    async fn seek(&mut self, _: Timestamp) -> StdioResult<()> {
        Err(Self::unsupported("seek"))
    }

    /// # Errors
    /// Always [`StreamErr::Unsupported`]: stdio cannot rewind.
    async fn rewind(&mut self, _: SeqPos) -> StdioResult<()> {
        Err(Self::unsupported("rewind"))
    }

    /// # Errors
    /// Always [`StreamErr::Unsupported`]: stdio has one shard, and nothing to seek or rewind.
    fn assign(&mut self, _: (StreamKey, ShardId)) -> StdioResult<()> {
        Err(Self::unsupported(
            "assign shards (there is only shard 0, and no seek or rewind)",
        ))
    }

    /// # Errors
    /// Always [`StreamErr::Unsupported`], as `assign`.
    fn unassign(&mut self, _: (StreamKey, ShardId)) -> StdioResult<()> {
        Err(Self::unsupported(
            "unassign shards (there is only shard 0, and no seek or rewind)",
        ))
    }

    fn next(&self) -> impl std::future::Future<Output = StdioResult<SharedMessage>> + Send {
        poll_fn(move |cx| {
            self.hub.ensure_started();
            self.queue.poll_pop(cx).map_err(end_err)
        })
    }

    fn stream<'a, 'b: 'a>(&'b mut self) -> StdioMessageStream<'a> {
        StdioMessageStream {
            consumer: self,
            done: false,
        }
    }
}

/// The [`Stream`] of a [`StdioConsumer`]. Messages it took from the queue but did not hand out go
/// back to the consumer when it is dropped.
#[derive(Debug)]
pub struct StdioMessageStream<'a> {
    consumer: &'a mut StdioConsumer,
    done: bool,
}

impl Stream for StdioMessageStream<'_> {
    type Item = StdioResult<SharedMessage>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(m) = this.consumer.local.pop_front() {
                return Poll::Ready(Some(Ok(m)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            this.consumer.hub.ensure_started();
            match this.consumer.queue.poll_drain(cx, &mut this.consumer.local) {
                Poll::Ready(Ok(())) => continue,
                Poll::Ready(Err(End::Eof)) => {
                    this.done = true;
                    return Poll::Ready(None);
                }
                Poll::Ready(Err(end)) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(end_err(end))));
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl Drop for StdioMessageStream<'_> {
    fn drop(&mut self) {
        let taken = std::mem::take(&mut self.consumer.local);
        self.consumer.queue.unpop(taken);
    }
}
