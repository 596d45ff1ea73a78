//! Progress of a run on a terminal: one spinner line naming the stage (read,
//! evidence, checks, report). It appears only when the run has taken more
//! than a second, only when stderr is a terminal, and never with `--quiet`,
//! so scheduled jobs and pipes see nothing but the final line.
//!
//! `CLAIMS_AUDIT_TIMINGS=1` prints each stage's wall time on stderr at the
//! end (for measuring; works without a terminal).

use std::io::IsTerminal;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before the spinner shows.
const DELAY: Duration = Duration::from_secs(1);

pub struct Progress {
    bar: ProgressBar,
    waiter: Option<(mpsc::Sender<()>, JoinHandle<()>)>,
    current: Option<(&'static str, Instant)>,
    timings: Vec<(&'static str, Duration)>,
    /// Laps inside a stage: (stage, lap, time).
    laps: Vec<(&'static str, &'static str, Duration)>,
    lap_start: Instant,
    print_timings: bool,
}

impl Progress {
    /// `stages`: how many stages the run has.
    pub fn new(quiet: bool, stages: u64) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(stages), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} [{pos}/{len}] {msg} ({elapsed})")
        {
            bar.set_style(style.tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ "));
        }
        let show = !quiet && std::io::stderr().is_terminal();
        let waiter = show.then(|| {
            let (tx, rx) = mpsc::channel::<()>();
            let b = bar.clone();
            let handle = std::thread::spawn(move || {
                if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(DELAY) {
                    b.set_draw_target(ProgressDrawTarget::stderr());
                    b.enable_steady_tick(Duration::from_millis(120));
                }
            });
            (tx, handle)
        });
        Progress {
            bar,
            waiter,
            current: None,
            timings: Vec::new(),
            laps: Vec::new(),
            lap_start: Instant::now(),
            print_timings: std::env::var_os("CLAIMS_AUDIT_TIMINGS").is_some_and(|v| v != "0"),
        }
    }

    /// Starts a stage; the previous one ends.
    pub fn stage(&mut self, name: &'static str, message: impl Into<String>) {
        self.end_stage();
        self.bar.set_position(self.timings.len() as u64 + 1);
        self.current = Some((name, Instant::now()));
        self.lap_start = Instant::now();
        self.bar.set_message(format!("{name}: {}", message.into()));
    }

    /// Records the time since the stage began or the last lap (shown with the timings).
    pub fn lap(&mut self, name: &'static str) {
        if let Some((stage, _)) = self.current {
            self.laps.push((stage, name, self.lap_start.elapsed()));
        }
        self.lap_start = Instant::now();
    }

    fn end_stage(&mut self) {
        if let Some((name, start)) = self.current.take() {
            self.timings.push((name, start.elapsed()));
        }
    }

    /// Ends the last stage and removes the spinner.
    pub fn finish(&mut self) {
        self.end_stage();
        if let Some((tx, handle)) = self.waiter.take() {
            let _ = tx.send(());
            let _ = handle.join();
        }
        self.bar.finish_and_clear();
        if self.print_timings {
            let parts: Vec<String> = self
                .timings
                .iter()
                .map(|(n, d)| {
                    let laps: Vec<String> = self
                        .laps
                        .iter()
                        .filter(|(s, _, _)| s == n)
                        .map(|(_, l, t)| format!("{l} {:.3}", t.as_secs_f64()))
                        .collect();
                    if laps.is_empty() {
                        format!("{n} {:.3} s", d.as_secs_f64())
                    } else {
                        format!("{n} {:.3} s ({})", d.as_secs_f64(), laps.join(", "))
                    }
                })
                .collect();
            eprintln!("claims-audit: timings: {}", parts.join(", "));
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some((tx, handle)) = self.waiter.take() {
            let _ = tx.send(());
            let _ = handle.join();
            self.bar.finish_and_clear();
        }
    }
}
