//! [`StdioProducer`].

use std::{
    future::{poll_fn, Future},
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use bytes::Bytes;
use sea_streamer_types::{Buffer, MessageHeader, Producer, SharedMessage, StreamErr, StreamKey};

use crate::{
    hub::{Hub, SourceGuard},
    writer::Writer,
    StdioErr, StdioResult,
};

/// A producer that writes one line per message to stdout (or the streamer's output).
///
/// Every producer of a process that writes to stdout shares one writer thread, so lines from
/// different producers never mix and sequence numbers are counted once per stream. When the output
/// cannot keep up, `send` blocks the calling thread until there is room, as `println!` does, so
/// memory stays bounded. Dropping the last clone of a producer waits until what it sent is written.
#[derive(Debug, Clone)]
pub struct StdioProducer {
    shared: Arc<Shared>,
    stream: Option<StreamKey>,
}

#[derive(Debug)]
pub(crate) struct Shared {
    writer: Arc<Writer>,
    _output: Arc<OutputGuard>,
    loopback: Option<(Arc<Hub>, Arc<SourceGuard>)>,
}

/// Shuts a writer of the streamer's own down when the streamer and its producers are gone.
#[derive(Debug)]
pub(crate) struct OutputGuard {
    pub(crate) writer: Arc<Writer>,
    pub(crate) owned: bool,
}

impl Drop for OutputGuard {
    fn drop(&mut self) {
        if self.owned {
            self.writer.shutdown();
        }
    }
}

impl Drop for Shared {
    /// Like a `BufWriter`: what was sent goes out before the producer is gone. Inside a tokio
    /// runtime the wait runs on the blocking pool, not on an executor thread (and a runtime that
    /// shuts down first waits for it, or runs it on the thread that shuts it down).
    fn drop(&mut self) {
        let flush = FlushOnDrop(self.writer.clone());
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn_blocking(move || drop(flush))),
            Err(_) => drop(flush),
        }
    }
}

/// Waits, when dropped, until everything queued on the writer so far is written (or failed).
struct FlushOnDrop(Arc<Writer>);

impl Drop for FlushOnDrop {
    fn drop(&mut self) {
        let _ = self.0.flush_blocking();
    }
}

impl StdioProducer {
    pub(crate) fn new(
        output: Arc<OutputGuard>,
        loopback: Option<(Arc<Hub>, Arc<SourceGuard>)>,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                writer: output.writer.clone(),
                _output: output,
                loopback,
            }),
            stream: None,
        }
    }
}

/// The receipt of a stdio send: resolves once the line is written to the output.
#[derive(Debug)]
pub struct StdioSendFuture {
    writer: Arc<Writer>,
    batch: u64,
    header: Option<MessageHeader>,
}

impl Future for StdioSendFuture {
    type Output = StdioResult<MessageHeader>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match this.writer.poll_written(this.batch, cx) {
            Poll::Ready(Ok(())) => match this.header.take() {
                Some(header) => Poll::Ready(Ok(header)),
                None => Poll::Ready(Err(StreamErr::Unsupported(
                    "a stdio receipt was polled after it completed".into(),
                ))),
            },
            Poll::Ready(Err(e)) => Poll::Ready(Err(StreamErr::Backend(e))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Producer for StdioProducer {
    type Error = StdioErr;
    type SendFuture = StdioSendFuture;

    /// Writes `[timestamp | stream | sequence | 0] payload` as one line.
    ///
    /// # Errors
    /// [`StdioErr::InvalidPayload`] if the payload holds a newline (or ends with `\r`);
    /// [`StdioErr::OutputClosed`] once the output is closed (e.g. `| head -n 1` exited).
    ///
    /// # Cancel safety
    /// The line is queued when `send_to` returns; the receipt only reports when it is written.
    fn send_to<S: Buffer>(&self, stream: &StreamKey, payload: S) -> StdioResult<StdioSendFuture> {
        let bytes = payload.as_bytes();
        let (header, batch) = self.shared.writer.send(stream, bytes)?;
        if let Some((hub, _)) = &self.shared.loopback {
            hub.dispatch_nowait(SharedMessage::new(
                header.clone(),
                Bytes::copy_from_slice(bytes),
            ));
        }
        Ok(StdioSendFuture {
            writer: self.shared.writer.clone(),
            batch,
            header: Some(header),
        })
    }

    /// Waits until every line queued so far (by any producer on this output) is written.
    ///
    /// # Errors
    /// [`StdioErr::OutputClosed`] if the output closed before.
    fn flush(&self) -> impl Future<Output = StdioResult<()>> + Send {
        let writer = self.shared.writer.clone();
        let batch = writer.last_batch();
        poll_fn(move |cx| writer.poll_written(batch, cx).map_err(StreamErr::Backend))
    }

    async fn end(self) -> StdioResult<()> {
        self.flush().await
    }

    fn anchor(&mut self, stream: StreamKey) -> StdioResult<()> {
        match &self.stream {
            Some(s) => Err(StreamErr::AlreadyAnchored(s.clone())),
            None => {
                self.stream = Some(stream);
                Ok(())
            }
        }
    }

    fn anchored(&self) -> StdioResult<&StreamKey> {
        self.stream.as_ref().ok_or(StreamErr::NotAnchored)
    }
}
