//! The `table` suite: each reaction-table row (`tcpmc table`) held against the kernel. The kernel
//! is brought into the row's state by a real exchange with tcpmc as its peer, the row's probe
//! segment is injected with the numbers mapped to the kernel's, and its reply (flags and numbers)
//! and next state are compared with the row's.

use super::kernel::KernelEnd;
use super::netns::Namespace;
use super::numbers::Space;
use super::packet::{Wire, KERNEL_ADDR, PEER_ADDR};
use crate::progress::Meter;
use serde::Serialize;
use std::net::SocketAddrV4;
use std::time::Duration;
use tcpmc_model::reaction::{cases, Case};
use tcpmc_model::segment::{flags::*, SEQ_ZERO};
use tcpmc_model::{Config, TcpState};

/// How long a step that expects a segment from the kernel waits for it.
pub const EXPECT_WAIT: Duration = Duration::from_millis(1000);
/// How long tcpmc listens for the kernel's reply to a probe. Shorter than Linux's smallest RTO
/// (200 ms), so no retransmission falls into it, and longer than the time the kernel needs to
/// answer on loopback (well under a millisecond). Delayed ACKs do not arise: every probe meets a
/// fresh connection in quick-ACK mode, and TCP_QUICKACK is set before it.
pub const QUIET: Duration = Duration::from_millis(60);
/// The peer's ISS (tcpmc's), fixed so that every run sends the same numbers.
pub const PEER_ISS: u32 = 0x5000_0000;
/// The kernel numbers a CLOSED or LISTEN row maps its `any` ACK to (there is no kernel ISS).
const NO_KERNEL_ISS: u32 = 0x2000_0000;

/// The per-namespace sysctls of a run: the model has no timestamps, SACK, window scaling or ECN,
/// and the kernel must not rate-limit the ACKs it sends to out-of-window segments.
pub const SYSCTLS: [(&str, &str); 6] = [
    ("net.ipv4.tcp_timestamps", "0"),
    ("net.ipv4.tcp_sack", "0"),
    ("net.ipv4.tcp_window_scaling", "0"),
    ("net.ipv4.tcp_ecn", "0"),
    ("net.ipv4.tcp_invalid_ratelimit", "0"),
    ("net.ipv4.tcp_challenge_ack_limit", "2147483647"),
];

/// How a row came out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Agree,
    Differ,
    NotRunnable,
}

/// One row's result.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    pub state: String,
    pub segment: String,
    pub case: String,
    pub model_reply: String,
    pub kernel_reply: String,
    pub model_next: String,
    pub kernel_next: String,
    pub verdict: Verdict,
    /// Why a row differs or cannot run; the segments of the exchange for a difference.
    pub note: String,
    #[serde(skip)]
    pub exchange: Vec<Wire>,
    /// A `tcpmc replay` scenario of what the kernel did, for a difference of a path suite.
    #[serde(skip)]
    pub replay: Option<String>,
    /// For a path suite's difference: what happened before it that a variant may declare.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<&'static str>,
}

/// The kernel's connection during one row, and what tcpmc knows of its numbers.
struct Conn<'a> {
    ns: &'a Namespace,
    k: KernelEnd,
    /// The kernel's ISS, SND.UNA and SND.NXT as its segments show them.
    kernel_iss: u32,
    kernel_una: u32,
    kernel_nxt: u32,
    /// The kernel's RCV.NXT: tcpmc's own SND.NXT.
    peer_nxt: u32,
    /// The kernel's receive window (no window scaling).
    window: u16,
    /// Every segment of the exchange, both ways, in order.
    log: Vec<Wire>,
}

