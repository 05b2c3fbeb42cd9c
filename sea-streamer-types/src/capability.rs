//! What a backend supports, declared in one place.

/// What a backend supports. Calls outside it return
/// [`StreamErr::Unsupported`](crate::StreamErr::Unsupported) with a message saying so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// `Consumer::seek` by timestamp.
    pub seek: bool,
    /// `Consumer::rewind` to a sequence position.
    pub rewind: bool,
    /// Committing consumed messages (Resumable and LoadBalanced consumers).
    pub commit: bool,
    /// `ConsumerMode::Resumable`.
    pub resumable: bool,
    /// `ConsumerMode::LoadBalanced`.
    pub load_balanced: bool,
    /// More than one shard per stream.
    pub shards: bool,
    /// Record keys and headers on messages.
    pub keys_and_headers: bool,
}

impl Capabilities {
    /// Nothing beyond RealTime consuming and producing.
    pub const NONE: Capabilities = Capabilities {
        seek: false,
        rewind: false,
        commit: false,
        resumable: false,
        load_balanced: false,
        shards: false,
        keys_and_headers: false,
    };

    /// Everything.
    pub const ALL: Capabilities = Capabilities {
        seek: true,
        rewind: true,
        commit: true,
        resumable: true,
        load_balanced: true,
        shards: true,
        keys_and_headers: true,
    };
}
