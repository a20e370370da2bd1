//! A path of the model run against the kernel, step by step: the `scenarios` and `walks` suites.
//!
//! The kernel is one endpoint; tcpmc plays the other endpoint and the network. A step of the
//! kernel's application is a real socket call; a delivery to the kernel writes the model's
//! segment, its numbers mapped, into the TUN device; every other step (the peer's calls,
//! deliveries to the peer, losses, duplicates) is the model's alone, since tcpmc *is* the peer
//! and the network. After each step the segments the kernel sent are held against the ones the
//! model's kernel side put in flight in that step (flags, then SEQ and ACK mapped), and the
//! kernel's state against the model's.
//!
//! Time: a `tick` is real time only where the model's kernel side has a timer in it. A
//! retransmission the model makes on a tick is awaited from the kernel (its RTO is 200 ms to a
//! few seconds); the kernel's own retransmissions between steps, which the model would make on a
//! tick the path does not take, are set aside, not compared. A tick that ends TIME-WAIT or
//! another 60 s timer of Linux waits for it only with `--slow`; without, the path stops there
//! and the outcome says how many steps were compared.

use super::kernel::KernelEnd;
use super::netns::Namespace;
use super::packet::{Wire, KERNEL_ADDR, PEER_ADDR};
use super::table::{Outcome, Verdict, QUIET};
use std::collections::BTreeMap;
use std::net::SocketAddrV4;
use std::time::{Duration, Instant};
use tcpmc_model::segment::{flags::*, Segment, SEQ_ZERO};
use tcpmc_model::{Action, Config, Side, State, TcpState};

/// How long a tick waits for a retransmission the model makes on it.
const RETRANSMIT_WAIT: Duration = Duration::from_secs(5);
/// How long a `--slow` tick waits for a kernel timer of about a minute (TIME-WAIT, FIN-WAIT-2,
/// the orphan retries).
const SLOW_WAIT: Duration = Duration::from_secs(130);
/// The peer's first ISS in real numbers.
const PEER_BASE: u32 = 0x5000_0000;
/// The kernel numbers of a connection the kernel never sent a SYN for.
const NO_KERNEL_ISS: u32 = 0x2000_0000;

/// One step of a path: what it does, as the replay syntax writes it, and the model's states
/// around it.
#[derive(Clone, Debug)]
pub struct PathStep {
    pub text: String,
    pub kind: Kind,
    pub before: State,
    pub after: State,
}

/// What a step does, as far as the kernel is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A call of `side`'s application.
    Call(Side, Call),
    /// The segment is delivered to its receiver.
    Deliver(Segment),
    /// Lost, duplicated, or a check of the model's state: the model's alone.
    ModelOnly,
    /// Time passes.
    Tick,
    /// A host crashes or goes down.
    Fault(Side),
}

/// The application calls the kernel side can make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    Connect,
    Listen,
    Send,
    Read,
    Close,
    Shutdown,
    Abort,
}

impl Kind {
    /// The kind of a model action taken in `before`.
    pub fn of(before: &State, a: &Action) -> Kind {
        match *a {
            Action::Connect(s, _) => Kind::Call(s, Call::Connect),
            Action::Listen(s) => Kind::Call(s, Call::Listen),
            Action::Send(s) => Kind::Call(s, Call::Send),
            Action::Read(s) => Kind::Call(s, Call::Read),
            Action::Close(s) => Kind::Call(s, Call::Close),
            Action::Shutdown(s) => Kind::Call(s, Call::Shutdown),
            Action::Abort(s) => Kind::Call(s, Call::Abort),
            Action::Down(s) | Action::Crash(s) => Kind::Fault(s),
            Action::Deliver(i, _) => Kind::Deliver(before.net.get(i as usize)),
            Action::Lose(_) | Action::Duplicate(_) => Kind::ModelOnly,
            Action::Tick => Kind::Tick,
        }
    }
}

