//! Named variants: the rules of an RFC or an operating system as a set of configuration fields.
//!
//! A *base* variant (`baseline`, `rfc9293`, `linux`, `bsd`) describes a whole stack; a *modifier*
//! (`rfc1337`, `no-time-wait`, `timestamps`, …) changes one behaviour. `--variant A,B` applies at
//! most one base, then the modifiers; two modifiers that set one field to different values are
//! incompatible, and so are two bases. Every command that takes a variant goes through
//! [`crate::input::settings::variant_config`].

use crate::input::error::{edit_distance, excerpt, InputError};
use serde_json::Value;

/// The default configuration's name.
pub const BASELINE: &str = "baseline";

/// Whether a variant describes a whole stack or one behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Base,
    Modifier,
}

/// A named preset.
pub struct Variant {
    pub name: &'static str,
    pub role: Role,
    /// One line: the RFC or OS behaviour it models.
    pub summary: &'static str,
    /// The variant whose fields it starts from (its own fields then override them), so that
    /// two presets of one stack share its rules.
    pub extends: Option<&'static str>,
    /// The fields it sets, as (field, JSON value).
    pub fields: &'static [(&'static str, &'static str)],
}

/// Every variant, in the order `tcpmc variants` lists them.
pub const VARIANTS: &[Variant] = &[
    Variant {
        name: BASELINE,
        role: Role::Base,
        extends: None,
        summary: "RFC 9293 plus the assumptions under which every property holds (README: Assumptions)",
        fields: &[],
    },
    Variant {
        name: "rfc9293",
        role: Role::Base,
        extends: None,
        summary: "RFC 9293 as written: RST honoured in TIME-WAIT, RFC 5961 challenge ACKs, clock ISNs (RFC 6528), a quiet time only after a crash (§3.4.3), no FIN-WAIT-2 timeout",
        fields: &[
            ("rst_in_time_wait", "\"honor\""),
            ("syn_in_time_wait", "\"challenge-ack\""),
            ("isn", "\"forward\""),
            ("quiet_after", "\"crash\""),
            ("fin_wait_2_timeout", "0"),
        ],
    },
    Variant {
        name: "linux",
        role: Role::Base,
        extends: None,
        summary: "Linux 6.x (tcp_input.c, tcp_minisocks.c, tcp_ipv4.c) at 1 tick = 30 s: TIME-WAIT 60 s = 2 ticks, tcp_fin_timeout 60 s = 2 ticks, RTO 1 tick, RST honoured in TIME-WAIT (tcp_rfc1337=0), RST,ACK on abort, timestamps with TIME-WAIT reuse by a SYN, connect() over its own TIME-WAIT, clock ISNs, no quiet time",
        fields: &[
            ("msl", "1"),
            ("time_wait", "2"),
            ("fin_wait_2_timeout", "2"),
            ("rto", "1"),
            ("rst_in_time_wait", "\"honor\""),
            ("time_wait_rules", "\"linux\""),
            ("segment_checks", "\"linux\""),
            ("active_rst", "\"rst-ack\""),
            ("isn", "\"forward\""),
            ("timestamps", "true"),
            ("tw_reuse", "true"),
            ("tw_connect", "true"),
            ("quiet_time", "0"),
        ],
    },
    Variant {
        name: "linux-real",
        role: Role::Base,
        extends: Some("linux"),
        summary: "Linux 6.x with its real timer constants under dense time (1 unit = 200 ms): TIME-WAIT 60 s (TCP_TIMEWAIT_LEN), tcp_fin_timeout 60 s, RTO 200 ms (TCP_RTO_MIN) doubling to 120 s (TCP_RTO_MAX), tcp_orphan_retries 8, tcp_retries2 15, MSL 30 s (the MSL TIME-WAIT's 2·MSL implies), segments live below MSL; the linux rules otherwise",
        fields: &[
            ("time", "\"dense\""),
            ("time_unit_ms", "200"),
            ("msl_bound", "\"open\""),
            ("msl", "150"),
            ("time_wait", "300"),
            ("fin_wait_2_timeout", "300"),
            ("rto", "1"),
            ("backoff", "true"),
            ("rto_max", "600"),
            ("retries", "15"),
            ("orphan_retries", "8"),
        ],
    },
    Variant {
        name: "bsd",
        role: Role::Base,
        extends: None,
        summary: "FreeBSD (tcp_input.c, tcp_timewait.c) at 1 tick = 30 s = its MSL: TIME-WAIT 2·MSL = 2 ticks, FIN-WAIT-2 timeout 60 s, every RST dropped in TIME-WAIT, a SYN beyond the old numbers reopens, RST,ACK on abort, RST for data after close in every state past CLOSE-WAIT, timestamps, clock ISNs, no quiet time",
        fields: &[
            ("msl", "1"),
            ("time_wait", "2"),
            ("fin_wait_2_timeout", "2"),
            ("rto", "1"),
            ("rst_in_time_wait", "\"ignore\""),
            ("time_wait_rules", "\"freebsd\""),
            ("active_rst", "\"rst-ack\""),
            ("data_after_close", "\"reset-after-close\""),
            ("isn", "\"forward\""),
            ("timestamps", "true"),
            ("tw_reuse", "true"),
            ("quiet_time", "0"),
        ],
    },
    Variant {
        name: "rst-seq-zero",
        role: Role::Modifier,
        extends: None,
        summary: "drop the assumption that the SEQ=0 of an RST answering a SYN (RFC 9293 §3.10.7.1) never lands in a window: it may fall anywhere",
        fields: &[("rst_seq_zero", "\"anywhere\"")],
    },
    Variant {
        name: "rfc793",
        role: Role::Modifier,
        extends: None,
        summary: "RFC 793's acceptance, for stacks without RFC 5961: any in-window RST resets, an in-window SYN sends RST and enters CLOSED",
        fields: &[("rst_syn_rules", "\"rfc793\"")],
    },
    Variant {
        name: "rst-ack-abort",
        role: Role::Modifier,
        extends: None,
        summary: "an abortive close sends RST,ACK <SEQ=SND.NXT><ACK=RCV.NXT> (Linux, FreeBSD) instead of RFC 9293's bare RST",
        fields: &[("active_rst", "\"rst-ack\"")],
    },
    Variant {
        name: "rfc1337",
        role: Role::Modifier,
        extends: None,
        summary: "RFC 1337 fix F1: RST segments are ignored in TIME-WAIT",
        fields: &[("rst_in_time_wait", "\"ignore\"")],
    },
    Variant {
        name: "short-time-wait",
        role: Role::Modifier,
        extends: None,
        summary: "TIME-WAIT of N ticks (short-time-wait=N; default 1): below 2·MSL",
        fields: &[("time_wait", "1")],
    },
    Variant {
        name: "no-time-wait",
        role: Role::Modifier,
        extends: None,
        summary: "no TIME-WAIT at all: the active closer goes straight to CLOSED",
        fields: &[("time_wait", "0")],
    },
    Variant {
        name: "linger-zero",
        role: Role::Modifier,
        extends: None,
        summary: "applications close with SO_LINGER 0: close() sends RST, no TIME-WAIT",
        fields: &[("linger_zero", "true")],
    },
    Variant {
        name: "unread-close",
        role: Role::Modifier,
        extends: None,
        summary: "applications never read: closing with received data sends RST and neither side enters TIME-WAIT (RFC 9293 SHLD-3)",
        fields: &[("app_reads", "false")],
    },
    Variant {
        name: "tw-reuse-syn",
        role: Role::Modifier,
        extends: None,
        summary: "RFC 9293 MAY-2: a SYN beyond the old connection's numbers reopens it from TIME-WAIT",
        fields: &[("tw_reuse", "true")],
    },
    Variant {
        name: "timestamps",
        role: Role::Modifier,
        extends: None,
        summary: "RFC 7323 PAWS and RFC 6191 TIME-WAIT reuse (a SYN that may not reopen is dropped), with the timestamp clock abstracted as the connection epoch",
        fields: &[("timestamps", "true")],
    },
    Variant {
        name: "no-quiet-time",
        role: Role::Modifier,
        extends: None,
        summary: "no quiet time after an abnormal end: a new ISS at once",
        fields: &[("quiet_time", "0")],
    },
    Variant {
        name: "no-retry-limit",
        role: Role::Modifier,
        extends: None,
        summary: "retransmit forever (no R2)",
        fields: &[("unlimited_retransmissions", "true")],
    },
    Variant {
        name: "host-crash",
        role: Role::Modifier,
        extends: None,
        summary: "one host may crash and reboot with no memory of its connection (RFC 793 §3.4)",
        fields: &[("host_fault", "\"crash\"")],
    },
    Variant {
        name: "clock-isn",
        role: Role::Modifier,
        extends: None,
        summary: "RFC 793's ISN clock: the next ISS is after the previous one, and a fast connection can outrun it",
        fields: &[("isn", "\"forward\"")],
    },
];

