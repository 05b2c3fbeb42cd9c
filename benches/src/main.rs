//! Benchmarks, each against a baseline measured in the same run (ratios, not absolute numbers).
//!
//! `stdio`: the `relay` example (stdin -> parse -> consumer -> producer -> stdout) over N lines of
//! about 100 B, against a plain buffered `BufRead` line copy of the same file; and the relay's peak
//! RSS, also with a slow reader downstream. Run it with `scripts/bench`.

use std::{
    fs::File,
    io::{self, BufRead, BufReader, BufWriter, Read, Write},
    path::{Path, PathBuf},
    process::{Command, ExitCode, Stdio},
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    thread,
    time::{Duration, Instant},
};

use clap::{Parser, Subcommand};

mod kafka;

#[derive(Debug, Parser)]
#[command(about = "SeaStreamer benchmarks: ratios against baselines measured in the same run")]
struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// The stdio relay against a plain line copy, and its peak RSS
    Stdio {
        /// The relay program (built with --release)
        #[arg(long)]
        relay: PathBuf,
        /// Where to keep the generated input files
        #[arg(long, default_value = "target/bench")]
        dir: PathBuf,
        /// Line counts to run, e.g. 1000000 10000000
        #[arg(long, num_args = 1.., default_values_t = [1_000_000u64, 10_000_000])]
        lines: Vec<u64>,
        /// Runs per measurement (the best is kept)
        #[arg(long, default_value_t = 3)]
        runs: u32,
        /// Bytes per second of the slow reader downstream
        #[arg(long, default_value_t = 20_000_000)]
        slow_rate: u64,
    },
    /// Kafka: Producer::send and Consumer::stream() against raw rdkafka, and RealTime latency
    Kafka {
        /// The broker, host:port
        #[arg(long, env = "KAFKA_BROKERS")]
        brokers: String,
        /// Messages per run
        #[arg(long, default_value_t = 1_000_000)]
        messages: u64,
        /// Runs per measurement (the best is kept)
        #[arg(long, default_value_t = 3)]
        runs: u32,
    },
    /// A Kafka consumer reading MESSAGES from the start of TOPIC at about RATE msgs/s (0: as
    /// fast as it can); run by `kafka` to measure its memory
    KafkaConsume {
        /// The broker, host:port
        #[arg(long, env = "KAFKA_BROKERS")]
        brokers: String,
        /// The topic
        #[arg(long)]
        topic: String,
        /// Messages to read
        #[arg(long)]
        messages: u64,
        /// Messages per second (0: no limit)
        #[arg(long)]
        rate: u64,
        /// librdkafka's prefetch: queued.max.messages.kbytes, and fetch.max.bytes half of it
        #[arg(long)]
        prefetch_kb: Option<u64>,
    },
    /// The baseline: copy stdin to stdout line by line through a BufReader and a BufWriter
    LineCopy,
    /// A slow reader: reads stdin at about RATE bytes per second, discarding it
    SlowRead {
        /// bytes per second
        rate: u64,
    },
}

fn main() -> ExitCode {
    let result = match Args::parse().command {
        Cmd::Stdio {
            relay,
            dir,
            lines,
            runs,
            slow_rate,
        } => stdio(&relay, &dir, &lines, runs, slow_rate),
        Cmd::Kafka {
            brokers,
            messages,
            runs,
        } => kafka_bench(&brokers, messages, runs),
        Cmd::KafkaConsume {
            brokers,
            topic,
            messages,
            rate,
            prefetch_kb,
        } => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .and_then(|rt| {
                rt.block_on(kafka::paced_consume(
                    &brokers,
                    &topic,
                    messages,
                    rate,
                    prefetch_kb,
                ))
            }),
        Cmd::LineCopy => line_copy(),
        Cmd::SlowRead { rate } => slow_read(rate),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn kafka_bench(brokers: &str, messages: u64, runs: u32) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    if runtime.block_on(kafka::run(brokers, messages, runs))? {
        Ok(())
    } else {
        Err(io::Error::other("a bar was missed"))
    }
}

fn line_copy() -> io::Result<()> {
    let mut input = BufReader::with_capacity(64 * 1024, io::stdin().lock());
    let mut output = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    let mut line = Vec::with_capacity(256);
    while input.read_until(b'\n', &mut line)? > 0 {
        output.write_all(&line)?;
        line.clear();
    }
    output.flush()
}

fn slow_read(rate: u64) -> io::Result<()> {
    let mut input = io::stdin().lock();
    let mut buf = vec![0u8; 64 * 1024];
    let start = Instant::now();
    let mut total = 0u64;
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        total += n as u64;
        let due = Duration::from_secs_f64(total as f64 / rate as f64);
        if let Some(wait) = due.checked_sub(start.elapsed()) {
            thread::sleep(wait);
        }
    }
}

/// Writes `n` lines of 100 bytes (with the newline) in the stdio format, unless the file exists.
fn input_file(dir: &Path, n: u64) -> io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("lines-{n}.txt"));
    if path.metadata().is_ok_and(|m| m.len() == n * 100) {
        return Ok(path);
    }
    let tmp = path.with_extension("tmp");
    let mut out = BufWriter::new(File::create(&tmp)?);
    for i in 0..n {
        let nanos = i % 1_000_000_000;
        let head = format!("[2026-12-04T16:34:43.{nanos:09} | bench | {i} | 0] ");
        let body = format!("{{\"n\": {i}, \"pad\": \"");
        let pad = 100 - 1 - head.len() - body.len() - 2;
        writeln!(out, "{head}{body}{}\"}}", "x".repeat(pad))?;
    }
    out.flush()?;
    drop(out);
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

