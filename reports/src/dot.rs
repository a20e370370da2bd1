//! Shared DOT helpers: quoting, HTML-label escaping and the colour of each kind of action.
//!
//! The DOT is written as text, not through graphviz-rust's AST: the text is then exactly what the
//! snapshot tests pin, and attribute order stays stable. Every writer's output is parsed back with
//! `graphviz_rust::parse` in the tests, so the text is checked against the grammar all the same.

use std::fmt::Write;

/// A DOT double-quoted string: `"` and `\` escaped, newlines as `\n` (centred lines).
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text inside an HTML-like label: the XML specials escaped. A raw `>` would also end the label
/// early for graphviz-rust's parser, so escaping is required, not cosmetic.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// `key=value` attributes in the given order, values quoted: ` [a="x" b="y"]`.
pub fn attrs(pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let mut out = String::from(" [");
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write!(out, "{k}={}", quote(v)).ok();
    }
    out.push(']');
    out
}

/// What an action does, from its replay syntax: the key of its colour (TLC's `colorize`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ActionKind {
    /// An application call: connect, listen, send, read, close, shutdown, abort.
    User,
    Deliver,
    Lose,
    Duplicate,
    Tick,
}

impl ActionKind {
    pub const ALL: [ActionKind; 5] = [
        ActionKind::User,
        ActionKind::Deliver,
        ActionKind::Lose,
        ActionKind::Duplicate,
        ActionKind::Tick,
    ];

    /// Classifies an action written in replay syntax (`deliver A->B SYN`, `A close`, `tick`).
    pub fn of(action: &str) -> ActionKind {
        match action.split_whitespace().next().unwrap_or("") {
            "deliver" => ActionKind::Deliver,
            "lose" => ActionKind::Lose,
            "dup" => ActionKind::Duplicate,
            "tick" => ActionKind::Tick,
            _ => ActionKind::User,
        }
    }

    /// One colour per kind, distinguishable in print and for most colour-blind readers.
    pub fn colour(self) -> &'static str {
        match self {
            ActionKind::User => "#1f5fbf",
            ActionKind::Deliver => "#1a7f37",
            ActionKind::Lose => "#cf222e",
            ActionKind::Duplicate => "#bc4c00",
            ActionKind::Tick => "#6e7781",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ActionKind::User => "application call",
            ActionKind::Deliver => "deliver",
            ActionKind::Lose => "lose",
            ActionKind::Duplicate => "duplicate",
            ActionKind::Tick => "tick",
        }
    }
}

/// Colour of a segment of an older incarnation, and of the violating step.
pub const ALARM: &str = "#cf222e";
/// Background of a field that changed in this step.
pub const CHANGED: &str = "#fff3b0";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_quotes_backslashes_and_newlines() {
        assert_eq!(quote("a \"b\" \\ c\nd"), "\"a \\\"b\\\" \\\\ c\\nd\"");
        assert_eq!(
            html("A->B <x> & \"y\""),
            "A-&gt;B &lt;x&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn action_kinds_follow_the_replay_syntax() {
        assert_eq!(ActionKind::of("deliver A->B FIN,ACK"), ActionKind::Deliver);
        assert_eq!(ActionKind::of("lose B->A SYN"), ActionKind::Lose);
        assert_eq!(ActionKind::of("dup A->B ACK #2"), ActionKind::Duplicate);
        assert_eq!(ActionKind::of("tick"), ActionKind::Tick);
        assert_eq!(ActionKind::of("A connect (ISS=0)"), ActionKind::User);
    }

    #[test]
    fn attributes_keep_their_order() {
        assert_eq!(
            attrs(&[("label", "x\"y"), ("color", "red")]),
            " [label=\"x\\\"y\" color=\"red\"]"
        );
    }
}
