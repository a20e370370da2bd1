//! The reporter thread: reads a [`Meter`] and shows it on stderr, a live line on a terminal
//! (indicatif) or a plain line every few seconds in a log.

use super::limits::{resident_bytes, show_bytes};
use super::{Meter, Snapshot};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How progress is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Display {
    /// Nothing (`--quiet`, and library calls).
    #[default]
    Quiet,
    /// A live line when stderr is a terminal, else a plain line every [`plain_interval`].
    Auto,
}

impl Display {
    /// What `--quiet` asks for: nothing, else [`Display::Auto`].
    pub fn unless_quiet(quiet: bool) -> Display {
        if quiet {
            Display::Quiet
        } else {
            Display::Auto
        }
    }
}

/// Seconds between plain lines (stderr not a terminal): 5, or `TCPMC_PROGRESS_INTERVAL`.
pub fn plain_interval() -> Duration {
    std::env::var("TCPMC_PROGRESS_INTERVAL")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0 && *s < 1e6)
        .map_or(Duration::from_secs(5), Duration::from_secs_f64)
}

/// A live terminal line is redrawn this often.
const LIVE_TICK: Duration = Duration::from_millis(200);
/// ... and first drawn after this long, so that short runs leave nothing behind.
const LIVE_DELAY: Duration = Duration::from_millis(500);

/// A running reporter; [`Progress::finish`] (or dropping it) stops it and clears a live line.
pub struct Progress {
    meter: Arc<Meter>,
    done: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts showing `meter` as `display` says; `command` names the run (`check`, `diagram`).
    pub fn start(meter: Arc<Meter>, display: Display, command: &str) -> Progress {
        let done = Arc::new((Mutex::new(false), Condvar::new()));
        let thread = match display {
            Display::Quiet => None,
            Display::Auto => {
                let (m, d) = (meter.clone(), done.clone());
                let live = std::io::stderr().is_terminal();
                let command = command.to_string();
                std::thread::Builder::new()
                    .name("progress".into())
                    .spawn(move || report(&m, &d, live, &command))
                    .ok()
            }
        };
        Progress {
            meter,
            done,
            thread,
        }
    }

    pub fn meter(&self) -> &Arc<Meter> {
        &self.meter
    }

    /// Stops the reporter (clearing a live line) before the report goes out.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let (lock, cvar) = &*self.done;
        *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
        cvar.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The reporter's loop: one line per tick until told to stop.
fn report(meter: &Meter, done: &(Mutex<bool>, Condvar), live: bool, command: &str) {
    let start = Instant::now();
    let tick = if live { LIVE_TICK } else { plain_interval() };
    let bar = live.then(|| {
        let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
            b.set_style(style);
        }
        b
    });
    let mut rate = Rate::new(start);
    let (lock, cvar) = done;
    let mut finished = lock.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let (guard, _) = cvar
            .wait_timeout(finished, tick)
            .unwrap_or_else(|e| e.into_inner());
        finished = guard;
        if *finished {
            break;
        }
        let now = Instant::now();
        let snap = meter.snapshot();
        let per_second = rate.update(now, &snap);
        let text = line(command, now - start, &snap, per_second, resident_bytes());
        match &bar {
            Some(b) if now - start >= LIVE_DELAY => {
                b.set_message(text);
                b.tick();
            }
            Some(_) => {}
            None => eprintln!("tcpmc: {text}"),
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
}

/// Generated states per second over the last second or so (one phase at a time).
struct Rate {
    at: Instant,
    generated: u64,
    /// The phase measured (`None` before the first reading: the run's start is its start).
    phase: Option<String>,
    last: Option<f64>,
}

impl Rate {
    fn new(start: Instant) -> Rate {
        Rate {
            at: start,
            generated: 0,
            phase: None,
            last: None,
        }
    }

    fn update(&mut self, now: Instant, s: &Snapshot) -> Option<f64> {
        if self.phase.is_none() {
            self.phase = Some(s.phase.clone());
        }
        if self.phase.as_ref() != Some(&s.phase) || s.generated < self.generated {
            *self = Rate {
                at: now,
                generated: s.generated,
                phase: Some(s.phase.clone()),
                last: None,
            };
            return None;
        }
        let dt = (now - self.at).as_secs_f64();
        if dt >= 0.9 {
            self.last = Some((s.generated - self.generated) as f64 / dt);
            self.at = now;
            self.generated = s.generated;
        }
        self.last
    }
}

/// `12345` → `12345`, `5048548` → `5.05 M`: short enough for one terminal line.
fn short(n: u64) -> String {
    match n {
        0..=99_999 => n.to_string(),
        100_000..=999_999_999 => format!("{:.2} M", n as f64 / 1e6),
        _ => format!("{:.2} G", n as f64 / 1e9),
    }
}

fn elapsed(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{}h{:02}m", s / 3600, (s / 60) % 60)
    }
}

/// One progress line (without the `tcpmc: ` of a plain line).
fn line(
    command: &str,
    t: Duration,
    s: &Snapshot,
    rate: Option<f64>,
    memory: Option<u64>,
) -> String {
    let mut parts = vec![format!("{command} {}", elapsed(t))];
    if !s.phase.is_empty() {
        parts.push(s.phase.clone());
    }
    if s.total > 0 {
        parts.push(format!("{} of {}", s.done, s.total));
    }
    if s.unique > 0 || s.generated > 0 {
        parts.push(format!("{} unique", short(s.unique)));
        let r = rate.map_or(String::new(), |r| format!(" ({}/s)", short(r as u64)));
        parts.push(format!("{} generated{r}", short(s.generated)));
    }
    if s.depth > 0 {
        parts.push(format!("depth {}", s.depth));
    }
    if s.queue > 0 {
        parts.push(format!("queue {}", short(s.queue)));
    }
    if let Some(m) = memory {
        parts.push(format!("memory {}", show_bytes(m)));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_names_every_count() {
        let s = Snapshot {
            phase: "graph".into(),
            unique: 5_048_548,
            generated: 34_249_517,
            depth: 53,
            queue: 1234,
            done: 0,
            total: 0,
        };
        assert_eq!(
            line(
                "check",
                Duration::from_secs(65),
                &s,
                Some(6.5e6),
                Some(3 << 29)
            ),
            "check 1m05s, graph, 5.05 M unique, 34.25 M generated (6.50 M/s), depth 53, queue 1234, memory 1.50 GiB"
        );
    }
}
