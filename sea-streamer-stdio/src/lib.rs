#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod consumer;
mod error;
pub mod format;
mod hub;
mod options;
pub mod parser;
mod producer;
mod queue;
mod sequencer;
mod streamer;
mod writer;

pub use consumer::{StdioConsumer, StdioMessageStream};
pub use error::{StdioErr, StdioResult};
pub use options::{StdioConnectOptions, StdioConsumerOptions, StdioProducerOptions};
pub use producer::{StdioProducer, StdioSendFuture};
pub use streamer::{StdioStreamer, STDIO_CAPABILITIES, STDIO_SCHEME};
