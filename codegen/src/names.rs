//! Rust names for things in the document, decided in one place.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Names a Rust type from a schema or a composed name (`MessageCreateParams`).
pub fn type_name(raw: &str) -> String {
    let name = camel_words(raw);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("T{name}")
    } else {
        name
    }
}

/// Names an enum variant after a wire value: `end_turn` → `EndTurn`,
/// `claude-opus-4-5-20251101` → `ClaudeOpus4_5_20251101` (an underscore keeps digit groups apart).
pub fn variant_name(value: &str) -> String {
    let name = camel_words(value);
    if name.is_empty() {
        "Empty".to_string()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{name}")
    } else {
        name
    }
}

/// Splits on anything that is not a letter or digit, capitalises each word, and joins them,
/// putting `_` between two words where one ends and the next starts with a digit.
fn camel_words(raw: &str) -> String {
    let mut out = String::new();
    for word in raw
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let camel = if word.chars().all(|c| c.is_ascii_digit()) {
            word.to_string()
        } else {
            word.to_upper_camel_case()
        };
        let joins_digits = out.ends_with(|c: char| c.is_ascii_digit())
            && camel.starts_with(|c: char| c.is_ascii_digit());
        if joins_digits {
            out.push('_');
        }
        out.push_str(&camel);
    }
    out
}

/// Names a field, parameter or method: snake_case, with `[]` and other punctuation dropped.
pub fn field_name(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let snake = cleaned.to_snake_case();
    if snake.is_empty() || snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("f_{snake}")
    } else {
        snake
    }
}

/// True for words that need `r#` to be used as identifiers.
pub fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "as" | "async"
            | "await"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "try"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
    )
}

/// Type names that generated code must not define, because generated modules use these
/// prelude and runtime names unqualified.
pub fn is_reserved_type_name(name: &str) -> bool {
    matches!(
        name,
        "Option" | "Result" | "Vec" | "String" | "Box" | "Some" | "None" | "Ok" | "Err" | "Self"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(variant_name("end_turn"), "EndTurn");
        assert_eq!(
            variant_name("claude-opus-4-5-20251101"),
            "ClaudeOpus4_5_20251101"
        );
        assert_eq!(
            variant_name("claude-3-7-sonnet-latest"),
            "Claude3_7SonnetLatest"
        );
        assert_eq!(variant_name("1h"), "V1h");
        assert_eq!(type_name("URLImageSource"), "UrlImageSource");
        assert_eq!(type_name("ToolBash20250124"), "ToolBash20250124");
        assert_eq!(field_name("group_by[]"), "group_by");
        assert_eq!(field_name("anthropic-beta"), "anthropic_beta");
    }
}
