//! The limits of a search (`--max-states`, `--max-memory`), how memory is measured, and what a
//! search reports when it stops at one ([`Stop`]).

use std::io::Read;

/// When a search must stop. `None` is no limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// Unique states: the search stops once it holds this many.
    pub max_states: Option<u64>,
    /// Bytes of memory in use (resident set plus what a pending allocation would add).
    pub max_memory: Option<u64>,
}

impl Limits {
    pub const NONE: Limits = Limits {
        max_states: None,
        max_memory: None,
    };

    /// The limits of `--max-states` and `--max-memory`, the memory limit defaulting to a safe
    /// share of what the machine has available ([`default_max_memory`]).
    pub fn from_flags(max_states: Option<u64>, max_memory: Option<u64>) -> Limits {
        Limits {
            max_states,
            max_memory: max_memory.or_else(default_max_memory),
        }
    }
}

/// Why a search stopped before it was complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// `--max-states` reached.
    States { limit: u64 },
    /// `--max-memory` reached: `in_use` bytes resident, `wanted` more about to be allocated.
    Memory {
        limit: u64,
        in_use: u64,
        wanted: u64,
    },
    /// The system refused an allocation of `bytes` below the limit (no abort: the search stops).
    Refused { bytes: u64 },
}

impl Stop {
    /// The flag that set the limit, as the report names it.
    pub fn flag(&self) -> &'static str {
        match self {
            Stop::States { .. } => "--max-states",
            Stop::Memory { .. } | Stop::Refused { .. } => "--max-memory",
        }
    }

    /// One sentence: which limit, and what happened.
    pub fn describe(&self) -> String {
        match *self {
            Stop::States { limit } => format!("--max-states {limit} reached"),
            Stop::Memory {
                limit,
                in_use,
                wanted,
            } => {
                if wanted > 0 {
                    format!(
                        "--max-memory {} reached ({} in use, {} more needed)",
                        show_bytes(limit),
                        show_bytes(in_use),
                        show_bytes(wanted)
                    )
                } else {
                    format!(
                        "--max-memory {} reached ({} in use)",
                        show_bytes(limit),
                        show_bytes(in_use)
                    )
                }
            }
            Stop::Refused { bytes } => format!(
                "memory exhausted: the system refused {} (lower --max-memory to stop sooner)",
                show_bytes(bytes)
            ),
        }
    }
}

/// Parses a size: a number, optionally with a fraction, and a unit. K, M, G, T and KiB, MiB,
/// GiB, TiB are powers of 1024 (as `sort -S` reads them); KB, MB, GB, TB powers of 1000; B or
/// none is bytes. Case does not matter.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = (&t[..split], t[split..].trim());
    let bad = || {
        format!("'{text}' is not a size (examples: 512M, 4G, 1.5GiB, 800MB; K/M/G/T are powers of 1024)")
    };
    if number.is_empty() || number.matches('.').count() > 1 {
        return Err(bad());
    }
    let value: f64 = number.parse().map_err(|_| bad())?;
    let scale: f64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kib" => 1024.0,
        "m" | "mib" => 1024.0 * 1024.0,
        "g" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tib" => 1024.0f64.powi(4),
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "tb" => 1e12,
        _ => return Err(bad()),
    };
    let bytes = value * scale;
    if !bytes.is_finite() || bytes < 1.0 || bytes > u64::MAX as f64 / 2.0 {
        return Err(format!("'{text}' is not a size of at least one byte"));
    }
    Ok(bytes.round() as u64)
}

/// Bytes for people: `512.0 MiB`, `1.50 GiB`.
pub fn show_bytes(b: u64) -> String {
    const KIB: f64 = 1024.0;
    let x = b as f64;
    if x >= KIB * KIB * KIB {
        format!("{:.2} GiB", x / (KIB * KIB * KIB))
    } else if x >= KIB * KIB {
        format!("{:.1} MiB", x / (KIB * KIB))
    } else if x >= KIB {
        format!("{:.1} KiB", x / KIB)
    } else {
        format!("{b} B")
    }
}

/// This process's resident set size, from `/proc/self/statm` (one small read: cheap enough to
/// call once per batch of states). `None` where there is no procfs.
pub fn resident_bytes() -> Option<u64> {
    let mut buf = [0u8; 128];
    let n = std::fs::File::open("/proc/self/statm")
        .and_then(|mut f| f.read(&mut buf))
        .ok()?;
    let text = std::str::from_utf8(&buf[..n]).ok()?;
    let pages: u64 = text.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * page_size())
}

fn page_size() -> u64 {
    #[cfg(unix)]
    {
        // SAFETY: sysconf has no preconditions.
        let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        if p > 0 {
            return p as u64;
        }
    }
    4096
}

/// `MemAvailable` of `/proc/meminfo`: what the kernel says can be allocated without swapping.
pub fn memory_available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Share of the available memory a search may use when `--max-memory` is not given: leaves the
/// rest to the system and to other programs, so the search stops before the system refuses it.
pub const DEFAULT_MEMORY_SHARE: f64 = 0.8;

/// The default `--max-memory`: [`DEFAULT_MEMORY_SHARE`] of `MemAvailable` now, plus what this
/// process already holds. `None` (no limit) where the kernel does not say.
pub fn default_max_memory() -> Option<u64> {
    let available = memory_available()?;
    Some((available as f64 * DEFAULT_MEMORY_SHARE) as u64 + resident_bytes().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("4G"), Ok(4 << 30));
        assert_eq!(parse_size("4g"), Ok(4 << 30));
        assert_eq!(parse_size("1.5GiB"), Ok(3 << 29));
        assert_eq!(parse_size("800MB"), Ok(800_000_000));
        assert_eq!(parse_size("123"), Ok(123));
        assert_eq!(parse_size("64 MiB"), Ok(64 << 20));
        for bad in [
            "", "G", "12X", "-1G", "1.2.3G", "0", "0.1", "1e9", "4GG", "nanG",
        ] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn memory_readings() {
        if cfg!(target_os = "linux") {
            assert!(resident_bytes().is_some_and(|b| b > 0));
            assert!(memory_available().is_some_and(|b| b > 0));
        }
    }
}
