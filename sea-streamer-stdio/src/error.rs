//! The stdio backend's error.

use std::{io, sync::Arc};

use sea_streamer_types::{StreamErr, StreamResult};

/// [`StreamErr`] of the stdio backend.
pub type StdioResult<T> = StreamResult<T, StdioErr>;

/// What can go wrong on stdio.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum StdioErr {
    /// The payload cannot be written as one line.
    #[error("payload {0}: one message is one line on stdio; escape or encode it (e.g. as JSON)")]
    InvalidPayload(&'static str),
    /// The output was closed, or a write to it failed; nothing more can be written.
    #[error("stdio output is closed: {0}")]
    OutputClosed(#[source] Arc<io::Error>),
    /// Reading the input failed; the streams ended there.
    #[error("cannot read stdio input: {0}")]
    Input(#[source] Arc<io::Error>),
    /// The input of these connect options was already taken by another streamer.
    #[error("the input reader of these options was already used by another connect: give each connect its own")]
    InputTaken,
}

impl From<StdioErr> for StreamErr<StdioErr> {
    fn from(e: StdioErr) -> Self {
        StreamErr::Backend(e)
    }
}
