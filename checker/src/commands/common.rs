//! What several commands share: choosing properties by name, count flags, `--out` directories.

use crate::input::error::InputError;
use tcpmc_properties::{registry, PropertyDef};

/// The named properties, or `default` when none is named.
pub fn select_properties(
    names: &[String],
    default: impl Fn(&PropertyDef) -> bool,
) -> Result<Vec<&'static PropertyDef>, InputError> {
    if names.is_empty() {
        return Ok(registry().iter().filter(|p| default(p)).collect());
    }
    let mut chosen: Vec<&'static PropertyDef> = Vec::new();
    for name in names {
        let p = tcpmc_properties::find(name).ok_or_else(|| {
            InputError(format!(
                "unknown property '{name}' (tcpmc check --list shows them)"
            ))
        })?;
        if !chosen.iter().any(|c| c.name == p.name) {
            chosen.push(p);
        }
    }
    Ok(chosen)
}

/// A count flag (`--jobs`, `--threads`): at least 1, the number of cores when not given.
pub fn count(flag: &str, requested: Option<usize>) -> Result<usize, InputError> {
    match requested {
        Some(0) => Err(InputError(format!("--{flag} must be at least 1"))),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)),
    }
}

/// `--jobs`: runs at once.
pub fn jobs(requested: Option<usize>) -> Result<usize, InputError> {
    count("jobs", requested)
}
