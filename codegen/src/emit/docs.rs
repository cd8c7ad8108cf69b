//! Doc comments: from descriptions, made safe for rustdoc, and the module docs of the files of
//! `types/`, which say why each module holds its types.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Client, Ir, Module, Operation};

/// How wide a module doc's lines are, without the `//! ` in front.
const MODULE_DOC_WIDTH: usize = 96;

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

/// The module doc of a file of `types/`: one paragraph for each way its types got there (the
/// spec's `x-group`, the operations of a resource, or nothing reaching them), as
/// [`crate::ir::Module`] records it.
pub fn module_doc(ir: &Ir, module: &Module) -> String {
    let mut paragraphs = Vec::new();
    if !module.marked.is_empty() {
        paragraphs.extend(group_paragraphs(ir, module));
    }
    for client in [Client::Api, Client::Admin] {
        let ops: Vec<&Operation> = module
            .operations
            .iter()
            .map(|&i| &ir.operations[i])
            .filter(|op| op.client == client)
            .collect();
        if !ops.is_empty() {
            paragraphs.push(operations_paragraph(&ops));
        }
    }
    paragraphs.extend(features_paragraph(ir, module));
    if !module.unreached.is_empty() {
        paragraphs.push(wrap(
            "Model types that no `x-group` holds and no operation reaches: the parameters, \
             bodies and responses of the generated methods do not mention them, directly or \
             through other types.",
            "",
            "",
        ));
    }
    paragraphs.join("\n\n")
}

/// Which Cargo features the module, or some of its types, are compiled under.
fn features_paragraph(ir: &Ir, module: &Module) -> Option<String> {
    let names = |features: &[String]| -> String {
        let quoted: Vec<String> = features.iter().map(|f| format!("`{f}`")).collect();
        quoted.join(" or ")
    };
    let whole = super::module_features(ir, module);
    if !whole.is_empty() {
        return Some(wrap(
            &format!("Compiled with the {} feature of the crate.", names(&whole)),
            "",
            "",
        ));
    }
    let mut gated: Vec<&[String]> = ir
        .types
        .iter()
        .filter(|t| t.module == module.name && !t.features.is_empty())
        .map(|t| t.features.as_slice())
        .collect();
    gated.sort();
    gated.dedup();
    if gated.is_empty() {
        return None;
    }
    let each: Vec<String> = gated.iter().map(|f| names(f)).collect();
    Some(wrap(
        &format!(
            "The types that only gated operations use are compiled with those operations' \
             feature ({}).",
            each.join(", ")
        ),
        "",
        "",
    ))
}

/// What an `x-group` module holds: the marked schemas and what they reach, and the group's
/// outermost types (those no other type of the module mentions) with the first sentence of
/// their descriptions.
fn group_paragraphs(ir: &Ir, module: &Module) -> Vec<String> {
    let group = &module.name;
    let marked = match module.marked.len() {
        1 => format!("the schema marked `x-group: {group}`"),
        n => format!("the {n} schemas marked `x-group: {group}`"),
    };
    let mut out = vec![wrap(
        &format!(
            "Model types of the spec's `{group}` group: {marked}, and the unmarked types they \
             reach unless a group marked earlier in the spec reached them first."
        ),
        "",
        "",
    )];
    let members: Vec<_> = ir.types.iter().filter(|t| t.module == *group).collect();
    let outermost: Vec<_> = members
        .iter()
        .filter(|t| module.marked.contains(&t.name))
        .filter(|t| {
            !members
                .iter()
                .any(|other| other.name != t.name && other.references().contains(&t.name))
        })
        .collect();
    if !outermost.is_empty() {
        let mut list =
            String::from("Its outermost types, which no other type of the group mentions:\n");
        for t in outermost {
            let item = match t.doc.as_deref().map(first_sentence) {
                Some(s) if !s.is_empty() => format!("- `{}`: {}", t.name, sanitize(s)),
                _ => format!("- `{}`", t.name),
            };
            list.push('\n');
            list.push_str(&wrap(&item, "", "  "));
        }
        out.push(list);
    }
    out
}

/// What a resource's module holds: the types its operations reach first.
fn operations_paragraph(ops: &[&Operation]) -> String {
    let client = match ops[0].client {
        Client::Api => "`Client`",
        Client::Admin => "`AdminClient`",
    };
    let resource = &ops[0].resource[0];
    let ids: Vec<String> = ops.iter().map(|op| format!("`{}`", op.id)).collect();
    let (operations, reached) = if ops.len() == 1 {
        ("operation", "its parameters, body and response")
    } else {
        ("operations", "their parameters, bodies and responses")
    };
    wrap(
        &format!(
            "Model types first reached by {client}'s `{resource}` {operations} ({}): {reached}, \
             and the types those mention, apart from the types an `x-group` holds and those an \
             operation earlier in the spec reached first.",
            ids.join(", ")
        ),
        "",
        "",
    )
}

/// The first sentence of a description's first line.
fn first_sentence(text: &str) -> &str {
    let line = text.trim().lines().next().unwrap_or_default().trim();
    match line.find(". ") {
        Some(end) => &line[..=end],
        None => line,
    }
}

/// `text` broken into lines of at most [`MODULE_DOC_WIDTH`] characters, the first line
/// starting with `first`, the others with `rest`. A code span is never broken, and a word or
/// span longer than a line stands alone.
fn wrap(text: &str, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(first);
    let mut empty = true;
    for word in unbreakable_words(text) {
        if !empty && line.chars().count() + 1 + word.chars().count() > MODULE_DOC_WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = String::from(rest);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(&word);
        empty = false;
    }
    out.push_str(&line);
    out
}

/// The words of `text`, with a code span that holds spaces kept as one word.
fn unbreakable_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut in_code = false;
    for word in text.split_whitespace() {
        match words.last_mut() {
            Some(last) if in_code => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_string()),
        }
        if word.matches('`').count() % 2 == 1 {
            in_code = !in_code;
        }
    }
    words
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
    use super::{MODULE_DOC_WIDTH, first_sentence, sanitize, wrap};

    #[test]
    fn wraps_between_code_spans_not_inside_them() {
        let text = format!("{} `x-group: content_params` end", "word ".repeat(18));
        let wrapped = wrap(&text, "", "  ");
        assert_eq!(
            wrapped,
            format!(
                "{}\n  `x-group: content_params` end",
                "word ".repeat(18).trim_end()
            )
        );
        assert!(
            wrapped
                .lines()
                .all(|l| l.chars().count() <= MODULE_DOC_WIDTH)
        );
    }

    #[test]
    fn first_sentence_of_the_first_line() {
        assert_eq!(first_sentence("One. Two.\nThree."), "One.");
        assert_eq!(first_sentence("  Only `a.b` here\nmore"), "Only `a.b` here");
    }

    #[test]
    fn escapes_outside_code() {
        assert_eq!(sanitize("a [b] `c[d]` <e>"), "a \\[b\\] `c[d]` &lt;e&gt;");
        assert_eq!(sanitize("see https://x.y/z."), "see <https://x.y/z>.");
    }
}