/// A path's result, before it becomes an [`Outcome`].
pub struct PathRun {
    /// Steps compared (all of them when the path ran to its end).
    pub compared: usize,
    pub verdict: Verdict,
    /// What differed, or why the path could not run on.
    pub note: String,
    /// The step the path stopped at, when it stopped early.
    pub stopped_at: Option<usize>,
    /// Segments and state the model expected, and what the kernel did, at that step.
    pub model_reply: String,
    pub kernel_reply: String,
    pub model_next: String,
    pub kernel_next: String,
    /// The kernel's segments of the differing step, for the replay scenario written for it.
    pub kernel_segments: Vec<Wire>,
    pub exchange: Vec<Wire>,
    /// What the path did before a difference that may explain it (see [`causes`]).
    pub cause: Option<&'static str>,
}

impl PathRun {
    /// A path that could not be run at all.
    pub fn not_runnable(why: String) -> PathRun {
        PathRun {
            compared: 0,
            verdict: Verdict::NotRunnable,
            note: why,
            stopped_at: None,
            model_reply: String::new(),
            kernel_reply: String::new(),
            model_next: String::new(),
            kernel_next: String::new(),
            kernel_segments: Vec::new(),
            exchange: Vec::new(),
            cause: None,
        }
    }
}

/// The mapping of one side's numbers: per connection id, the model's ISS and the real one.
#[derive(Default)]
struct Spaces {
    n: u8,
    by_conn: BTreeMap<u8, (u8, u32)>,
    /// The real value the next unknown connection is anchored near (the peer's numbers only).
    last: Option<(u8, u32)>,
}

impl Spaces {
    fn offset(&self, from: u8, v: u8) -> i64 {
        let n = i64::from(self.n);
        let d = (i64::from(v) - i64::from(from)).rem_euclid(n);
        if d > n / 2 {
            d - n
        } else {
            d
        }
    }

    fn real(&self, conn: u8, v: u8, unknown: u32) -> u32 {
        if v == SEQ_ZERO {
            return 0;
        }
        let (m, r) = self.by_conn.get(&conn).copied().unwrap_or((0, unknown));
        (i64::from(r) + self.offset(m, v)).rem_euclid(1 << 32) as u32
    }
}

/// The run of one path: the kernel's end, the number mappings, the log.
struct Runner<'a> {
    ns: &'a Namespace,
    kernel: Side,
    k: KernelEnd,
    slow: bool,
    /// The kernel's send numbers and the peer's.
    ks: Spaces,
    ps: Spaces,
    /// Every segment of the exchange, both ways.
    log: Vec<Wire>,
    /// Retransmissions the kernel made on its own timers, not yet claimed by a tick.
    pool: Vec<Wire>,
}

/// Runs `path` with the kernel as `kernel`, on the 4-tuple of `ports` (kernel, peer).
pub fn run(
    ns: &Namespace,
    cfg: &Config,
    kernel: Side,
    path: &[PathStep],
    ports: (u16, u16),
    slow: bool,
) -> PathRun {
    let local = SocketAddrV4::new(KERNEL_ADDR, ports.0);
    let remote = SocketAddrV4::new(PEER_ADDR, ports.1);
    let mut r = Runner {
        ns,
        kernel,
        k: KernelEnd::new(local, remote),
        slow,
        ks: Spaces {
            n: cfg.seq_space,
            ..Default::default()
        },
        ps: Spaces {
            n: cfg.seq_space,
            ..Default::default()
        },
        log: Vec::new(),
        pool: Vec::new(),
    };
    let mut out = PathRun {
        verdict: Verdict::Agree,
        ..PathRun::not_runnable(String::new())
    };
    for (i, step) in path.iter().enumerate() {
        match r.step(step) {
            Ok(()) => out.compared = i + 1,
            Err(stop) => {
                out.stopped_at = Some(i);
                out.verdict = stop.verdict;
                out.note = format!("step {} ({}): {}", i + 1, step.text, stop.why);
                out.model_reply = stop.model_reply;
                out.kernel_reply = stop.kernel_reply;
                out.model_next = stop.model_next;
                out.kernel_next = stop.kernel_next;
                out.kernel_segments = stop.kernel_segments;
                if out.verdict == Verdict::Differ {
                    out.cause = causes(cfg, &path[..i], kernel);
                }
                break;
            }
        }
    }
    if out.stopped_at.is_none() {
        out.model_next = path
            .last()
            .map(|s| model_state(&s.after, kernel))
            .unwrap_or_default();
        out.kernel_next = out.model_next.clone();
    }
    r.k.abort();
    r.k.close_listener();
    out.exchange = r.log;
    out
}

