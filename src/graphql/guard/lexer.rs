//! A cheap look at the query text before it is parsed.
//!
//! The parser is recursive and its cost grows with the number of tokens, so both are bounded
//! here in one linear pass over the bytes: the number of significant tokens, and how deeply
//! `{`, `[` and `(` nest. The pass only needs to tell tokens apart, not to check the grammar;
//! anything it does not understand is left to the parser, which reports it properly.

/// What the scan found; see [`scan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TextShape {
    /// Significant tokens: names, numbers, strings and punctuators (commas are insignificant in
    /// GraphQL and not counted).
    pub tokens: usize,
    /// Deepest nesting of `{`, `[` and `(` together.
    pub nesting: usize,
}

/// Counts tokens and nesting of a GraphQL document, stopping early once either passes its
/// bound (the caller refuses the document then, so exact figures beyond the bounds are moot).
pub fn scan(text: &str, max_tokens: usize, max_nesting: usize) -> TextShape {
    let bytes = text.as_bytes();
    let mut shape = TextShape::default();
    let mut depth = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        if shape.tokens > max_tokens || shape.nesting > max_nesting {
            break;
        }
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => i += 1,
            b'#' => i = skip_comment(bytes, i),
            b'"' => {
                i = skip_string(bytes, i);
                shape.tokens += 1;
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                shape.nesting = shape.nesting.max(depth);
                shape.tokens += 1;
                i += 1;
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                shape.tokens += 1;
                i += 1;
            }
            b'.' if bytes[i..].starts_with(b"...") => {
                shape.tokens += 1;
                i += 3;
            }
            b if is_word_byte(b) => {
                while i < bytes.len() && is_word_byte(bytes[i]) {
                    i += 1;
                }
                shape.tokens += 1;
            }
            // Punctuators and any other ASCII byte: one token each.
            _ => {
                shape.tokens += 1;
                i += 1;
            }
        }
    }
    shape
}

/// Letters, digits, `_` and the signs of numbers, and (so that text outside strings is not
/// counted byte by byte) every non-ASCII byte: enough to count a name or an integer as one
/// token. A fraction counts as three, which only makes the count an upper bound.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'+' || !b.is_ascii()
}

fn skip_comment(bytes: &[u8], start: usize) -> usize {
    bytes[start..].iter().position(|&b| b == b'\n' || b == b'\r').map_or(bytes.len(), |n| start + n)
}

/// Index just past the string that starts at `start` (a `"…"` string with escapes, or a
/// `"""…"""` block string); the end of the text when it is not terminated.
fn skip_string(bytes: &[u8], start: usize) -> usize {
    if bytes[start..].starts_with(b"\"\"\"") {
        let mut i = start + 3;
        while i < bytes.len() {
            if bytes[i..].starts_with(b"\\\"\"\"") {
                i += 4;
            } else if bytes[i..].starts_with(b"\"\"\"") {
                return i + 3;
            } else {
                i += 1;
            }
        }
        return bytes.len();
    }
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'\n' | b'\r' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(text: &str) -> TextShape {
        scan(text, usize::MAX, usize::MAX)
    }

    #[test]
    fn counts_names_punctuators_and_strings() {
        // { gemeente ( code : "GM0363" ) { naam } }
        assert_eq!(shape(r#"{ gemeente(code: "GM0363") { naam } }"#), TextShape { tokens: 11, nesting: 2 });
    }

    #[test]
    fn ignores_commas_comments_and_string_contents() {
        let text = "# a { comment [ (\n{ a, b, c(x: \"{{{ [[[ \\\" (((\") d(y: \"\"\"\n{ \\\"\"\" }\n\"\"\") }";
        assert_eq!(shape(text), TextShape { tokens: 16, nesting: 2 });
    }

    #[test]
    fn counts_spreads_and_numbers_as_one_token() {
        assert_eq!(shape("{ ...F a(first: -1) }").tokens, 10);
    }

    #[test]
    fn measures_nesting_of_lists_and_arguments_too() {
        assert_eq!(shape("{ a(x: [[[1]]]) }").nesting, 5);
    }

    #[test]
    fn stops_early_past_the_bounds() {
        let text = "{".repeat(1_000_000);
        let found = scan(&text, 100, 10);
        assert_eq!(found.nesting, 11);
        assert!(found.tokens <= 12);
    }

    #[test]
    fn survives_unterminated_strings_and_odd_bytes() {
        assert_eq!(shape("{ a(x: \"open").tokens, 6);
        assert_eq!(shape("\u{feff}{ é }").tokens, 4);
        assert_eq!(shape("\"\"\"never closed").tokens, 1);
    }
}
