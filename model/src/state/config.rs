//! Every parameter of a check, in one serde struct.
//!
//! The defaults are the *baseline*: RFC 9293's rules plus the assumptions under which tcpmc shows
//! the safety properties hold (README.md, "Assumptions"). Each assumption is a separate knob so that
//! the checker can show what dropping it costs (docs/model.md, "Assumptions").

use crate::state::endpoint::Side;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Largest number of segments the network array can hold (`max_in_flight` ≤ this).
pub const MAX_NET: usize = 6;
/// Largest number of connection ids (incarnations); ghost bit masks are `u8`.
pub const MAX_INCARNATIONS: u8 = 7;

/// What an endpoint in TIME-WAIT does with a valid RST.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RstInTimeWait {
    /// RFC 9293 §3.10.7.4: enter CLOSED (TIME-WAIT assassination is possible).
    Honor,
    /// RFC 1337 fix F1: ignore RST segments in TIME-WAIT.
    Ignore,
}

/// Where the SEQ=0 of an RST answering a segment without ACK (RFC 9293 §3.10.7.1) may fall.
/// The model rotates each side's sequence space so that its first ISS is 0, which hides where
/// absolute 0 lies; this knob says what may be assumed about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RstSeqZero {
    /// Assumption: absolute 0 never lies in a window such an RST meets, so it is always dropped
    /// there (like `ahead` ISNs, an idealization of a 2^32 space).
    OutsideWindows,
    /// No assumption: absolute 0 may lie anywhere; the first receiver that reads it chooses
    /// where (exact for any first ISS, and costs about 10× the states).
    Anywhere,
}

/// What an application's abortive close puts on the wire (abort, SO_LINGER {1,0}, close with
/// unread data): the references differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActiveRst {
    /// RFC 9293 §3.10.5 as written: <SEQ=SND.NXT><CTL=RST>.
    Rst,
    /// Linux (`tcp_send_active_reset`) and FreeBSD (`tcp_drop` → `tcp_output`):
    /// <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>.
    RstAck,
}

/// How segments are processed in TIME-WAIT where RFC 9293, Linux and FreeBSD differ (a SYN that
/// may reopen, an RST that is not exactly RCV.NXT).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimeWaitRules {
    /// RFC 9293 §3.10.7.4 with MAY-2: an in-window RST that is not exact draws a challenge ACK; a
    /// SYN that does not reopen is ACKed (dropped with timestamps, RFC 6191 §2); a SYN that turns
    /// out to be an old duplicate returns the connection to TIME-WAIT.
    Rfc9293,
    /// Linux `tcp_timewait_state_process`: an RST that is not exact is dropped silently; a SYN
    /// that does not reopen, or finds no listener, is ACKed with the old numbers.
    Linux,
    /// FreeBSD `tcp_twcheck`: every RST is dropped; a SYN without ACK that does not reopen is
    /// dropped silently; a SYN that reopens but finds no listener closes TIME-WAIT and is answered
    /// with RST from CLOSED.
    Freebsd,
}

/// Which states answer new data with RST once the application has called close() (RFC 9293
/// §3.6.1 SHLD-3, second half; RFC 2525 §2.17).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataAfterClose {
    /// FIN-WAIT-1 and FIN-WAIT-2 (RFC 9293; Linux `tcp_rcv_state_process`). In CLOSING, LAST-ACK
    /// and TIME-WAIT the peer's FIN was received, so text is ignored (RFC 9293 §3.10.7.4 seventh).
    ResetInFinWait,
    /// Every state after CLOSE-WAIT (FreeBSD `tcp_input`: "new data ... after the user processes
    /// are gone").
    ResetAfterClose,
}

/// How an arriving segment is first checked where Linux departs from RFC 9293's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SegmentChecks {
    /// RFC 9293 §3.10.7.4: the four-case acceptability test first.
    Rfc9293,
    /// Linux (`tcp_rcv_state_process`, `tcp_sequence`, `tcp_reset_check`): a segment without
    /// ACK, RST or SYN is dropped first; a segment is acceptable when it ends at or after
    /// RCV.NXT and starts at or before RCV.NXT+RCV.WND; after the peer's FIN an RST at
    /// RCV.NXT−1 resets.
    Linux,
}

/// How RST and SYN segments inside the window are validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RstSynRules {
    /// RFC 9293 §3.10.7.4 with RFC 5961: an RST resets only at exactly RCV.NXT, otherwise a
    /// challenge ACK; a SYN in a synchronized state draws a challenge ACK.
    Rfc5961,
    /// RFC 793 p. 70–71: any in-window RST resets; an in-window SYN sends a reset and enters CLOSED.
    Rfc793,
}