fn find(name: &str) -> Result<&'static Variant, InputError> {
    VARIANTS.iter().find(|v| v.name == name).ok_or_else(|| {
        // A typo's nearest name; beyond 40 characters nothing is near.
        let near = (name.chars().count() <= 40)
            .then(|| {
                VARIANTS
                    .iter()
                    .map(|v| (edit_distance(&name.to_ascii_lowercase(), v.name), v.name))
                    .filter(|(d, _)| *d <= 2)
                    .min_by_key(|(d, _)| *d)
            })
            .flatten()
            .map(|(_, n)| format!("; did you mean '{n}'?"))
            .unwrap_or_default();
        InputError(format!(
            "unknown variant '{}'{near} (tcpmc variants lists them)",
            excerpt(name)
        ))
    })
}

/// A user's text cut to a readable length for an error line.
fn short(text: &str) -> String {
    excerpt(text)
}

/// The field settings of a comma-separated variant list, checked for compatibility. Errors are
/// one line, with the user's names cut short.
pub fn variant_fields(spec: &str) -> Result<Vec<(String, Value)>, InputError> {
    fields_of(spec).map_err(|e| InputError::bounded(e.0))
}

fn fields_of(spec: &str) -> Result<Vec<(String, Value)>, InputError> {
    let mut base: Option<&str> = None;
    let mut base_fields: Vec<(String, Value)> = Vec::new();
    let mut modifiers: Vec<(String, Value, &str)> = Vec::new();
    if spec.trim().is_empty() {
        return Err(InputError(
            "the variant list is empty (tcpmc variants lists them)".into(),
        ));
    }
    let mut seen: Vec<&str> = Vec::new();
    for part in spec.split(',').map(str::trim) {
        if part.is_empty() {
            return Err(InputError(format!(
                "an empty variant name in '{}' (names are separated by single commas)",
                short(spec)
            )));
        }
        let bare = part.split_once('=').map_or(part, |(n, _)| n.trim());
        if seen.contains(&bare) {
            return Err(InputError(format!("variant '{bare}' is given twice")));
        }
        seen.push(bare);
        let (name, arg) = match part.split_once('=') {
            Some((n, a)) => (n.trim(), Some(a.trim())),
            None => (part, None),
        };
        let v = find(name)?;
        let parent = match v.extends {
            Some(p) => find(p)?.fields,
            None => &[],
        };
        let mut fields: Vec<(String, Value)> = parent
            .iter()
            .chain(v.fields)
            .map(|(f, j)| {
                (
                    f.to_string(),
                    serde_json::from_str(j).unwrap_or(Value::Null),
                )
            })
            .collect();
        match (name, arg) {
            ("short-time-wait", Some(n)) => {
                let ticks: u8 = n.parse().map_err(|_| {
                    InputError(format!(
                        "variant short-time-wait={n}: N must be a number of ticks"
                    ))
                })?;
                fields = vec![("time_wait".into(), Value::from(ticks))];
            }
            (_, Some(_)) => {
                return Err(InputError(format!("variant {name} takes no argument")));
            }
            _ => {}
        }
        match v.role {
            Role::Base => {
                if let Some(other) = base {
                    if other != v.name {
                        return Err(InputError(format!(
                            "variants {other} and {} are incompatible: both describe a whole stack",
                            v.name
                        )));
                    }
                }
                base = Some(v.name);
                base_fields = fields;
            }
            Role::Modifier => {
                for (f, val) in fields {
                    if let Some((_, old, by)) = modifiers.iter().find(|(g, _, _)| *g == f) {
                        if *old != val {
                            return Err(InputError(format!(
                                "variants {by} and {} are incompatible: they set {f} to {old} and {val}",
                                v.name
                            )));
                        }
                        continue;
                    }
                    modifiers.push((f, val, v.name));
                }
            }
        }
    }
    let mut out = base_fields;
    for (f, val, _) in modifiers {
        out.retain(|(g, _)| *g != f);
        out.push((f, val));
    }
    Ok(out)
}