/// Why a path stopped at a step.
struct Stop {
    verdict: Verdict,
    why: String,
    model_reply: String,
    kernel_reply: String,
    model_next: String,
    kernel_next: String,
    kernel_segments: Vec<Wire>,
}

impl Stop {
    fn cannot(why: impl Into<String>) -> Box<Stop> {
        Box::new(Stop {
            verdict: Verdict::NotRunnable,
            why: why.into(),
            model_reply: String::new(),
            kernel_reply: String::new(),
            model_next: String::new(),
            kernel_next: String::new(),
            kernel_segments: Vec::new(),
        })
    }
}

/// The model's state of `side` as the kernel reports it.
fn model_state(s: &State, side: Side) -> String {
    s.ep[side.index()].state.rfc_name().to_string()
}

/// The segments in `after` that were not in `before` (ages ignored), from `from`.
fn new_segments(
    before: &State,
    after: &State,
    from: Side,
    delivered: Option<Segment>,
) -> Vec<Segment> {
    let key = |s: &Segment| Segment { age: 0, ..*s };
    let mut old: Vec<Segment> = before.net.segments().iter().map(key).collect();
    if let Some(d) = delivered {
        if let Some(p) = old.iter().position(|s| *s == key(&d)) {
            old.remove(p);
        }
    }
    let mut new = Vec::new();
    for s in after.net.segments().iter().map(key) {
        match old.iter().position(|o| *o == s) {
            Some(p) => {
                old.remove(p);
            }
            None if s.from == from => new.push(s),
            None => {}
        }
    }
    new
}

/// Flag names joined with " + ", or "—" for none: how the report shows a step's segments.
fn joined(names: Vec<String>) -> String {
    if names.is_empty() {
        "—".into()
    } else {
        names.join(" + ")
    }
}

fn names(segs: &[Segment]) -> String {
    joined(segs.iter().map(|s| s.flag_names()).collect())
}

fn wire_names(segs: &[Wire]) -> String {
    joined(segs.iter().map(|s| s.flag_names()).collect())
}

