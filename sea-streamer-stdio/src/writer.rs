//! The output side: one writer thread per output (stdout has one for the whole process).
//!
//! Producers append formatted lines to a shared buffer; the thread takes the whole buffer and
//! writes it at once. Woken by the first line, the thread lingers up to [`LINGER`] (or until
//! [`LINGER_BYTES`] are buffered) so that lines go out in batches, not one wake-up each; a flush or
//! an awaited receipt cuts the linger short. Each batch has a number; a receipt or a flush waits
//! until its batch is written.

use std::{
    io::{self, Write},
    sync::{Arc, Condvar, Mutex, OnceLock, PoisonError},
    task::{Context, Poll, Waker},
    time::{Duration, Instant},
};

use sea_streamer_types::{MessageHeader, ShardId, StreamKey};

use crate::{
    format::{check_payload, write_header_rest, Clock},
    queue::lock,
    sequencer::Sequencer,
    StdioErr,
};

/// A sender waits (like `println!` on a full pipe) while this much is buffered.
const HIGH_WATER: usize = 1 << 20;
/// The longest a line waits for company before it is written (as librdkafka's `linger.ms`).
const LINGER: Duration = Duration::from_millis(1);
/// A batch this big is written without lingering.
const LINGER_BYTES: usize = 256 * 1024;

#[derive(Debug)]
pub(crate) struct Writer {
    state: Mutex<State>,
    has_data: Condvar,
    has_space: Condvar,
    written_cv: Condvar,
}

#[derive(Debug)]
struct State {
    buf: Vec<u8>,
    sequencer: Sequencer,
    clock: Clock,
    /// the number of the batch `buf` will become
    filling: u64,
    /// every batch up to this one is done
    written: u64,
    /// the first batch that failed; it and every later one are lost
    failed_from: Option<u64>,
    error: Option<Arc<io::Error>>,
    writer_idle: bool,
    /// the thread waits for more lines before writing
    lingering: bool,
    /// someone waits for the buffer: write it now
    urgent: bool,
    senders_waiting: bool,
    blocking_waiters: usize,
    waiters: Vec<(u64, Waker)>,
    shutdown: bool,
}

impl Writer {
    /// A writer over `output`, with its thread.
    pub(crate) fn new(output: Box<dyn Write + Send>) -> Result<Arc<Self>, StdioErr> {
        let writer = Arc::new(Self {
            state: Mutex::new(State {
                buf: Vec::new(),
                sequencer: Sequencer::default(),
                clock: Clock::default(),
                filling: 1,
                written: 0,
                failed_from: None,
                error: None,
                writer_idle: false,
                lingering: false,
                urgent: false,
                senders_waiting: false,
                blocking_waiters: 0,
                waiters: Vec::new(),
                shutdown: false,
            }),
            has_data: Condvar::new(),
            has_space: Condvar::new(),
            written_cv: Condvar::new(),
        });
        let w = writer.clone();
        std::thread::Builder::new()
            .name("sea-streamer-stdio-writer".into())
            .spawn(move || w.run(output))
            .map_err(|e| StdioErr::OutputClosed(Arc::new(e)))?;
        Ok(writer)
    }

    /// The process's stdout writer, shared by every producer that writes to stdout.
    pub(crate) fn stdout() -> Result<Arc<Self>, StdioErr> {
        static STDOUT: OnceLock<Arc<Writer>> = OnceLock::new();
        if let Some(w) = STDOUT.get() {
            return Ok(w.clone());
        }
        let w = Self::new(Box::new(io::stdout()))?;
        // a racing caller may have won; its writer is the one, ours shuts down
        let winner = STDOUT.get_or_init(|| w.clone()).clone();
        if !Arc::ptr_eq(&winner, &w) {
            w.shutdown();
        }
        Ok(winner)
    }

    /// Formats and queues one message. Waits while the buffer is full.
    ///
    /// Returns the header (the receipt) and the batch the line is in.
    pub(crate) fn send(
        &self,
        stream: &StreamKey,
        payload: &[u8],
    ) -> Result<(MessageHeader, u64), StdioErr> {
        check_payload(payload).map_err(StdioErr::InvalidPayload)?;
        let mut s = lock(&self.state);
        loop {
            if let Some(e) = &s.error {
                return Err(StdioErr::OutputClosed(e.clone()));
            }
            if s.buf.len() < HIGH_WATER {
                break;
            }
            s.senders_waiting = true;
            s = self
                .has_space
                .wait(s)
                .unwrap_or_else(PoisonError::into_inner);
        }
        let (stream_key, seq) = s
            .sequencer
            .assign(stream.name().as_bytes(), || Some(stream.clone()), 0, None)
            .unwrap_or_else(|| (stream.clone(), 0));
        let st = &mut *s;
        let timestamp = st.clock.now_into(&mut st.buf);
        let header = MessageHeader::new(stream_key, ShardId::ZERO, seq, timestamp);
        write_header_rest(&mut st.buf, &header);
        st.buf.extend_from_slice(payload);
        st.buf.push(b'\n');
        let batch = s.filling;
        let wake = if std::mem::take(&mut s.writer_idle) {
            true
        } else if s.lingering && !s.urgent && s.buf.len() >= LINGER_BYTES {
            s.urgent = true; // wake it once
            true
        } else {
            false
        };
        drop(s);
        if wake {
            self.has_data.notify_one();
        }
        Ok((header, batch))
    }

