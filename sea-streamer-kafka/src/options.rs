//! Options of the Kafka backend: typed setters for the settings people use (each names its
//! librdkafka property), and `add_custom_option` for the rest.

use std::{fmt, time::Duration};

use rdkafka::ClientConfig;
use sea_streamer_types::{
    ConnectOptions, ConsumerGroup, ConsumerMode, ConsumerOptions, ProducerOptions, StreamerUri,
};

/// How long connecting, metadata and offset look-ups may take unless set.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// `security.protocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityProtocol {
    /// `plaintext`
    Plaintext,
    /// `ssl`
    Ssl,
    /// `sasl_plaintext`
    SaslPlaintext,
    /// `sasl_ssl`
    SaslSsl,
}

impl SecurityProtocol {
    fn as_str(self) -> &'static str {
        match self {
            Self::Plaintext => "plaintext",
            Self::Ssl => "ssl",
            Self::SaslPlaintext => "sasl_plaintext",
            Self::SaslSsl => "sasl_ssl",
        }
    }
}

/// `sasl.mechanism`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaslMechanism {
    /// `PLAIN`
    Plain,
    /// `SCRAM-SHA-256`
    ScramSha256,
    /// `SCRAM-SHA-512`
    ScramSha512,
}

impl SaslMechanism {
    fn as_str(self) -> &'static str {
        match self {
            Self::Plain => "PLAIN",
            Self::ScramSha256 => "SCRAM-SHA-256",
            Self::ScramSha512 => "SCRAM-SHA-512",
        }
    }
}

/// SASL credentials. `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct SaslOptions {
    mechanism: SaslMechanism,
    username: String,
    password: String,
}

impl SaslOptions {
    /// `sasl.mechanism`, `sasl.username`, `sasl.password`.
    pub fn new(
        mechanism: SaslMechanism,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Self {
            mechanism,
            username: username.into(),
            password: password.into(),
        }
    }
}

impl fmt::Debug for SaslOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SaslOptions")
            .field("mechanism", &self.mechanism)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Custom librdkafka properties; `Debug` hides the values of properties that look secret.
#[derive(Clone, Default, PartialEq, Eq)]
struct Custom(Vec<(String, String)>);

impl Custom {
    fn push(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.0.push((key.into(), value.into()));
    }

    /// Sets every property on `config`, after the typed ones (so a custom one wins).
    fn apply(&self, config: &mut ClientConfig) {
        for (k, v) in &self.0 {
            config.set(k, v);
        }
    }
}

impl fmt::Debug for Custom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (k, v) in &self.0 {
            let secret = ["password", "secret", "key", "token"]
                .iter()
                .any(|s| k.contains(s));
            m.entry(k, if secret { &"<redacted>" } else { v });
        }
        m.finish()
    }
}

/// How a [`KafkaStreamer`](crate::KafkaStreamer) connects.
#[derive(Debug, Clone, Default)]
pub struct KafkaConnectOptions {
    timeout: Option<Duration>,
    security_protocol: Option<SecurityProtocol>,
    sasl: Option<SaslOptions>,
    custom: Custom,
}

impl KafkaConnectOptions {
    /// `security.protocol`.
    pub fn set_security_protocol(&mut self, p: SecurityProtocol) -> &mut Self {
        self.security_protocol = Some(p);
        self
    }

    /// SASL credentials (`sasl.mechanism`, `sasl.username`, `sasl.password`).
    pub fn set_sasl_options(&mut self, sasl: SaslOptions) -> &mut Self {
        self.sasl = Some(sasl);
        self
    }

    /// Any other librdkafka property, for every client this streamer makes.
    pub fn add_custom_option(
        &mut self,
        key: impl Into<String>,
        value: impl Into<String>,
    ) -> &mut Self {
        self.custom.push(key, value);
        self
    }

    /// The timeout in force: the one set, else [`DEFAULT_TIMEOUT`].
    pub fn timeout_or_default(&self) -> Duration {
        self.timeout.unwrap_or(DEFAULT_TIMEOUT)
    }

    pub(crate) fn client_config(&self, uri: &StreamerUri) -> ClientConfig {
        let mut config = ClientConfig::new();
        let hosts: Vec<String> = uri.hosts().collect();
        config.set("bootstrap.servers", hosts.join(","));
        let timeout_ms = self.timeout_or_default().as_millis().to_string();
        config.set("socket.connection.setup.timeout.ms", &timeout_ms);
        if let Some(p) = self.security_protocol {
            config.set("security.protocol", p.as_str());
        }
        if let Some(sasl) = &self.sasl {
            config.set("sasl.mechanism", sasl.mechanism.as_str());
            config.set("sasl.username", &sasl.username);
            config.set("sasl.password", &sasl.password);
        }
        self.custom.apply(&mut config);
        config
    }
}

impl ConnectOptions for KafkaConnectOptions {
    fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// How long `connect` waits for the brokers, and metadata and offset look-ups take at most.
    fn set_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.timeout = Some(timeout);
        self
    }
}

/// `auto.offset.reset`: where a consumer starts when it has no committed offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoOffsetReset {
    /// The earliest message kept.
    Earliest,
    /// Messages produced from now on.
    Latest,
}

/// Options of a Kafka consumer.
#[derive(Debug, Clone, Default)]
pub struct KafkaConsumerOptions {
    mode: ConsumerMode,
    group: Option<ConsumerGroup>,
    session_timeout: Option<Duration>,
    auto_offset_reset: Option<AutoOffsetReset>,
    enable_auto_commit: Option<bool>,
    auto_commit_interval: Option<Duration>,
    enable_auto_offset_store: Option<bool>,
    custom: Custom,
}

