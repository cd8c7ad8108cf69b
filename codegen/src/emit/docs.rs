//! Doc comments from descriptions, made safe for rustdoc.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = …]` attributes for `text`, one per line.
pub fn doc_attrs(text: &str) -> TokenStream {
    let mut out = TokenStream::new();
    for line in sanitize(text).lines() {
        let line = format!(" {}", line.trim_end());
        out.extend(quote!(#[doc = #line]));
    }
    out
}

/// The description, or a fallback when there is none.
pub fn doc_or(doc: Option<&str>, fallback: impl FnOnce() -> String) -> TokenStream {
    match doc {
        Some(d) if !d.trim().is_empty() => doc_attrs(d),
        _ => doc_attrs(&fallback()),
    }
}

/// Escapes what rustdoc would read as links or HTML outside code spans, and wraps bare URLs.
fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(part);
            continue;
        }
        let mut words = String::new();
        for (j, word) in part.split(' ').enumerate() {
            if j > 0 {
                words.push(' ');
            }
            if word.starts_with("http://") || word.starts_with("https://") {
                let trimmed = word.trim_end_matches(['.', ',', ';', ')']);
                words.push('<');
                words.push_str(trimmed);
                words.push('>');
                words.push_str(&word[trimmed.len()..]);
            } else {
                for c in word.chars() {
                    match c {
                        '[' => words.push_str("\\["),
                        ']' => words.push_str("\\]"),
                        '<' => words.push_str("&lt;"),
                        '>' => words.push_str("&gt;"),
                        c => words.push(c),
                    }
                }
            }
        }
        out.push_str(&words);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn escapes_outside_code() {
        assert_eq!(sanitize("a [b] `c[d]` <e>"), "a \\[b\\] `c[d]` &lt;e&gt;");
        assert_eq!(sanitize("see https://x.y/z."), "see <https://x.y/z>.");
    }
}
