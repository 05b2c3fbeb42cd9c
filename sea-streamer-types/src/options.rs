//! Options: consumer modes and groups, and the options traits every backend implements.

use std::{fmt, time::Duration};

/// How a consumer reads and whether it joins a group.
///
/// | | Kafka | Stdio |
/// |---|---|---|
/// | `RealTime` | no group, no commit, only messages produced from now on | every matching message from now on |
/// | `Resumable` | a group unique to this host; resumes after the last commit | unsupported |
/// | `LoadBalanced` | a group you name; partitions split among members | a group you name; round-robin among members |
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsumerMode {
    /// Read what is produced from now on; no group, no commit.
    #[default]
    RealTime,
    /// Resume where this host left off (after the last commit).
    Resumable,
    /// Share the streams with the other members of a consumer group.
    LoadBalanced,
}

/// The name of a consumer group.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConsumerGroup(String);

impl ConsumerGroup {
    /// A group named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    /// The group's name.
    pub fn name(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ConsumerGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConsumerGroup({:?})", self.0)
    }
}

impl fmt::Display for ConsumerGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Options of [`Streamer::connect`](crate::Streamer::connect).
pub trait ConnectOptions: Default + Clone + Send + Sync + fmt::Debug {
    /// How long connecting (and requests that talk to a server) may take, if limited.
    fn timeout(&self) -> Option<Duration>;
    /// Limits how long connecting may take. A zero timeout is rejected by `connect`.
    fn set_timeout(&mut self, timeout: Duration) -> &mut Self;
}

/// Options of [`Streamer::create_consumer`](crate::Streamer::create_consumer).
///
/// The mode and group are checked together when the consumer is created, so setters can be
/// called in any order.
pub trait ConsumerOptions: Default + Clone + Send + Sync + fmt::Debug {
    /// Options for a consumer of this mode.
    fn new(mode: ConsumerMode) -> Self;
    /// The mode.
    fn mode(&self) -> ConsumerMode;
    /// The group, if one is set.
    fn consumer_group(&self) -> Option<&ConsumerGroup>;
    /// Sets the group (required by LoadBalanced; overrides the host's own group in Resumable).
    fn set_consumer_group(&mut self, group: ConsumerGroup) -> &mut Self;
}

/// Options of [`Streamer::create_producer`](crate::Streamer::create_producer).
pub trait ProducerOptions: Default + Clone + Send + Sync + fmt::Debug {}