    /// The batch that holds everything queued so far.
    pub(crate) fn last_batch(&self) -> u64 {
        let s = lock(&self.state);
        if s.buf.is_empty() {
            s.filling - 1
        } else {
            s.filling
        }
    }

    fn outcome(s: &State, batch: u64) -> Option<Result<(), StdioErr>> {
        match (&s.failed_from, &s.error) {
            (Some(failed), Some(e)) if batch >= *failed => {
                Some(Err(StdioErr::OutputClosed(e.clone())))
            }
            _ if s.written >= batch => Some(Ok(())),
            _ => None,
        }
    }

    /// Someone waits for `batch`: if it is the buffer the thread lingers over, write it now.
    fn hurry(&self, s: &mut State, batch: u64) {
        if batch >= s.filling && s.lingering && !s.urgent {
            s.urgent = true;
            self.has_data.notify_one();
        }
    }

    /// Whether `batch` has been written.
    pub(crate) fn poll_written(&self, batch: u64, cx: &Context<'_>) -> Poll<Result<(), StdioErr>> {
        let mut s = lock(&self.state);
        if let Some(outcome) = Self::outcome(&s, batch) {
            return Poll::Ready(outcome);
        }
        self.hurry(&mut s, batch);
        if !s
            .waiters
            .iter()
            .any(|(b, w)| *b == batch && w.will_wake(cx.waker()))
        {
            s.waiters.push((batch, cx.waker().clone()));
        }
        Poll::Pending
    }

    /// Blocks the thread until everything queued so far is written (for `Drop`).
    pub(crate) fn flush_blocking(&self) -> Result<(), StdioErr> {
        let batch = self.last_batch();
        let mut s = lock(&self.state);
        loop {
            if let Some(outcome) = Self::outcome(&s, batch) {
                return outcome;
            }
            s.blocking_waiters += 1;
            s = self
                .written_cv
                .wait(s)
                .unwrap_or_else(PoisonError::into_inner);
            s.blocking_waiters -= 1;
        }
    }

    /// Lets the thread end once the buffer is written.
    pub(crate) fn shutdown(&self) {
        let mut s = lock(&self.state);
        s.shutdown = true;
        drop(s);
        self.has_data.notify_one();
    }

    fn run(&self, mut output: Box<dyn Write + Send>) {
        let mut spare = Vec::new();
        loop {
            let batch = {
                let mut s = lock(&self.state);
                while s.buf.is_empty() {
                    if s.shutdown {
                        return;
                    }
                    s.writer_idle = true;
                    s = self
                        .has_data
                        .wait(s)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                s.writer_idle = false;
                let deadline = Instant::now() + LINGER;
                while s.buf.len() < LINGER_BYTES && !s.urgent && !s.shutdown && !s.senders_waiting {
                    let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                        break;
                    };
                    s.lingering = true;
                    s = self
                        .has_data
                        .wait_timeout(s, left)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
                s.lingering = false;
                s.urgent = false;
                std::mem::swap(&mut s.buf, &mut spare);
                let batch = s.filling;
                s.filling += 1;
                if std::mem::take(&mut s.senders_waiting) {
                    self.has_space.notify_all();
                }
                batch
            };
            let result = output.write_all(&spare).and_then(|()| output.flush());
            spare.clear();
            if spare.capacity() > 4 * HIGH_WATER {
                spare = Vec::new();
            }
            let mut s = lock(&self.state);
            let failed = result.is_err();
            match result {
                Ok(()) => s.written = batch,
                Err(e) => {
                    s.error = Some(Arc::new(e));
                    s.failed_from = Some(batch);
                    s.written = u64::MAX;
                    s.buf = Vec::new();
                }
            }
            let written = s.written;
            s.waiters.retain(|(b, w)| {
                if *b <= written {
                    w.wake_by_ref();
                    false
                } else {
                    true
                }
            });
            if s.blocking_waiters > 0 {
                self.written_cv.notify_all();
            }
            if failed {
                drop(s);
                self.has_space.notify_all();
                return;
            }
        }
    }
}
