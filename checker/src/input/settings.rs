//! Builds the configuration of a command: defaults, then a configuration file (TOML or JSON), then
//! named variants, then field flags. Every failure is one line naming what is wrong.

use crate::input::error::{edit_distance, excerpt, InputError};
use crate::input::variant::variant_fields;
use serde_json::{Map, Value};
use std::path::Path;
use tcpmc_model::Config;

/// Reads a configuration file; the format follows the extension (`.toml` or `.json`).
pub fn load_file(path: &Path) -> Result<Config, InputError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::bounded(format!("cannot read config file {shown}: {e}")))?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    parse_config(&text, ext, &shown)
}

/// Parses a configuration's text, `format` `toml` or `json`; errors read `FILE:LINE: message`
/// (`shown` names the file), one line.
pub fn parse_config(text: &str, format: &str, shown: &str) -> Result<Config, InputError> {
    let at = |line: Option<usize>, msg: &str| {
        let msg = explain_serde(msg);
        InputError::bounded(match line {
            Some(l) => format!("{shown}:{l}: {msg}"),
            None => format!("config file {shown}: {msg}"),
        })
    };
    match format {
        "toml" => toml::from_str::<Config>(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            at(line, e.message().trim())
        }),
        "json" => {
            // serde_json appends " at line L column C" to its messages: the line goes first.
            let json_at = |e: serde_json::Error| {
                let full = e.to_string();
                let suffix = format!(" at line {} column {}", e.line(), e.column());
                let msg = full.strip_suffix(&suffix).unwrap_or(&full);
                at((e.line() > 0).then_some(e.line()), msg)
            };
            // Only an object is a configuration (serde would take an array as positional fields).
            let v: Value = serde_json::from_str(text).map_err(json_at)?;
            if !v.is_object() {
                return Err(at(None, "a configuration is a JSON object of fields"));
            }
            serde_json::from_str::<Config>(text).map_err(|e| {
                // A JSON file is often one line: name the key whose value is wrong.
                let key = v.as_object().and_then(|o| {
                    o.iter()
                        .find(|(k, val)| {
                            let one =
                                Value::Object(Map::from_iter([((*k).clone(), (*val).clone())]));
                            serde_json::from_value::<Config>(one).is_err()
                        })
                        .map(|(k, _)| k.clone())
                });
                match key {
                    Some(k) if !e.to_string().starts_with("unknown field") => {
                        let e = json_at(e);
                        let (head, msg) = e.0.split_once(": ").unwrap_or(("", &e.0));
                        InputError::bounded(format!("{head}: `{}`: {msg}", excerpt(&k)))
                    }
                    _ => json_at(e),
                }
            })
        }
        _ => Err(InputError::bounded(format!(
            "config file {shown}: unknown format '{format}' (use a .toml or .json file)"
        ))),
    }
}

