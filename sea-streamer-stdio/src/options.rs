//! Options of the stdio backend.

use std::{
    fmt,
    io::{Read, Write},
    sync::{Arc, Mutex},
    time::Duration,
};

use sea_streamer_types::{
    ConnectOptions, ConsumerGroup, ConsumerMode, ConsumerOptions, ProducerOptions,
};

use crate::queue::lock;

/// A reader or writer handed to `connect` once.
type Slot<T> = Arc<Mutex<Option<T>>>;

#[derive(Clone, Default)]
pub(crate) enum Input {
    #[default]
    Stdin,
    Nothing,
    Reader(Slot<Box<dyn Read + Send>>),
}

/// Where warnings about malformed input lines go.
#[derive(Clone, Default)]
pub(crate) enum Warnings {
    #[default]
    Stderr,
    Discard,
    Writer(Arc<Mutex<Box<dyn Write + Send>>>),
}

impl fmt::Debug for Warnings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Stderr => "stderr",
            Self::Discard => "discard",
            Self::Writer(_) => "writer",
        })
    }
}

impl Warnings {
    /// Writes one warning line; a failed write is ignored (warnings never stop the input).
    pub(crate) fn line(&self, args: fmt::Arguments<'_>) {
        match self {
            Self::Stderr => {
                let _ = writeln!(std::io::stderr().lock(), "{args}");
            }
            Self::Discard => {}
            Self::Writer(w) => {
                let _ = writeln!(lock(w), "{args}");
            }
        }
    }
}

#[derive(Clone, Default)]
pub(crate) enum Output {
    #[default]
    Stdout,
    Discard,
    Writer(Slot<Box<dyn Write + Send>>),
}

/// How a [`StdioStreamer`](crate::StdioStreamer) connects.
///
/// By default it reads stdin and writes stdout; every such streamer in the process shares one stdin
/// reader and one stdout writer. Tests and embedders can give their own input and output instead,
/// and turn on loopback so that what is produced is also consumed in-process.
#[derive(Clone)]
pub struct StdioConnectOptions {
    loopback: bool,
    input: Input,
    output: Output,
    buffer_size: usize,
    timeout: Option<Duration>,
    warnings: Option<Warnings>,
}

impl Default for StdioConnectOptions {
    fn default() -> Self {
        Self {
            loopback: false,
            input: Input::Stdin,
            output: Output::Stdout,
            buffer_size: 4096,
            timeout: None,
            warnings: None,
        }
    }
}

impl fmt::Debug for StdioConnectOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let input = match self.input {
            Input::Stdin => "stdin",
            Input::Nothing => "nothing",
            Input::Reader(_) => "reader",
        };
        let output = match self.output {
            Output::Stdout => "stdout",
            Output::Discard => "discard",
            Output::Writer(_) => "writer",
        };
        f.debug_struct("StdioConnectOptions")
            .field("loopback", &self.loopback)
            .field("input", &input)
            .field("output", &output)
            .field("buffer_size", &self.buffer_size)
            .field("timeout", &self.timeout)
            .field("warnings", &self.warnings)
            .finish()
    }
}

impl StdioConnectOptions {
    /// Whether messages produced are also delivered to this streamer's consumers.
    pub fn loopback(&self) -> bool {
        self.loopback
    }

    /// Delivers messages produced to this streamer's consumers too, as if read from the input
    /// (they are still written to the output). With loopback, streams end once the input has ended
    /// and the streamer and all its producers are gone.
    pub fn set_loopback(&mut self, loopback: bool) -> &mut Self {
        self.loopback = loopback;
        self
    }

    /// Reads `reader` instead of stdin. It is taken by the first `connect` with these options.
    pub fn set_input(&mut self, reader: impl Read + Send + 'static) -> &mut Self {
        self.input = Input::Reader(Arc::new(Mutex::new(Some(Box::new(reader)))));
        self
    }

    /// Reads no input at all (with loopback: only what this streamer produces).
    pub fn set_no_input(&mut self) -> &mut Self {
        self.input = Input::Nothing;
        self
    }

    /// Writes to `writer` instead of stdout. It is taken by the first `connect` with these options.
    pub fn set_output(&mut self, writer: impl Write + Send + 'static) -> &mut Self {
        self.output = Output::Writer(Arc::new(Mutex::new(Some(Box::new(writer)))));
        self
    }

    /// Writes nothing (with loopback, messages are only consumed in-process).
    pub fn set_no_output(&mut self) -> &mut Self {
        self.output = Output::Discard;
        self
    }

    /// How many messages each consumer may have waiting before the reader waits for it
    /// (backpressure). Default 4096.
    pub fn buffer_size(&self) -> usize {
        self.buffer_size
    }

    /// Sets [`buffer_size`](Self::buffer_size) (at least 1).
    pub fn set_buffer_size(&mut self, n: usize) -> &mut Self {
        self.buffer_size = n.max(1);
        self
    }

    /// Sends the warnings about malformed input lines to `writer` instead of stderr, one line
    /// each. The process's stdin is read once for every streamer: for it, the setting of the
    /// last `connect` before the first consumer starts the reader applies.
    pub fn set_warnings(&mut self, writer: impl Write + Send + 'static) -> &mut Self {
        self.warnings = Some(Warnings::Writer(Arc::new(Mutex::new(Box::new(writer)))));
        self
    }

    /// Drops the warnings about malformed input lines (the lines are still delivered, as raw
    /// payloads).
    pub fn set_no_warnings(&mut self) -> &mut Self {
        self.warnings = Some(Warnings::Discard);
        self
    }

    /// Where warnings go, if set.
    pub(crate) fn warnings(&self) -> Option<&Warnings> {
        self.warnings.as_ref()
    }

    pub(crate) fn input(&self) -> &Input {
        &self.input
    }

    pub(crate) fn output(&self) -> &Output {
        &self.output
    }
}

pub(crate) fn take<T>(slot: &Slot<T>) -> Option<T> {
    lock(slot).take()
}

impl ConnectOptions for StdioConnectOptions {
    /// Stdio connects to nothing; the timeout is kept for symmetry with other backends (and, as
    /// there, zero is refused).
    fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    fn set_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.timeout = Some(timeout);
        self
    }
}

/// Options of a stdio consumer: the mode and, for LoadBalanced, the group.
#[derive(Debug, Default, Clone)]
pub struct StdioConsumerOptions {
    mode: ConsumerMode,
    group: Option<ConsumerGroup>,
}

impl ConsumerOptions for StdioConsumerOptions {
    fn new(mode: ConsumerMode) -> Self {
        Self { mode, group: None }
    }

    fn mode(&self) -> ConsumerMode {
        self.mode
    }

    fn consumer_group(&self) -> Option<&ConsumerGroup> {
        self.group.as_ref()
    }

    fn set_consumer_group(&mut self, group: ConsumerGroup) -> &mut Self {
        self.group = Some(group);
        self
    }
}

/// Options of a stdio producer (none yet).
#[derive(Debug, Default, Clone)]
pub struct StdioProducerOptions {}

impl ProducerOptions for StdioProducerOptions {}
