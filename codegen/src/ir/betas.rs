//! `x-anthropic-beta`: the betas an operation always sends, and the betas a request needs
//! because of what its body holds.
//!
//! On an operation, the extension lists betas sent on every call. On a schema (an object or a
//! union), it lists betas needed by any request whose body contains a value of that schema,
//! however deeply nested: a document block with a `file` source needs the Files beta wherever
//! it appears in the conversation. [`carriers`] finds the types whose values may hold such a
//! schema, so the emitter can give them a walk that collects the betas at run time.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use serde_json::Value;

use super::TypeDef;
use crate::Error;

/// The beta names listed by `x-anthropic-beta` in `ext`, empty when there is none.
pub(crate) fn read(ext: &IndexMap<String, Value>, ptr: &str) -> Result<Vec<String>, Error> {
    let Some(v) = ext.get("x-anthropic-beta") else {
        return Ok(Vec::new());
    };
    v.as_array()
        .and_then(|a| {
            a.iter()
                .map(|b| b.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
        })
        .filter(|betas| !betas.is_empty())
        .ok_or_else(|| {
            Error::new(
                format!("{ptr}/x-anthropic-beta"),
                "must be a non-empty list of strings",
            )
        })
}

/// The names of the types whose values may contain a value of a schema with its own betas
/// (those schemas included, and aliases of such types).
pub(crate) fn carriers(types: &[TypeDef]) -> BTreeSet<String> {
    let refs: BTreeMap<&str, Vec<String>> = types
        .iter()
        .map(|t| (t.name.as_str(), t.references()))
        .collect();
    let mut reaching: BTreeSet<String> = types
        .iter()
        .filter(|t| !t.betas.is_empty())
        .map(|t| t.name.clone())
        .collect();
    // A fixpoint over "mentions a type that reaches": the graph is small (hundreds of types),
    // and recursion (content blocks inside tool results) is handled by iterating.
    loop {
        let before = reaching.len();
        for t in types {
            if !reaching.contains(&t.name)
                && refs[t.name.as_str()].iter().any(|r| reaching.contains(r))
            {
                reaching.insert(t.name.clone());
            }
        }
        if reaching.len() == before {
            break;
        }
    }
    reaching
}
