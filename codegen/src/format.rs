//! Tokens → formatted source text.

use proc_macro2::TokenStream;

use crate::Error;

/// Formats a file's tokens with `prettyplease`, preceded by the generated-file header and a
/// module doc comment.
pub fn format_file(path: &str, module_doc: &str, tokens: TokenStream) -> Result<String, Error> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| {
        Error::new(
            format!("generated/src/{path}"),
            format!("the generator produced invalid Rust: {e}"),
        )
    })?;
    let mut out = String::new();
    out.push_str(crate::HEADER);
    out.push('\n');
    for line in module_doc.lines() {
        if line.is_empty() {
            out.push_str("//!\n");
        } else {
            out.push_str("//! ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push('\n');
    out.push_str(&space_items(&prettyplease::unparse(&file)));
    Ok(out)
}

/// Puts a blank line between top-level items, which `prettyplease` runs together.
fn space_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    let mut prev: Option<&str> = None;
    for line in text.lines() {
        let starts_item = !line.is_empty() && !line.starts_with([' ', '}', ')', ']']);
        let prev_ends_item =
            prev.is_some_and(|p| p == "}" || (!p.starts_with(' ') && p.ends_with(';')));
        if starts_item && prev_ends_item {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        prev = Some(line);
    }
    out
}