/// After which events an endpoint keeps the quiet time before it chooses an ISS again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuietAfter {
    /// Every abnormal end (reset, give-up, abort) and a crash: the baseline's assumption.
    AbnormalEnd,
    /// Only a crash that loses sequence memory (RFC 9293 §3.4.3).
    Crash,
}

/// How a new incarnation's initial sequence number relates to the endpoint's previous one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IsnPolicy {
    /// Any value of the sequence space (a random ISN with no per-4-tuple order).
    Any,
    /// Strictly after the previous ISS, possibly inside the range the previous incarnation used
    /// (RFC 793's clock / RFC 6528 when a fast connection outruns the clock).
    Forward,
    /// Beyond every number the previous incarnation used.
    Ahead,
}

/// What an endpoint in TIME-WAIT does with an in-window SYN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SynInTimeWait {
    /// RFC 9293 §3.10.7.4 (RFC 5961 §4): send a challenge ACK and stay.
    ChallengeAck,
    /// RFC 793 p. 71: an in-window SYN is an error: send a reset and enter CLOSED.
    Reset,
}

/// What happens to a segment sent while the network already holds `max_in_flight` segments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NetworkFull {
    /// The state is outside the bound: not explored, counted as "cut", verdicts say "within bounds".
    Cut,
    /// The segment is lost (a router drop).
    Drop,
}

/// A host fault that may happen once per run, to either host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostFault {
    None,
    /// The host goes down for good: it stops answering (segments to it vanish, its timers stop).
    Down,
    /// The host crashes and reboots with no memory of the connection (RFC 793 §3.4 half-open).
    Crash,
}

/// Which time the model is checked in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Time {
    /// Whole ticks (docs/model.md, "Time"): the reference, and what every command but
    /// `tcpmc check --time dense` explores.
    #[default]
    Ticks,
    /// Dense time: zones over the timers and segment ages (`crate::dense`). Its constants may be
    /// large (up to [`DENSE_MAX_CONST`]): they cost about what small ones cost.
    Dense,
}

/// How long a segment may live, under dense time (the tick model always has `a ≤ MSL − 1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MslBound {
    /// Delivered at an age of at most MSL − 1: the tick model's digitisation, so both semantics
    /// give the same verdicts on closed configurations (README, "Dense time").
    #[default]
    Closed,
    /// Delivered at an age below MSL, any real number: RFC 9293's "lives at most MSL".
    Open,
}

/// The largest time constant (MSL, TIME-WAIT, RTO, …) under dense time: zone bounds are stored
/// as `i16` (`crate::dense::semantics::PackedZone`).
pub const DENSE_MAX_CONST: u16 = 10_000;

/// Deliberate bugs, used only by tests that prove a property can fail. Never set by the CLI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mutation {
    #[default]
    None,
    /// LAST-ACK never retransmits its FIN (a retransmission-timer bug): a lost FIN deadlocks.
    NoRetransmitInLastAck,
    /// An established endpoint accepts any data segment, ignoring the window (no sequence check).
    AcceptAnyData,
    /// SYN-SENT accepts any SYN+ACK, ignoring whether it acknowledges our SYN.
    SynSentAcceptsAnyAck,
}