impl Runner<'_> {
    fn peer(&self) -> Side {
        self.kernel.peer()
    }

    /// The peer's segment with real numbers.
    fn wire_of(&self, seg: &Segment) -> Wire {
        Wire {
            src: self.k.remote,
            dst: self.k.local,
            flags: seg.flags,
            seq: self.ps.real(seg.conn, seg.seq, PEER_BASE),
            ack: if seg.has(ACK) {
                self.ks.real(seg.conn, seg.ack, NO_KERNEL_ISS)
            } else {
                0
            },
            window: 65535,
            payload: vec![b'x'; usize::from(seg.len)],
        }
    }

    /// Anchors the peer's numbers of every new connection its SYNs open, near the numbers of
    /// its previous connection, so that the model's order of incarnations is the real one.
    fn register_peer(&mut self, step: &PathStep, segs: &[Segment]) {
        for s in segs.iter().filter(|s| s.has(SYN)) {
            if self.ps.by_conn.contains_key(&s.conn) {
                continue;
            }
            let real = match self.ps.last {
                None => PEER_BASE.wrapping_add(u32::from(s.seq)),
                Some((m, r)) => {
                    (i64::from(r) + self.ps.offset(m, s.seq)).rem_euclid(1 << 32) as u32
                }
            };
            self.ps.by_conn.insert(s.conn, (s.seq, real));
            self.ps.last = Some((s.seq, real));
        }
        // The peer's latest SND.NXT is where its next connection is placed from.
        let e = &step.after.ep[self.peer().index()];
        if self.ps.by_conn.contains_key(&e.conn) && e.state != TcpState::Closed {
            let r = self.ps.real(e.conn, e.snd_nxt, PEER_BASE);
            self.ps.last = Some((e.snd_nxt, r));
        }
    }

    /// Accepts a connection the listener has ready when the application holds none that is
    /// still open: the model's passive application has its connection at once.
    fn sync_accept(&mut self) {
        if self.k.has_connection() && self.k.connection_state() != Some(TcpState::Closed) {
            return;
        }
        let _ = self.k.accept();
    }

    /// The kernel's segments now: waits `wait` for them, sets aside its own retransmissions
    /// unless the model expects them.
    fn collect(&mut self, wait: Duration, expected: &[Segment]) -> Result<Vec<Wire>, Box<Stop>> {
        let got = self
            .ns
            .recv_all_from(self.k.local, self.k.remote, wait)
            .map_err(|e| Stop::cannot(format!("TUN read: {e}")))?;
        let mut out = Vec::new();
        for w in got {
            let seen = self
                .log
                .iter()
                .any(|o| o.src == w.src && o.flags == w.flags && o.seq == w.seq);
            let wanted = expected
                .iter()
                .any(|m| m.flags == w.flags && (m.len > 0) != w.payload.is_empty());
            self.log.push(w.clone());
            if seen && w.seg_len() > 0 && !wanted {
                self.pool.push(w);
            } else {
                out.push(w);
            }
        }
        Ok(out)
    }

    /// Holds the kernel's segments against the model's (flags in order of the flag names, then
    /// numbers), registering the kernel's ISS from its SYNs.
    fn compare_segments(
        &mut self,
        step: &PathStep,
        model: &[Segment],
        kernel: &[Wire],
    ) -> Result<(), Box<Stop>> {
        let mut m: Vec<Segment> = model.to_vec();
        m.sort_by_key(|s| s.flag_names());
        let mut k: Vec<Wire> = kernel.to_vec();
        k.sort_by_key(|w| w.flag_names());
        let differ = |why: String| -> Box<Stop> {
            Box::new(Stop {
                verdict: Verdict::Differ,
                why,
                model_reply: names(model),
                kernel_reply: wire_names(kernel),
                model_next: model_state(&step.after, self.kernel),
                kernel_next: self.k.state().rfc_name().to_string(),
                kernel_segments: kernel.to_vec(),
            })
        };
        let mn: Vec<String> = m.iter().map(|s| s.flag_names()).collect();
        let kn: Vec<String> = k.iter().map(|w| w.flag_names()).collect();
        if mn != kn {
            return Err(differ(format!(
                "the kernel sent {} (model {})",
                wire_names(&k),
                names(&m)
            )));
        }
        let mut why = Vec::new();
        for (ms, w) in m.iter().zip(&k) {
            if ms.has(SYN) && !self.ks.by_conn.contains_key(&ms.conn) {
                self.ks.by_conn.insert(ms.conn, (ms.seq, w.seq));
            } else {
                let seq = self.ks.real(ms.conn, ms.seq, NO_KERNEL_ISS);
                if seq != w.seq {
                    why.push(format!("{} seq {} (model {seq})", w.flag_names(), w.seq));
                }
            }
            if ms.has(ACK) {
                let ack = self.ps.real(ms.conn, ms.ack, PEER_BASE);
                if ack != w.ack {
                    why.push(format!("{} ack {} (model {ack})", w.flag_names(), w.ack));
                }
            }
        }
        if why.is_empty() {
            Ok(())
        } else {
            Err(differ(why.join(", ")))
        }
    }

    fn compare_state(
        &mut self,
        step: &PathStep,
        model: &[Segment],
        kernel: &[Wire],
    ) -> Result<(), Box<Stop>> {
        let want = model_state(&step.after, self.kernel);
        let got = self.k.state().rfc_name().to_string();
        if want == got {
            return Ok(());
        }
        Err(Box::new(Stop {
            verdict: Verdict::Differ,
            why: format!("state {got} (model {want})"),
            model_reply: names(model),
            kernel_reply: wire_names(kernel),
            model_next: want,
            kernel_next: got,
            kernel_segments: kernel.to_vec(),
        }))
    }

    fn call(&mut self, call: Call) -> Result<(), Box<Stop>> {
        let err = |what: &str, e: std::io::Error| Stop::cannot(format!("{what}: {e}"));
        match call {
            Call::Connect => self.k.connect().map_err(|e| {
                if e.raw_os_error() == Some(libc::EADDRNOTAVAIL) {
                    Stop::cannot(
                        "connect() over its own TIME-WAIT (tcp_twsk_unique) needs TCP \
                         timestamps, which conform turns off: the model has no options",
                    )
                } else {
                    err("connect", e)
                }
            }),
            Call::Listen => self.k.listen().map_err(|e| err("listen", e)),
            Call::Send => self.k.send_checked().map_err(|e| err("send", e)),
            Call::Read => {
                self.k.read();
                Ok(())
            }
            Call::Shutdown => {
                self.k.shutdown();
                Ok(())
            }
            Call::Close | Call::Abort => {
                let open =
                    self.k.has_connection() && self.k.connection_state() != Some(TcpState::Closed);
                match (open, call) {
                    (true, Call::Close) => self.k.close(),
                    (true, _) => self.k.abort(),
                    (false, _) => self.k.close_listener(),
                }
                Ok(())
            }
        }
    }

    fn step(&mut self, step: &PathStep) -> Result<(), Box<Stop>> {
        let kernel = self.kernel;
        let peer = self.peer();
        let delivered = match step.kind {
            Kind::Deliver(seg) => Some(seg),
            _ => None,
        };
        let from_kernel = new_segments(&step.before, &step.after, kernel, delivered);
        let from_peer = new_segments(&step.before, &step.after, peer, delivered);
        self.register_peer(step, &from_peer);
        if step.after.zero != step.before.zero {
            return Err(Stop::cannot(
                "an RST reveals where its SEQ=0 lies (rst-seq-zero), which renumbers the model's \
                 sequence space: a modelling device with no real counterpart",
            ));
        }
        let mut wait = Duration::ZERO;
        match step.kind {
            Kind::Fault(s) if s == kernel => {
                return Err(Stop::cannot("the kernel's host cannot crash or go down"));
            }
            Kind::Call(s, call) if s == kernel => {
                self.sync_accept();
                let e = &step.before.ep[kernel.index()];
                if call != Call::Listen
                    && call != Call::Connect
                    && e.state == TcpState::SynReceived
                    && e.passive()
                {
                    return Err(Stop::cannot(
                        "a passive connection in SYN-RECEIVED has no descriptor before accept()",
                    ));
                }
                self.call(call)?;
                wait = QUIET;
            }
            Kind::Deliver(seg) if seg.from == peer => {
                let w = self.wire_of(&seg);
                self.ns
                    .send(&w)
                    .map_err(|e| Stop::cannot(format!("TUN write: {e}")))?;
                self.log.push(w);
                wait = QUIET;
            }
            Kind::Tick => return self.tick(step, &from_kernel),
            _ => {}
        }
        let kernel_segs = self.collect(wait, &from_kernel)?;
        self.sync_accept();
        self.compare_segments(step, &from_kernel, &kernel_segs)?;
        self.compare_state(step, &from_kernel, &kernel_segs)
    }

    /// A tick: the retransmissions the model makes on it are awaited from the kernel; a timer
    /// that ends the kernel side's connection is awaited with `--slow` only.
    fn tick(&mut self, step: &PathStep, from_kernel: &[Segment]) -> Result<(), Box<Stop>> {
        let kernel = self.kernel;
        let before = step.before.ep[kernel.index()].state;
        let after = step.after.ep[kernel.index()].state;
        let ends = before != after;
        if ends && !self.slow {
            let why = match before {
                TcpState::TimeWait => "TIME-WAIT lasts 60 s on Linux (TCP_TIMEWAIT_LEN)",
                TcpState::FinWait2 => "an orphaned FIN-WAIT-2 lasts tcp_fin_timeout, 60 s",
                _ => "the kernel's timer runs for up to two minutes",
            };
            return Err(Box::new(Stop {
                verdict: Verdict::Agree,
                why: format!("not waited for: {why}; --slow waits"),
                model_reply: String::new(),
                kernel_reply: String::new(),
                model_next: model_state(&step.before, kernel),
                kernel_next: self.k.state().rfc_name().to_string(),
                kernel_segments: Vec::new(),
            }));
        }
        // The retransmissions: from those set aside, then from the wire.
        let mut got: Vec<Wire> = Vec::new();
        let deadline = Instant::now() + RETRANSMIT_WAIT;
        for m in from_kernel {
            let matches = |w: &Wire| w.flags == m.flags && (m.len > 0) != w.payload.is_empty();
            if let Some(p) = self.pool.iter().position(matches) {
                got.push(self.pool.remove(p));
                continue;
            }
            while Instant::now() < deadline {
                let left = deadline.saturating_duration_since(Instant::now());
                match self.ns.recv_from(self.k.local, self.k.remote, left) {
                    Ok(Some(w)) => {
                        self.log.push(w.clone());
                        if matches(&w) {
                            got.push(w);
                            break;
                        }
                        self.pool.push(w);
                    }
                    Ok(None) => break,
                    Err(e) => return Err(Stop::cannot(format!("TUN read: {e}"))),
                }
            }
        }
        if ends {
            let want = model_state(&step.after, kernel);
            let deadline = Instant::now() + SLOW_WAIT;
            while self.k.state().rfc_name() != want && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(200));
            }
        }
        // Whatever else the kernel sent meanwhile counts as sent on this tick.
        let mut rest = self.collect(Duration::ZERO, from_kernel)?;
        got.append(&mut rest);
        self.compare_segments(step, from_kernel, &got)?;
        self.compare_state(step, from_kernel, &got)
    }
}