/// Peak RSS of a running process, polled from /proc until it exits (Linux).
pub(crate) struct RssWatch {
    peak_kb: Arc<AtomicU64>,
    done: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl RssWatch {
    pub(crate) fn start(pid: u32) -> Self {
        let peak_kb = Arc::new(AtomicU64::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let (p, d) = (peak_kb.clone(), done.clone());
        let thread = thread::spawn(move || {
            let path = format!("/proc/{pid}/status");
            while !d.load(Ordering::Relaxed) {
                if let Ok(status) = std::fs::read_to_string(&path) {
                    if let Some(kb) = status
                        .lines()
                        .find_map(|l| l.strip_prefix("VmHWM:"))
                        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                    {
                        p.fetch_max(kb, Ordering::Relaxed);
                    }
                }
                thread::sleep(Duration::from_millis(5));
            }
        });
        Self {
            peak_kb,
            done,
            thread: Some(thread),
        }
    }

    pub(crate) fn stop(mut self) -> f64 {
        self.done.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.peak_kb.load(Ordering::Relaxed) as f64 / 1024.0
    }
}

struct Run {
    secs: f64,
    peak_mb: f64,
}

/// Runs `cmd` with `input` on stdin and its stdout to /dev/null or into `downstream`.
fn timed(mut cmd: Command, input: &Path, downstream: Option<Command>) -> io::Result<Run> {
    cmd.stdin(File::open(input)?);
    if let Some(mut d) = downstream {
        cmd.stdout(Stdio::piped());
        let start = Instant::now();
        let mut child = cmd.spawn()?;
        let pipe = child
            .stdout
            .take()
            .ok_or_else(|| io::Error::other("no stdout pipe"))?;
        let mut down = d.stdin(pipe).stdout(Stdio::null()).spawn()?;
        let watch = RssWatch::start(child.id());
        let status = child.wait()?;
        let peak_mb = watch.stop();
        down.wait()?;
        if !status.success() {
            return Err(io::Error::other(format!("{cmd:?} failed: {status}")));
        }
        return Ok(Run {
            secs: start.elapsed().as_secs_f64(),
            peak_mb,
        });
    }
    cmd.stdout(Stdio::null());
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    let watch = RssWatch::start(child.id());
    let status = child.wait()?;
    let secs = start.elapsed().as_secs_f64();
    let peak_mb = watch.stop();
    if !status.success() {
        return Err(io::Error::other(format!("{cmd:?} failed: {status}")));
    }
    Ok(Run { secs, peak_mb })
}

fn best(runs: u32, mut f: impl FnMut() -> io::Result<Run>) -> io::Result<Run> {
    let mut best: Option<Run> = None;
    for _ in 0..runs.max(1) {
        let r = f()?;
        best = Some(match best {
            Some(b) if b.secs <= r.secs => Run {
                secs: b.secs,
                peak_mb: b.peak_mb.max(r.peak_mb),
            },
            Some(b) => Run {
                secs: r.secs,
                peak_mb: b.peak_mb.max(r.peak_mb),
            },
            None => r,
        });
    }
    best.ok_or_else(|| io::Error::other("no run"))
}

fn stdio(relay: &Path, dir: &Path, counts: &[u64], runs: u32, slow_rate: u64) -> io::Result<()> {
    let me = std::env::current_exe()?;
    let relay_cmd = || {
        let mut c = Command::new(relay);
        c.args(["--input", "stdio:///bench", "--output", "stdio:///out"]);
        c
    };
    let copy_cmd = || {
        let mut c = Command::new(&me);
        c.arg("line-copy");
        c
    };
    println!("stdio relay vs plain BufRead line copy (100 B lines, best of {runs})");
    let mut failed = false;
    for &n in counts {
        let input = input_file(dir, n)?;
        let copy = best(runs, || timed(copy_cmd(), &input, None))?;
        let relayed = best(runs, || timed(relay_cmd(), &input, None))?;
        let ratio = copy.secs / relayed.secs;
        // the throughput bar is set on 1M lines; longer runs check memory
        let bar = if n == 1_000_000 {
            "(bar 0.25, aim 0.5)"
        } else {
            "(for information)"
        };
        println!(
            "  {n:>9} lines: line copy {:>6.2} M lines/s | relay {:>6.2} M lines/s, peak RSS {:>5.1} MB (bar 64) | ratio {ratio:.2} {bar}",
            n as f64 / copy.secs / 1e6,
            n as f64 / relayed.secs / 1e6,
            relayed.peak_mb,
        );
        failed |= (n == 1_000_000 && ratio < 0.25) || relayed.peak_mb >= 64.0;
    }
    // slow downstream: the relay must wait, not buffer
    let n = counts.iter().copied().min().unwrap_or(1_000_000);
    let input = input_file(dir, n)?;
    let mut slow = Command::new(&me);
    slow.args(["slow-read", &slow_rate.to_string()]);
    let run = timed(relay_cmd(), &input, Some(slow))?;
    println!(
        "  {n:>9} lines into a reader at {:.0} MB/s: relay took {:.1} s, peak RSS {:.1} MB (bar 64 MB)",
        slow_rate as f64 / 1e6,
        run.secs,
        run.peak_mb
    );
    failed |= run.peak_mb >= 64.0;
    if failed {
        return Err(io::Error::other("a bar was missed"));
    }
    Ok(())
}