/// Every parameter of a check.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields, default)]
pub struct Config {
    /// Ticks (`time = ticks`) or dense time (`time = dense`).
    pub time: Time,
    /// What one unit of time is, in milliseconds, for showing times in seconds (0: a tick has no
    /// unit). Every time field below counts these units.
    pub time_unit_ms: u16,
    /// Under dense time, whether a segment lives below MSL (open) or at most MSL − 1 (closed).
    pub msl_bound: MslBound,
    /// Maximum segment lifetime in ticks: a segment whose age reaches `msl` is gone.
    pub msl: u16,
    /// TIME-WAIT length in ticks (RFC 9293 MUST-13: 2·MSL). `None` means 2·msl.
    pub time_wait: Option<u16>,
    /// Number of values in the modular sequence space.
    pub seq_space: u8,
    /// The fixed receive window RCV.WND.
    pub window: u8,
    /// Bound on segments in flight at once.
    pub max_in_flight: u8,
    /// Connections (ghost ids) that may be opened on the 4-tuple in one run.
    pub incarnations: u8,
    /// One-byte data segments A may send per connection.
    pub data_a: u8,
    /// One-byte data segments B may send per connection.
    pub data_b: u8,
    /// Retransmissions of one segment before the connection is given up (R2; Linux
    /// tcp_retries2, tcp_syn_retries).
    pub retries: u8,
    /// Retransmissions of an orphaned endpoint's segments (the application closed it) before it
    /// gives up: Linux tcp_orphan_retries. `None`: `retries`.
    pub orphan_retries: Option<u8>,
    /// Retransmission timeout in ticks.
    pub rto: u16,
    /// RFC 6298 §5.5: each retransmission doubles the RTO (Linux `inet_csk_rto_backoff`), up to
    /// `rto_max`; an ACK of new data resets it.
    pub backoff: bool,
    /// The largest backed-off RTO (Linux TCP_RTO_MAX, 120 s); 0: no cap.
    pub rto_max: u16,
    /// Retransmit forever: no R2 limit (the retry counter is not kept).
    pub unlimited_retransmissions: bool,
    /// Ticks an orphaned FIN-WAIT-2 waits for the peer's FIN (Linux tcp_fin_timeout); 0 = forever.
    pub fin_wait_2_timeout: u16,
    /// A host fault that may happen once per run.
    pub host_fault: HostFault,
    /// The network may lose segments.
    pub loss: bool,
    /// The network may duplicate segments.
    pub duplication: bool,
    /// Ticks an endpoint waits after an abnormal end before it picks a new ISS. `None`: 2·msl.
    pub quiet_time: Option<u16>,
    /// Ticks the passive closer waits after LAST-ACK before it picks a new ISS (0: none). TIME-WAIT
    /// protects only the endpoint that holds it; this protects the other one (docs/model.md,
    /// "Assumptions").
    pub passive_close_wait: u16,
    pub rst_in_time_wait: RstInTimeWait,
    pub rst_seq_zero: RstSeqZero,
    /// What an abortive close sends (stack rule).
    pub active_rst: ActiveRst,
    /// TIME-WAIT segment processing (stack rule).
    pub time_wait_rules: TimeWaitRules,
    /// Where new data after close() draws RST (stack rule).
    pub data_after_close: DataAfterClose,
    /// The first checks of an arriving segment (stack rule).
    pub segment_checks: SegmentChecks,
    /// RFC 5961 or RFC 793 acceptance of in-window RST and SYN.
    pub rst_syn_rules: RstSynRules,
    /// When the quiet time applies.
    pub quiet_after: QuietAfter,
    /// Linux: connect() may take the 4-tuple of a connection in TIME-WAIT (`tcp_twsk_unique`), with
    /// an ISS beyond the old connection's numbers.
    pub tw_connect: bool,
    pub isn: IsnPolicy,
    /// How many ISS values `forward` and `ahead` may choose beyond the previous range.
    pub isn_choices: u8,
    pub syn_in_time_wait: SynInTimeWait,
    pub network_full: NetworkFull,
    /// The application may abort (SO_LINGER 0: RST, no TIME-WAIT).
    pub abort: bool,
    /// The application may half-close with shutdown(SHUT_WR).
    pub shutdown: bool,
    /// Applications close with SO_LINGER 0: close() aborts (RST, no TIME-WAIT).
    pub linger_zero: bool,
    /// Applications read what they receive; false: they never read, so closing with received
    /// data sends RST (RFC 9293 SHLD-3).
    pub app_reads: bool,
    /// RFC 9293 MAY-2: a SYN beyond the old connection's sequence numbers reopens from TIME-WAIT.
    pub tw_reuse: bool,
    /// RFC 7323 timestamps: PAWS drops old non-RST segments, and (RFC 6191) a SYN with a newer
    /// timestamp reopens from TIME-WAIT. The timestamp clock is abstracted as the epoch of the
    /// connection whose numbers a segment carries: clocks advance between incarnations.
    pub timestamps: bool,
    /// A may open passively (listen).
    pub a_listens: bool,
    /// B may open actively (connect).
    pub b_connects: bool,
    #[serde(skip)]
    pub mutation: Mutation,
    /// Benchmarks and tests only: an endpoint's first ISS may be any value, not just 0 (lifts
    /// the sequence-space rotation symmetry, to show it changes no verdict). Never set by the CLI.
    #[serde(skip)]
    pub first_isn_any: bool,
    /// Benchmarks and tests only: keep segments in flight in send order instead of the canonical
    /// sorted order (lifts the network's multiset symmetry). Never set by the CLI.
    #[serde(skip)]
    pub unsorted_network: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            time: Time::Ticks,
            time_unit_ms: 0,
            msl_bound: MslBound::Closed,
            msl: 1,
            time_wait: None,
            seq_space: 8,
            window: 2,
            max_in_flight: 3,
            incarnations: 2,
            data_a: 1,
            data_b: 1,
            retries: 1,
            orphan_retries: None,
            rto: 1,
            backoff: false,
            rto_max: 0,
            unlimited_retransmissions: false,
            fin_wait_2_timeout: 2,
            host_fault: HostFault::None,
            loss: true,
            duplication: false,
            quiet_time: None,
            passive_close_wait: 0,
            rst_in_time_wait: RstInTimeWait::Ignore,
            rst_seq_zero: RstSeqZero::OutsideWindows,
            active_rst: ActiveRst::Rst,
            time_wait_rules: TimeWaitRules::Rfc9293,
            data_after_close: DataAfterClose::ResetInFinWait,
            segment_checks: SegmentChecks::Rfc9293,
            rst_syn_rules: RstSynRules::Rfc5961,
            quiet_after: QuietAfter::AbnormalEnd,
            tw_connect: false,
            isn: IsnPolicy::Ahead,
            isn_choices: 1,
            syn_in_time_wait: SynInTimeWait::ChallengeAck,
            network_full: NetworkFull::Cut,
            abort: true,
            shutdown: false,
            linger_zero: false,
            app_reads: true,
            tw_reuse: false,
            timestamps: false,
            a_listens: true,
            b_connects: true,
            mutation: Mutation::None,
            first_isn_any: false,
            unsorted_network: false,
        }
    }
}