impl KafkaConsumerOptions {
    /// Changes the mode (for code that builds options before it knows the mode).
    pub fn set_mode(&mut self, mode: ConsumerMode) -> &mut Self {
        self.mode = mode;
        self
    }

    /// `session.timeout.ms` (Kafka's default is 45 s).
    pub fn set_session_timeout(&mut self, t: Duration) -> &mut Self {
        self.session_timeout = Some(t);
        self
    }

    /// `auto.offset.reset`. For RealTime consumers, `Earliest` starts at the earliest message
    /// kept instead of at the end.
    pub fn set_auto_offset_reset(&mut self, r: AutoOffsetReset) -> &mut Self {
        self.auto_offset_reset = Some(r);
        self
    }

    /// The reset set, if any.
    pub fn auto_offset_reset(&self) -> Option<AutoOffsetReset> {
        self.auto_offset_reset
    }

    /// `enable.auto.commit` (Resumable and LoadBalanced; default true, as Kafka's).
    pub fn set_enable_auto_commit(&mut self, v: bool) -> &mut Self {
        self.enable_auto_commit = Some(v);
        self
    }

    /// `auto.commit.interval.ms`.
    pub fn set_auto_commit_interval(&mut self, t: Duration) -> &mut Self {
        self.auto_commit_interval = Some(t);
        self
    }

    /// `enable.auto.offset.store`: false to store offsets yourself
    /// ([`KafkaConsumer::store_offset_with`](crate::KafkaConsumer::store_offset_with)), so that
    /// auto-commit only commits what you stored.
    pub fn set_enable_auto_offset_store(&mut self, v: bool) -> &mut Self {
        self.enable_auto_offset_store = Some(v);
        self
    }

    /// Any other librdkafka consumer property.
    pub fn add_custom_option(
        &mut self,
        key: impl Into<String>,
        value: impl Into<String>,
    ) -> &mut Self {
        self.custom.push(key, value);
        self
    }

    pub(crate) fn apply(&self, config: &mut ClientConfig) {
        if let Some(t) = self.session_timeout {
            config.set("session.timeout.ms", t.as_millis().to_string());
        }
        if let Some(r) = self.auto_offset_reset {
            config.set(
                "auto.offset.reset",
                match r {
                    AutoOffsetReset::Earliest => "earliest",
                    AutoOffsetReset::Latest => "latest",
                },
            );
        }
        if let Some(v) = self.enable_auto_commit {
            config.set("enable.auto.commit", v.to_string());
        }
        if let Some(t) = self.auto_commit_interval {
            config.set("auto.commit.interval.ms", t.as_millis().to_string());
        }
        if let Some(v) = self.enable_auto_offset_store {
            config.set("enable.auto.offset.store", v.to_string());
        }
        self.custom.apply(config);
    }
}

impl ConsumerOptions for KafkaConsumerOptions {
    fn new(mode: ConsumerMode) -> Self {
        Self {
            mode,
            ..Default::default()
        }
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

/// `compression.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompressionType {
    /// `none`
    None,
    /// `gzip`
    Gzip,
    /// `lz4`
    Lz4,
}

/// Options of a Kafka producer.
#[derive(Debug, Clone, Default)]
pub struct KafkaProducerOptions {
    compression: Option<CompressionType>,
    idempotence: Option<bool>,
    transactional_id: Option<String>,
    custom: Custom,
}

impl KafkaProducerOptions {
    /// `compression.type`.
    pub fn set_compression_type(&mut self, c: CompressionType) -> &mut Self {
        self.compression = Some(c);
        self
    }

    /// `enable.idempotence`.
    pub fn set_enable_idempotence(&mut self, v: bool) -> &mut Self {
        self.idempotence = Some(v);
        self
    }

    /// `transactional.id`: makes a transactional producer (see
    /// [`KafkaProducer::init_transactions`](crate::KafkaProducer::init_transactions)).
    pub fn set_transactional_id(&mut self, id: impl Into<String>) -> &mut Self {
        self.transactional_id = Some(id.into());
        self
    }

    /// Any other librdkafka producer property.
    pub fn add_custom_option(
        &mut self,
        key: impl Into<String>,
        value: impl Into<String>,
    ) -> &mut Self {
        self.custom.push(key, value);
        self
    }

    pub(crate) fn apply(&self, config: &mut ClientConfig) {
        if let Some(c) = self.compression {
            config.set(
                "compression.type",
                match c {
                    CompressionType::None => "none",
                    CompressionType::Gzip => "gzip",
                    CompressionType::Lz4 => "lz4",
                },
            );
        }
        if let Some(v) = self.idempotence {
            config.set("enable.idempotence", v.to_string());
        }
        if let Some(id) = &self.transactional_id {
            config.set("transactional.id", id);
        }
        self.custom.apply(config);
    }
}

impl ProducerOptions for KafkaProducerOptions {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_password() {
        let mut o = KafkaConnectOptions::default();
        o.set_sasl_options(SaslOptions::new(SaslMechanism::Plain, "me", "hunter2"))
            .add_custom_option("ssl.key.password", "s3cret");
        let text = format!("{o:?}");
        assert!(
            !text.contains("hunter2") && !text.contains("s3cret"),
            "{text}"
        );
        assert!(text.contains("me"));
    }

    #[test]
    fn config_has_hosts_and_settings() {
        let mut o = KafkaConnectOptions::default();
        o.set_security_protocol(SecurityProtocol::SaslSsl);
        let c = o.client_config(&"kafka://a:9092,b:9093".parse().unwrap());
        assert_eq!(c.get("bootstrap.servers"), Some("a:9092,b:9093"));
        assert_eq!(c.get("security.protocol"), Some("sasl_ssl"));
    }
}