/// The path of model actions from the initial state, or `None` if one is not enabled.
pub fn path_of_actions(cfg: &Config, actions: &[Action]) -> Option<Vec<PathStep>> {
    let mut s = State::initial();
    let mut out = Vec::new();
    for a in actions {
        let next = tcpmc_model::system::apply(cfg, &s, *a)?;
        out.push(PathStep {
            text: tcpmc_model::system::describe(&s, a),
            kind: Kind::of(&s, a),
            before: s,
            after: next,
        });
        s = next;
    }
    Some(out)
}

/// Causes of a difference that a variant may declare (`conform/known.rs`), found in the steps
/// before it.
pub mod cause {
    /// The kernel was given a segment beyond RCV.NXT: Linux holds it (tcp_data_queue_ofo), the
    /// model drops it.
    pub const OUT_OF_ORDER: &str = "out-of-order";
}

/// The cause of a difference, from the steps before it: a segment with text or FIN delivered to
/// the kernel beyond its RCV.NXT, inside the window.
fn causes(cfg: &Config, before: &[PathStep], kernel: Side) -> Option<&'static str> {
    let n = i64::from(cfg.seq_space);
    before.iter().find_map(|st| match st.kind {
        Kind::Deliver(seg) if seg.from != kernel && seg.seg_len() > 0 => {
            let e = &st.before.ep[kernel.index()];
            let ahead = (i64::from(seg.seq) - i64::from(e.rcv_nxt)).rem_euclid(n);
            let synced = e.state.is_synchronized() || e.state == TcpState::SynReceived;
            (synced && ahead > 0 && ahead < n / 2 && !seg.has(SYN)).then_some(cause::OUT_OF_ORDER)
        }
        _ => None,
    })
}

/// The verdict of a path run as a report row.
pub fn outcome(name: &str, kernel: Side, steps: usize, run: PathRun) -> Outcome {
    let case = match run.stopped_at {
        Some(0) => format!("0 of {steps} steps"),
        Some(i) => format!("steps 1–{i} of {steps}"),
        None => format!("{steps} steps"),
    };
    Outcome {
        state: name.to_string(),
        segment: format!("kernel as {kernel}"),
        case,
        model_reply: run.model_reply,
        kernel_reply: run.kernel_reply,
        model_next: run.model_next,
        kernel_next: run.kernel_next,
        verdict: run.verdict,
        note: run.note,
        exchange: run.exchange,
        replay: None,
        cause: run.cause,
    }
}