impl<'a> Conn<'a> {
    fn new(ns: &'a Namespace, row: usize) -> Conn<'a> {
        let local = SocketAddrV4::new(KERNEL_ADDR, 10000 + row as u16);
        let remote = SocketAddrV4::new(PEER_ADDR, 40000 + row as u16);
        Conn {
            ns,
            k: KernelEnd::new(local, remote),
            kernel_iss: NO_KERNEL_ISS,
            kernel_una: NO_KERNEL_ISS,
            kernel_nxt: NO_KERNEL_ISS,
            peer_nxt: PEER_ISS,
            window: 0,
            log: Vec::new(),
        }
    }

    fn send(&mut self, flags: u8, seq: u32, ack: u32, payload: &[u8]) -> Result<(), String> {
        let w = Wire {
            src: self.k.remote,
            dst: self.k.local,
            flags,
            seq,
            ack,
            window: 65535,
            payload: payload.to_vec(),
        };
        self.ns.send(&w).map_err(|e| format!("TUN write: {e}"))?;
        self.log.push(w);
        Ok(())
    }

    /// The next segment from the kernel, which must carry exactly `flags`.
    fn expect(&mut self, flags: u8) -> Result<Wire, String> {
        let w = self
            .ns
            .recv_from(self.k.local, self.k.remote, EXPECT_WAIT)
            .map_err(|e| format!("TUN read: {e}"))?
            .ok_or_else(|| format!("the kernel sent nothing (expected {})", names(flags)))?;
        self.log.push(w.clone());
        if w.flags != flags {
            return Err(format!(
                "expected {} from the kernel, got {w}",
                names(flags)
            ));
        }
        self.window = w.window;
        Ok(w)
    }

    fn settle(&self) {
        std::thread::sleep(Duration::from_millis(5));
    }

    /// A passive open completed and accepted; the listener is closed so that the port is CLOSED
    /// when the connection ends, as for the table's representative endpoint.
    fn established(&mut self) -> Result<(), String> {
        self.k.listen().map_err(|e| format!("listen: {e}"))?;
        self.send(SYN, PEER_ISS, 0, &[])?;
        let synack = self.expect(SYN | ACK)?;
        self.kernel_iss = synack.seq;
        self.peer_nxt = PEER_ISS.wrapping_add(1);
        self.send(ACK, self.peer_nxt, synack.seq.wrapping_add(1), &[])?;
        self.kernel_una = synack.seq.wrapping_add(1);
        self.kernel_nxt = self.kernel_una;
        self.settle();
        if !self.k.accept().map_err(|e| format!("accept: {e}"))? {
            return Err("accept found no connection".into());
        }
        self.k.close_listener();
        Ok(())
    }

    /// The kernel's FIN after close() (or shutdown).
    fn kernel_fin(&mut self, close: bool) -> Result<(), String> {
        if close {
            self.k.close();
        } else {
            self.k.shutdown();
        }
        let fin = self.expect(FIN | ACK)?;
        self.kernel_nxt = fin.seq.wrapping_add(1);
        Ok(())
    }

    /// tcpmc's FIN; the kernel acknowledges it.
    fn peer_fin(&mut self, ack: u32) -> Result<(), String> {
        self.send(FIN | ACK, self.peer_nxt, ack, &[])?;
        self.peer_nxt = self.peer_nxt.wrapping_add(1);
        self.expect(ACK).map(|_| ())
    }

    /// Brings the kernel into the state of the row's label.
    fn setup(&mut self, label: &str) -> Result<(), String> {
        match label {
            "CLOSED" => Ok(()),
            "LISTEN" => self.k.listen().map_err(|e| format!("listen: {e}")),
            "SYN-SENT" => {
                self.k.connect().map_err(|e| format!("connect: {e}"))?;
                let syn = self.expect(SYN)?;
                self.kernel_iss = syn.seq;
                self.kernel_una = syn.seq;
                self.kernel_nxt = syn.seq.wrapping_add(1);
                Ok(())
            }
            "SYN-RECEIVED (passive open)" => {
                self.k.listen().map_err(|e| format!("listen: {e}"))?;
                self.send(SYN, PEER_ISS, 0, &[])?;
                let synack = self.expect(SYN | ACK)?;
                self.kernel_iss = synack.seq;
                self.kernel_una = synack.seq;
                self.kernel_nxt = synack.seq.wrapping_add(1);
                self.peer_nxt = PEER_ISS.wrapping_add(1);
                Ok(())
            }
            "SYN-RECEIVED (active open)" => {
                self.setup("SYN-SENT")?;
                // A crossing SYN: the kernel answers a simultaneous open with SYN,ACK.
                self.send(SYN, PEER_ISS, 0, &[])?;
                self.expect(SYN | ACK)?;
                self.peer_nxt = PEER_ISS.wrapping_add(1);
                Ok(())
            }
            "ESTABLISHED" => self.established(),
            "FIN-WAIT-1 (after close)" | "FIN-WAIT-1 (after shutdown)" => {
                self.established()?;
                self.kernel_fin(label.ends_with("(after close)"))
            }
            "FIN-WAIT-2 (after close)" | "FIN-WAIT-2 (after shutdown)" => {
                self.established()?;
                self.kernel_fin(label.ends_with("(after close)"))?;
                self.send(ACK, self.peer_nxt, self.kernel_nxt, &[])?;
                self.kernel_una = self.kernel_nxt;
                self.settle();
                Ok(())
            }
            "CLOSE-WAIT" => {
                self.established()?;
                self.peer_fin(self.kernel_nxt)
            }
            "CLOSING" => {
                self.established()?;
                self.kernel_fin(true)?;
                // Our FIN does not acknowledge the kernel's: a simultaneous close.
                self.peer_fin(self.kernel_una)
            }
            "LAST-ACK" => {
                self.established()?;
                self.peer_fin(self.kernel_nxt)?;
                self.kernel_fin(true)
            }
            "TIME-WAIT" => {
                self.setup("FIN-WAIT-2 (after close)")?;
                self.peer_fin(self.kernel_nxt)
            }
            other => Err(format!("no way to bring the kernel into {other}")),
        }
    }
}

fn names(flags: u8) -> String {
    tcpmc_model::Segment {
        flags,
        ..Default::default()
    }
    .flag_names()
}

/// The state name of a row's `next state` column without its note (`CLOSED (quiet time)`).
fn bare_state(s: &str) -> &str {
    s.split(" (").next().unwrap_or(s)
}

/// Runs the rows `pick` selects (all when `None`) in the calling thread, which must be inside
/// `ns`.
pub fn run(ns: &Namespace, cfg: &Config, pick: Option<&[usize]>, meter: &Meter) -> Vec<Outcome> {
    let all = cases(cfg);
    let chosen: Vec<usize> = match pick {
        Some(p) => p.iter().copied().filter(|&i| i < all.len()).collect(),
        None => (0..all.len()).collect(),
    };
    meter.set_items(0, chosen.len() as u64);
    chosen
        .into_iter()
        .map(|i| {
            let o = run_row(ns, cfg, i, &all[i]);
            meter.item_done();
            o
        })
        .collect()
}

fn run_row(ns: &Namespace, cfg: &Config, i: usize, case: &Case) -> Outcome {
    let r = &case.reaction;
    let mut out = Outcome {
        state: r.state.clone(),
        segment: r.segment.clone(),
        case: r.case.clone(),
        model_reply: r.reply.clone(),
        kernel_reply: String::new(),
        model_next: bare_state(&r.next_state).to_string(),
        kernel_next: String::new(),
        verdict: Verdict::NotRunnable,
        note: String::new(),
        exchange: Vec::new(),
        replay: None,
        cause: None,
    };
    let mut c = Conn::new(ns, i);
    if let Err(e) = c.setup(&r.state) {
        out.note = format!("setup: {e}");
        out.exchange = c.log;
        return out;
    }
    let before = c.log.len();
    let probe = probe_wire(cfg, &c, case);
    if let Err(e) = c.send(probe.flags, probe.seq, probe.ack, &probe.payload) {
        out.note = e;
        return out;
    }
    let replies: Vec<Wire> = match ns.recv_all_from(c.k.local, c.k.remote, QUIET) {
        Ok(v) => v,
        Err(e) => {
            out.note = format!("TUN read: {e}");
            return out;
        }
    };
    // A segment the kernel sent during the setup and sends again is a retransmission, which the
    // model makes on a `tick`, not in reply: Linux rearms its SYN timer to fire at once when
    // SYN-SENT meets an unacceptable ACK ("previous FIN/ACK or RST/ACK might be ignored"). It is
    // a reply only where the model, too, sends it again at once (a request socket's SYN,ACK).
    let sent_before: Vec<(u8, u32)> = c.log[..before]
        .iter()
        .filter(|w| w.src == c.k.local && w.seg_len() > 0)
        .map(|w| (w.flags, w.seq))
        .collect();
    let model_resends = |w: &Wire| case.replies.iter().any(|m| m.flags == w.flags);
    let (replies, retransmitted): (Vec<Wire>, Vec<Wire>) = replies.into_iter().partition(|w| {
        !(w.seg_len() > 0 && sent_before.contains(&(w.flags, w.seq)) && !model_resends(w))
    });
    c.log.extend(replies.iter().cloned());
    let kernel_state = c.k.state();
    out.kernel_reply = if replies.is_empty() {
        "—".into()
    } else {
        replies
            .iter()
            .map(|w| w.flag_names())
            .collect::<Vec<_>>()
            .join(" + ")
    };
    out.kernel_next = kernel_state.rfc_name().to_string();
    let mut why = Vec::new();
    if out.kernel_reply != out.model_reply {
        why.push(format!(
            "reply {} (model {})",
            out.kernel_reply, out.model_reply
        ));
    } else {
        for (k, m) in replies.iter().zip(&case.replies) {
            if let Some(e) = numbers_differ(cfg, &c, case, &probe, m, k) {
                why.push(e);
            }
        }
    }
    if out.kernel_next != out.model_next {
        why.push(format!(
            "next state {} (model {})",
            out.kernel_next, out.model_next
        ));
    }
    if !retransmitted.is_empty() {
        let r: Vec<String> = retransmitted.iter().map(|w| w.flag_names()).collect();
        out.note = format!("kernel retransmitted {} (a tick)", r.join(", "));
        c.log.extend(retransmitted);
    }
    out.verdict = if why.is_empty() {
        Verdict::Agree
    } else {
        Verdict::Differ
    };
    if !why.is_empty() {
        out.note = why.join("; ");
    }
    out.exchange = c.log;
    out
}

/// The two mappings of a row: the kernel's send space, anchored at SND.NXT, and its receive
/// space (the peer's), anchored at RCV.NXT, or at the probe's SEQ where nothing was received
/// yet (CLOSED, LISTEN, SYN-SENT: the row's numbers are "any"). The model's numbers of a row lie
/// within half its space of these anchors.
fn spaces(cfg: &Config, c: &Conn, case: &Case) -> (Space, Space) {
    let e = &case.receiver;
    let send = Space {
        n: cfg.seq_space,
        model_iss: e.snd_nxt,
        real_iss: c.kernel_nxt,
    };
    let unsynchronized = matches!(
        e.state,
        TcpState::Closed | TcpState::Listen | TcpState::SynSent
    );
    let recv = if unsynchronized {
        Space {
            n: cfg.seq_space,
            model_iss: case.probe.seq,
            real_iss: c.peer_nxt,
        }
    } else {
        Space {
            n: cfg.seq_space,
            model_iss: e.rcv_nxt,
            real_iss: c.peer_nxt,
        }
    };
    (send, recv)
}

/// The probe with real numbers: the model's numbers mapped, except positions named after the
/// window, which use the kernel's real window.
fn probe_wire(cfg: &Config, c: &Conn, case: &Case) -> Wire {
    let (send, recv) = spaces(cfg, c, case);
    let p = &case.probe;
    let r = &case.reaction;
    let wnd = u32::from(c.window.max(1));
    let seq = match r.seq.as_str() {
        "RCV.NXT+RCV.WND-1" => c.peer_nxt.wrapping_add(wnd - 1),
        "RCV.NXT+RCV.WND" => c.peer_nxt.wrapping_add(wnd),
        _ => recv.real(p.seq),
    };
    Wire {
        src: c.k.remote,
        dst: c.k.local,
        flags: p.flags,
        seq,
        ack: if p.has(ACK) { send.real(p.ack) } else { 0 },
        window: 65535,
        payload: if p.len > 0 { b"x".to_vec() } else { Vec::new() },
    }
}

/// Holds one kernel reply's numbers against the model's reply, mapped.
fn numbers_differ(
    cfg: &Config,
    c: &Conn,
    case: &Case,
    probe: &Wire,
    model: &tcpmc_model::Segment,
    kernel: &Wire,
) -> Option<String> {
    let (send, recv) = spaces(cfg, c, case);
    // A connection the probe opened has an ISS the kernel chose: any value is right.
    let new_iss =
        matches!(case.receiver.state, TcpState::Listen | TcpState::TimeWait) && model.has(SYN);
    let want_seq = if model.seq == SEQ_ZERO {
        Some(0)
    } else if model.has(RST) && model.seq == case.probe.ack && case.probe.has(ACK) {
        // <SEQ=SEG.ACK>: the probe's own number.
        Some(probe.ack)
    } else if new_iss {
        None
    } else {
        Some(send.real(model.seq))
    };
    let want_ack = if !model.has(ACK) {
        None
    } else if model.has(RST) && !case.probe.has(ACK) {
        // <ACK=SEG.SEQ+SEG.LEN>.
        Some(probe.seq.wrapping_add(probe.seg_len()))
    } else {
        Some(recv.real(model.ack))
    };
    let mut why = Vec::new();
    if let Some(s) = want_seq {
        if s != kernel.seq {
            why.push(format!(
                "{} seq {} (model {s})",
                kernel.flag_names(),
                kernel.seq
            ));
        }
    }
    if let Some(a) = want_ack {
        if a != kernel.ack {
            why.push(format!(
                "{} ack {} (model {a})",
                kernel.flag_names(),
                kernel.ack
            ));
        }
    }
    if why.is_empty() {
        None
    } else {
        Some(why.join(", "))
    }
}