/// A configuration value outside its allowed range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration: {field} = {value}: {allowed}")]
pub struct ConfigError {
    pub field: &'static str,
    pub value: String,
    pub allowed: String,
}

fn check<T: Copy + PartialOrd + fmt::Display>(
    field: &'static str,
    value: T,
    lo: T,
    hi: T,
) -> Result<(), ConfigError> {
    if value < lo || value > hi {
        return Err(ConfigError {
            field,
            value: value.to_string(),
            allowed: format!("must be in {lo}..={hi}"),
        });
    }
    Ok(())
}

impl Config {
    /// TIME-WAIT length in ticks after defaults are applied.
    pub fn time_wait_ticks(&self) -> u16 {
        self.time_wait.unwrap_or(self.msl.saturating_mul(2))
    }

    /// Quiet time in ticks after defaults are applied.
    pub fn quiet_ticks(&self) -> u16 {
        self.quiet_time.unwrap_or(self.msl.saturating_mul(2))
    }

    /// The retransmission timeout after `retries` retransmissions: `rto`, or with `backoff`
    /// `rto · 2^retries` capped at `rto_max` (RFC 6298 §5.5).
    pub fn rto_after(&self, retries: u8) -> u16 {
        if !self.backoff {
            return self.rto;
        }
        let doubled = (self.rto as u32) << retries.min(16);
        let capped = if self.rto_max > 0 {
            doubled.min(self.rto_max as u32)
        } else {
            doubled
        };
        capped.min(u16::MAX as u32) as u16
    }

    /// Retransmissions an endpoint makes before it gives up: `orphan_retries` once its
    /// application has closed it (Linux `tcp_orphan_retries` for a `SOCK_DEAD` socket), else
    /// `retries`.
    pub fn retry_limit(&self, orphaned: bool) -> u8 {
        match self.orphan_retries {
            Some(r) if orphaned => r,
            _ => self.retries,
        }
    }

    /// Data segments the endpoint on `side` may send per connection.
    pub fn data_limit(&self, side: Side) -> u8 {
        match side {
            Side::A => self.data_a,
            Side::B => self.data_b,
        }
    }

