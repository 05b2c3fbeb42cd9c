//! A bounded queue of messages from the input side (one reader thread) to one consumer.
//!
//! The reader pushes whole batches and blocks while the queue is full (backpressure); the consumer
//! polls without blocking. Loopback pushes ignore the bound: they come from producers on the async
//! runtime, which must never block waiting for a consumer on that same runtime.

use std::{
    collections::VecDeque,
    sync::{Condvar, Mutex, MutexGuard, PoisonError},
    task::{Context, Poll, Waker},
};

use sea_streamer_types::SharedMessage;

use crate::StdioErr;

/// Locks, ignoring poisoning: no code here panics while holding a lock, and a poisoned lock's data
/// is still consistent for every use in this crate.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Why no more messages will come.
#[derive(Debug, Clone)]
pub(crate) enum End {
    /// End of input.
    Eof,
    /// The input failed.
    Error(StdioErr),
}

#[derive(Debug)]
pub(crate) struct Queue {
    state: Mutex<State>,
    space: Condvar,
    capacity: usize,
}

#[derive(Debug, Default)]
struct State {
    items: VecDeque<SharedMessage>,
    end: Option<End>,
    consumer_gone: bool,
    pusher_waiting: bool,
    wakers: Vec<Waker>,
}

impl Queue {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            state: Mutex::new(State::default()),
            space: Condvar::new(),
            capacity: capacity.max(1),
        }
    }

    /// Appends a batch, waiting while the queue is full. Returns `false` (and drops the batch) if
    /// the consumer is gone.
    pub(crate) fn push_blocking(&self, batch: &mut Vec<SharedMessage>) -> bool {
        let mut s = lock(&self.state);
        while s.items.len() >= self.capacity && !s.consumer_gone {
            s.pusher_waiting = true;
            s = self.space.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
        s.pusher_waiting = false;
        if s.consumer_gone {
            batch.clear();
            return false;
        }
        s.items.extend(batch.drain(..));
        Self::wake(&mut s);
        true
    }

    /// Appends one message whatever the queue holds (loopback).
    pub(crate) fn push_nowait(&self, message: SharedMessage) -> bool {
        let mut s = lock(&self.state);
        if s.consumer_gone {
            return false;
        }
        s.items.push_back(message);
        Self::wake(&mut s);
        true
    }

    /// No more messages will come; the consumer gets what is queued, then `end`.
    pub(crate) fn close(&self, end: End) {
        let mut s = lock(&self.state);
        if s.end.is_none() {
            s.end = Some(end);
        }
        Self::wake(&mut s);
    }

    /// The consumer is gone: drop what is queued and release a waiting pusher.
    pub(crate) fn consumer_gone(&self) {
        let mut s = lock(&self.state);
        s.consumer_gone = true;
        s.items.clear();
        drop(s);
        self.space.notify_all();
    }

    fn wake(s: &mut State) {
        for w in s.wakers.drain(..) {
            w.wake();
        }
    }

    fn release_space(&self, s: &mut State) {
        if s.pusher_waiting && s.items.len() < self.capacity {
            s.pusher_waiting = false;
            self.space.notify_one();
        }
    }

    fn register(s: &mut State, cx: &Context<'_>) {
        if !s.wakers.iter().any(|w| w.will_wake(cx.waker())) {
            s.wakers.push(cx.waker().clone());
        }
    }

    /// Takes one message.
    pub(crate) fn poll_pop(&self, cx: &Context<'_>) -> Poll<Result<SharedMessage, End>> {
        let mut s = lock(&self.state);
        if let Some(m) = s.items.pop_front() {
            self.release_space(&mut s);
            return Poll::Ready(Ok(m));
        }
        if let Some(end) = &s.end {
            return Poll::Ready(Err(end.clone()));
        }
        Self::register(&mut s, cx);
        Poll::Pending
    }

    /// Moves every queued message into `into` (which must be empty): `Ready(Ok)` when it moved
    /// some, `Ready(Err)` once the queue is empty and ended.
    pub(crate) fn poll_drain(
        &self,
        cx: &Context<'_>,
        into: &mut VecDeque<SharedMessage>,
    ) -> Poll<Result<(), End>> {
        let mut s = lock(&self.state);
        if !s.items.is_empty() {
            std::mem::swap(&mut s.items, into);
            self.release_space(&mut s);
            return Poll::Ready(Ok(()));
        }
        if let Some(end) = &s.end {
            return Poll::Ready(Err(end.clone()));
        }
        Self::register(&mut s, cx);
        Poll::Pending
    }

    /// Puts messages taken but not handed out back at the front, in order.
    pub(crate) fn unpop(&self, mut taken: VecDeque<SharedMessage>) {
        if taken.is_empty() {
            return;
        }
        let mut s = lock(&self.state);
        taken.append(&mut s.items);
        s.items = taken;
    }
}
