//! Named variants: a configuration under a name, selectable with `variant NAME` in a scenario and
//! `tcpmc table --variant NAME`.
//!
//! Only the baseline exists so far; later variants (other stacks' rules) plug in here, and every
//! command that takes a variant name goes through [`variant_config`].

use crate::settings::InputError;
use tcpmc_model::Config;

/// The default configuration's name.
pub const BASELINE: &str = "baseline";

/// The configuration a variant name stands for.
pub fn variant_config(name: &str) -> Result<Config, InputError> {
    match name {
        BASELINE => Ok(Config::default()),
        _ => Err(InputError(format!(
            "unknown variant '{name}' (no variants exist yet)"
        ))),
    }
}
