//! The one error type of bad input (a line on stderr, exit status 2): the bottom of `input/`,
//! so that every input module can fail without depending on another.

/// A bad input: printed as one line, exit status 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// Longest quoted token an error repeats: a 1 MB token must not become 1 MB of stderr.
pub const MAX_TOKEN: usize = 40;

/// Longest unquoted word an error repeats (paths are unquoted, and longer than tokens).
pub const MAX_WORD: usize = 200;

/// Longest error line; [`one_line`] guarantees it whatever the message holds.
pub const MAX_LINE: usize = 600;

impl InputError {
    /// An error whose text may repeat user input: made one line of bounded length.
    pub fn bounded(msg: impl std::fmt::Display) -> InputError {
        InputError(one_line(&msg.to_string()))
    }
}

/// `text` cut to [`MAX_TOKEN`] characters, with "…" where it was cut.
pub fn excerpt(text: &str) -> String {
    cut(text, MAX_TOKEN)
}

fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// A message as one line: line breaks become "; ", other control characters escapes (`\r`),
/// quoted tokens ('…', `…`, "…") longer than
/// [`MAX_TOKEN`] and words longer than [`MAX_WORD`] are cut, and the whole to [`MAX_LINE`].
pub fn one_line(msg: &str) -> String {
    let joined: Vec<&str> = msg
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    // Control characters (a carriage return, an escape sequence) are shown, not obeyed.
    let joined: String = joined
        .join("; ")
        .chars()
        .flat_map(|c| {
            let shown: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            shown
        })
        .collect();
    let chars: Vec<char> = joined.chars().collect();
    let mut out = String::new();
    // Quote characters with no closing one after some position: later searches would fail too
    // (so a line of many openers stays linear).
    let mut unclosed: Vec<char> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let opens = matches!(c, '\'' | '`' | '"')
            && !unclosed.contains(&c)
            && (i == 0 || matches!(chars[i - 1], ' ' | '(' | '=' | ':' | '['));
        if opens {
            // The closing quote: the same character followed by the end, a blank or punctuation.
            let close = (i + 1..chars.len()).find(|&j| {
                chars[j] == c
                    && chars
                        .get(j + 1)
                        .is_none_or(|n| n.is_whitespace() || ",.;:)]".contains(*n))
            });
            if let Some(j) = close {
                let inner: String = chars[i + 1..j].iter().collect();
                out.push(c);
                out.push_str(&excerpt(&inner));
                out.push(c);
                i = j + 1;
                continue;
            }
            unclosed.push(c);
        }
        if !c.is_whitespace() && (i == 0 || chars[i - 1].is_whitespace()) {
            let end = (i..chars.len())
                .find(|&j| chars[j].is_whitespace())
                .unwrap_or(chars.len());
            if end - i > MAX_WORD {
                let word: String = chars[i..end].iter().collect();
                out.push_str(&cut(&word, MAX_WORD));
                i = end;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    cut(&out, MAX_LINE)
}

/// Edit distance (insertions, deletions, substitutions and swaps of two neighbours, each 1):
/// how near a misspelt name is to a known one, for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // d[i][j]: distance between a[..i] and b[..j], three rows kept.
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            row[j] = sub.min(prev[j] + 1).min(row[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, row);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_tokens_are_cut_and_lines_joined() {
        let long = "x".repeat(1_000_000);
        let e = one_line(&format!("line 1: unknown step '{long}'"));
        assert_eq!(e, format!("line 1: unknown step '{}…'", "x".repeat(40)));
        assert_eq!(
            one_line("invalid string\nexpected `\"`, `'`\n"),
            "invalid string; expected `\"`, `'`"
        );
        // Apostrophes inside words are not quotes.
        let s = "the peer's FIN can't be 'here'";
        assert_eq!(one_line(s), s);
        assert!(one_line(&long).chars().count() <= MAX_LINE + 1);
        assert_eq!(excerpt("short"), "short");
        assert_eq!(
            one_line("unknown variant 'mi\r9\u{1b}[2J'"),
            "unknown variant 'mi\\r9\\u{1b}[2J'"
        );
        assert_eq!(edit_distance("msll", "msl"), 1);
        assert_eq!(edit_distance("retires", "retries"), 1);
        assert_eq!(edit_distance("mls", "msl"), 1);
        assert_eq!(edit_distance("", "rto"), 3);
        assert_eq!(edit_distance("window", "window"), 0);
    }
}