/// The configuration fields, in order (the keys of a config file, `config` lines and flags).
pub fn field_names() -> Vec<String> {
    match serde_json::to_value(Config::default()) {
        Ok(Value::Object(m)) => m.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The error of an unknown key: the nearest field by edit distance, not the list of all 38.
pub fn unknown_key(key: &str) -> String {
    let hint = match nearest_field(key) {
        Some(f) => format!("; did you mean `{f}`?"),
        None => String::new(),
    };
    format!(
        "unknown key `{}`{hint} (tcpmc check --help lists them)",
        excerpt(key)
    )
}

/// The field nearest to `key` (case, `-` and `_` aside), if it is near enough to be a typo.
pub fn nearest_field(key: &str) -> Option<String> {
    // Beyond this length no field is within reach, and the distance would cost time.
    if key.chars().count() > 40 {
        return None;
    }
    let norm = key.to_ascii_lowercase().replace('-', "_");
    let reach = (norm.chars().count() / 3).clamp(1, 3);
    field_names()
        .into_iter()
        .map(|f| (edit_distance(&norm, &f), f))
        .filter(|(d, _)| *d <= reach)
        .min_by_key(|(d, _)| *d)
        .map(|(_, f)| f)
}

/// serde's "unknown field `k`, expected one of <all 38>" as [`unknown_key`]; other messages
/// unchanged.
fn explain_serde(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let end = rest
            .rfind("`, expected")
            .or_else(|| rest.rfind("`, there are no fields"));
        if let Some(end) = end {
            return unknown_key(&rest[..end]);
        }
    }
    msg.to_string()
}

/// Sets the given fields (snake_case name, JSON value) on top of `base`, then validates.
pub fn apply(base: Config, overrides: &[(&str, Value)]) -> Result<Config, InputError> {
    let cfg = merge(base, overrides)?;
    cfg.validate()
        .map_err(|e| InputError(format!("{} (flag --{})", e, e.field.replace('_', "-"))))?;
    Ok(cfg)
}

/// Sets the given fields on top of `base` without validating the result: for inputs that set
/// fields one at a time (scenario files), where only the final combination must be valid.
/// Errors name an unknown field or a value of the wrong type.
pub fn merge(base: Config, overrides: &[(&str, Value)]) -> Result<Config, InputError> {
    let mut v = serde_json::to_value(&base).map_err(|e| InputError(e.to_string()))?;
    let obj: &mut Map<String, Value> = v
        .as_object_mut()
        .ok_or_else(|| InputError("configuration is not an object".into()))?;
    for (k, val) in overrides {
        obj.insert((*k).to_string(), val.clone());
    }
    let cfg: Config = serde_json::from_value(v)
        .map_err(|e| InputError::bounded(explain_serde(&e.to_string())))?;
    Ok(Config {
        mutation: base.mutation,
        first_isn_any: base.first_isn_any,
        unsorted_network: base.unsorted_network,
        ..cfg
    })
}

/// The configuration of a command: the defaults or `file`, then the `variant` list, then the
/// field flags.
pub fn build(
    file: Option<&Path>,
    variant: Option<&str>,
    overrides: &[(&str, Value)],
) -> Result<Config, InputError> {
    let mut cfg = match file {
        Some(path) => load_file(path)?,
        None => Config::default(),
    };
    if let Some(spec) = variant {
        cfg = apply_variants(cfg, spec)?;
    }
    apply(cfg, overrides)
}

/// `cfg`, or the one-line refusal of a command that explores ticks only when `cfg` asks for
/// dense time (`time = dense`, set by `--time dense` or a variant such as `linux-real`).
pub fn ticks_only(cfg: Config) -> Result<Config, InputError> {
    if cfg.time == tcpmc_model::Time::Dense {
        return Err(InputError(
            "this command explores ticks only, and the configuration says time = dense: use tcpmc check (or set time = ticks)"
                .into(),
        ));
    }
    Ok(cfg)
}

/// The configuration a variant list stands for, on top of `base`.
pub fn apply_variants(base: Config, spec: &str) -> Result<Config, InputError> {
    let fields = variant_fields(spec)?;
    let refs: Vec<(&str, Value)> = fields
        .iter()
        .map(|(f, v)| (f.as_str(), v.clone()))
        .collect();
    apply(base, &refs)
}

/// The configuration a variant list stands for, on top of the defaults.
pub fn variant_config(spec: &str) -> Result<Config, InputError> {
    apply_variants(Config::default(), spec)
}

/// The flags that reproduce `cfg` from the defaults, in field order.
pub fn flags_from_default(cfg: &Config) -> Vec<String> {
    let d = serde_json::to_value(Config::default()).unwrap_or(Value::Null);
    let c = serde_json::to_value(cfg).unwrap_or(Value::Null);
    let mut out = Vec::new();
    if let (Some(d), Some(c)) = (d.as_object(), c.as_object()) {
        for (k, v) in c {
            if d.get(k) != Some(v) && !v.is_null() {
                let shown = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                out.push(format!("--{} {}", k.replace('_', "-"), shown));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::variant::VARIANTS;
    use tcpmc_model::config::RstInTimeWait;

    #[test]
    fn overrides_are_validated_with_the_flag_name() {
        let e = apply(Config::default(), &[("msl", Value::from(0))]).unwrap_err();
        assert_eq!(
            e.0,
            "invalid configuration: msl = 0: must be in 1..=8 (flag --msl)"
        );
    }

    #[test]
    fn flags_reproduce_a_config() {
        let cfg = apply(
            Config::default(),
            &[("time_wait", Value::from(0)), ("isn", Value::from("any"))],
        )
        .unwrap();
        assert_eq!(flags_from_default(&cfg), vec!["--time-wait 0", "--isn any"]);
    }

    // The variant lists (`variant.rs`) as configurations.

    #[test]
    fn a_base_and_modifiers_combine() {
        let c = variant_config("linux,rfc1337").unwrap();
        assert_eq!(
            (c.msl, c.time_wait, c.rst_in_time_wait),
            (1, Some(2), RstInTimeWait::Ignore)
        );
    }

    #[test]
    fn incompatible_variants_are_refused() {
        let e = variant_config("rfc9293,linux").unwrap_err();
        assert_eq!(
            e.0,
            "variants rfc9293 and linux are incompatible: both describe a whole stack"
        );
        let e = variant_config("no-time-wait,short-time-wait").unwrap_err();
        assert_eq!(
            e.0,
            "variants no-time-wait and short-time-wait are incompatible: they set time_wait to 0 and 1"
        );
        assert!(variant_config("nope")
            .unwrap_err()
            .0
            .contains("unknown variant 'nope'"));
    }

    #[test]
    fn short_time_wait_takes_its_length() {
        assert_eq!(
            variant_config("short-time-wait=3").unwrap().time_wait,
            Some(3)
        );
        assert!(variant_config("no-time-wait=3").is_err());
    }

    #[test]
    fn every_variant_alone_is_a_valid_configuration() {
        for v in VARIANTS {
            assert!(variant_config(v.name).is_ok(), "{}", v.name);
        }
    }
}
