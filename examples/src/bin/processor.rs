//! Reads JSON objects with a number `n` (what `producer` sends), adds `"square": n * n`, and
//! forwards them. Payloads that are not such objects are forwarded unchanged, with a warning on
//! stderr: nothing is lost.
//!
//! ```text
//! producer --stream stdio:///numbers | processor --input stdio:///numbers --output stdio:///squares
//! ```

use std::process::ExitCode;

use clap::Parser;
use sea_streamer::{Consumer, Message, Payload, Producer, StreamErr, StreamExt, StreamUrl};
use sea_streamer_examples::{run, Pipeline};
use serde_json::{Map, Value};

#[derive(Debug, Parser)]
#[command(
    about = "Add \"square\": n*n to each JSON object {\"n\": ...} from INPUT and send it to OUTPUT"
)]
struct Args {
    /// Where to read, e.g. stdio:///numbers
    #[arg(long)]
    input: StreamUrl,
    /// Where to write (the first stream), e.g. stdio:///squares
    #[arg(long)]
    output: StreamUrl,
}

/// The processed payload, or why it was forwarded as it was.
fn process(payload: Payload<'_>) -> Result<String, &'static str> {
    let mut object: Map<String, Value> = payload
        .deserialize_json()
        .map_err(|_| "not a JSON object")?;
    let n = object
        .get("n")
        .and_then(Value::as_i64)
        .ok_or("no integer field `n`")?;
    let square = n.checked_mul(n).ok_or("`n * n` overflows")?;
    object.insert("square".into(), square.into());
    Ok(Value::Object(object).to_string())
}

fn main() -> ExitCode {
    let args = Args::parse();
    run(async move {
        let mut pipeline = Pipeline::connect(&args.input, &args.output).await?;
        let producer = &pipeline.producer;
        let mut stream = pipeline.consumer.stream();
        while let Some(message) = stream.next().await {
            let message = match message {
                Ok(m) => m,
                // a report (Kafka: a lost connection): the consumer goes on by itself
                Err(StreamErr::Backend(e)) if e.is_transient() => {
                    eprintln!("processor: warning: {e}");
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            match process(message.message()) {
                Ok(processed) => producer.send(processed)?,
                Err(why) => {
                    eprintln!(
                        "processor: warning: message {} of `{}` forwarded unchanged: {why}",
                        message.sequence(),
                        message.stream_key()
                    );
                    producer.send(message.message())?
                }
            };
        }
        drop(stream);
        pipeline.finish().await?;
        Ok(())
    })
}