    /// Checks every field against its allowed range; the error names the first bad field.
    pub fn validate(&self) -> Result<(), ConfigError> {
        // Tick ranges keep the tick state space and its `u8` counters small; dense time's
        // constants cost about what small ones cost, up to the zone's storage.
        let dense = self.time == Time::Dense;
        let (msl_max, time_max, rto_max, retries_max) = if dense {
            (DENSE_MAX_CONST, DENSE_MAX_CONST, DENSE_MAX_CONST, 15)
        } else {
            (8, 32, 16, 8)
        };
        if !dense && self.msl_bound == MslBound::Open {
            return Err(ConfigError {
                field: "msl_bound",
                value: "open".into(),
                allowed: "needs time = dense (the tick model is the closed bound's digitisation)"
                    .into(),
            });
        }
        check("msl", self.msl, 1, msl_max)?;
        check("time_wait", self.time_wait_ticks(), 0, time_max)?;
        check("seq_space", self.seq_space, 4, 64)?;
        check("window", self.window, 1, self.seq_space / 2)?;
        check("max_in_flight", self.max_in_flight, 1, MAX_NET as u8)?;
        check("incarnations", self.incarnations, 1, MAX_INCARNATIONS)?;
        check("data_a", self.data_a, 0, 3)?;
        check("data_b", self.data_b, 0, 3)?;
        check("retries", self.retries, 0, retries_max)?;
        check(
            "orphan_retries",
            self.orphan_retries.unwrap_or(0),
            0,
            retries_max,
        )?;
        check("rto", self.rto, 1, rto_max)?;
        check("rto_max", self.rto_max, 0, time_max)?;
        if self.rto_max > 0 {
            check("rto_max", self.rto_max, self.rto, time_max)?;
        }
        check("quiet_time", self.quiet_ticks(), 0, time_max)?;
        check("fin_wait_2_timeout", self.fin_wait_2_timeout, 0, time_max)?;
        check("passive_close_wait", self.passive_close_wait, 0, time_max)?;
        if !dense && (self.backoff || self.rto_max > 0) {
            // A backed-off timer must still fit the tick model's counter.
            let top = self.rto_after(self.retries.max(self.orphan_retries.unwrap_or(0)));
            check("rto", top, 1, 32).map_err(|e| ConfigError {
                allowed: format!(
                    "the backed-off RTO reaches {top} ticks; under time = ticks it must stay within 1..=32"
                ),
                ..e
            })?;
        }
        check("isn_choices", self.isn_choices, 1, self.seq_space / 2)?;
        if !self.b_connects && self.a_listens {
            return Err(ConfigError {
                field: "b_connects",
                value: "false".into(),
                allowed: "with a_listens = true, B must be able to connect (else no one opens)"
                    .into(),
            });
        }
        Ok(())
    }
}

impl fmt::Display for RstInTimeWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RstInTimeWait::Honor => "honor",
            RstInTimeWait::Ignore => "ignore",
        })
    }
}

impl fmt::Display for RstSeqZero {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RstSeqZero::OutsideWindows => "outside-windows",
            RstSeqZero::Anywhere => "anywhere",
        })
    }
}

macro_rules! display_kebab {
    ($t:ty, $($v:ident => $s:literal),*) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(match self { $(<$t>::$v => $s),* })
            }
        }
    };
}

display_kebab!(ActiveRst, Rst => "rst", RstAck => "rst-ack");
display_kebab!(TimeWaitRules, Rfc9293 => "rfc9293", Linux => "linux", Freebsd => "freebsd");
display_kebab!(DataAfterClose, ResetInFinWait => "reset-in-fin-wait", ResetAfterClose => "reset-after-close");
display_kebab!(RstSynRules, Rfc5961 => "rfc5961", Rfc793 => "rfc793");
display_kebab!(SegmentChecks, Rfc9293 => "rfc9293", Linux => "linux");
display_kebab!(QuietAfter, AbnormalEnd => "abnormal-end", Crash => "crash");

impl fmt::Display for IsnPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IsnPolicy::Any => "any",
            IsnPolicy::Forward => "forward",
            IsnPolicy::Ahead => "ahead",
        })
    }
}

impl fmt::Display for SynInTimeWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SynInTimeWait::ChallengeAck => "challenge-ack",
            SynInTimeWait::Reset => "reset",
        })
    }
}

display_kebab!(Time, Ticks => "ticks", Dense => "dense");
display_kebab!(MslBound, Closed => "closed", Open => "open");

impl fmt::Display for HostFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HostFault::None => "none",
            HostFault::Down => "down",
            HostFault::Crash => "crash",
        })
    }
}

impl fmt::Display for NetworkFull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NetworkFull::Cut => "cut",
            NetworkFull::Drop => "drop",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_valid() {
        assert_eq!(Config::default().validate(), Ok(()));
        assert_eq!(Config::default().time_wait_ticks(), 2);
    }

    #[test]
    fn msl_zero_is_rejected_with_field_and_range() {
        let c = Config {
            msl: 0,
            ..Config::default()
        };
        let e = c.validate().unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid configuration: msl = 0: must be in 1..=8"
        );
    }

    #[test]
    fn window_larger_than_half_the_space_is_rejected() {
        let c = Config {
            seq_space: 8,
            window: 5,
            ..Config::default()
        };
        assert_eq!(c.validate().unwrap_err().field, "window");
    }
}
