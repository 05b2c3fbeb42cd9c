#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub use sea_streamer_types::*;

#[cfg(feature = "stdio")]
#[cfg_attr(docsrs, doc(cfg(feature = "stdio")))]
/// The stdio backend (`stdio://`): the `sea-streamer-stdio` crate.
pub use sea_streamer_stdio as stdio;

#[cfg(feature = "kafka")]
#[cfg_attr(docsrs, doc(cfg(feature = "kafka")))]
/// The Kafka backend (`kafka://`): the `sea-streamer-kafka` crate.
pub use sea_streamer_kafka as kafka;

mod backend;
mod consumer;
mod error;
mod message;
mod options;
mod producer;
mod streamer;

pub use backend::Backend;
pub use consumer::{SeaConsumer, SeaMessageStream};
pub use error::{BackendErr, SeaResult};
pub use message::SeaMessage;
pub use options::{SeaConnectOptions, SeaConsumerOptions, SeaProducerOptions};
pub use producer::{SeaProducer, SeaSendFuture};
pub use streamer::SeaStreamer;
