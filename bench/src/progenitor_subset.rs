//! The largest part of our spec that progenitor's generator reads, so that the two generators
//! (and the two generated crates) can be compared on the same input.
//!
//! Progenitor fails a whole document when one operation has a construct it does not handle
//! (an error, or a panic such as `todo!`). [`progenitor_subset`] finds which operations those
//! are and removes them, deterministically:
//!
//! 1. the whole document is tried; if progenitor generates it, nothing is dropped;
//! 2. otherwise each operation is tried alone (the other operations removed, and the component
//!    schemas it does not reach removed so that the try is quick), and the ones that fail are
//!    dropped with progenitor's message;
//! 3. if the remaining operations still fail together, they are added back one at a time in
//!    document order, each kept only if the document built so far still generates.
//!
//! Before that, one construct that progenitor accepts but turns into code that does not compile
//! is rewritten ([`rewrite_for_progenitor`]): a header parameter whose schema is an array (our
//! `anthropic-beta`, `style: simple`) becomes a `string` parameter, which is the same
//! comma-separated header on the wire. Progenitor emits `value.to_string()` for it, and
//! `Vec<String>` has no `to_string`.
//!
//! Component schemas are never removed: both generators see all ~300 of them, so the
//! comparison covers the same types and only differs in the dropped operations.

use std::panic::{self, AssertUnwindSafe};

use openapiv3::{OpenAPI, Operation, PathItem, ReferenceOr};

/// One operation of the document, named the way the report prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationRef {
    /// The HTTP method in lower case, as `openapiv3` spells it (`get`, `post`, ...).
    pub method: &'static str,
    /// The path template, e.g. `/v1/files/{file_id}`.
    pub path: String,
    /// The `operationId`, or an empty string when the operation has none.
    pub operation_id: String,
}

impl std::fmt::Display for OperationRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} ({})",
            self.method.to_uppercase(),
            self.path,
            self.operation_id
        )
    }
}

/// An operation left out of the subset, with the reason progenitor gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dropped {
    /// Which operation.
    pub operation: OperationRef,
    /// Progenitor's error message, or `panic: <message>` when it panicked.
    pub reason: String,
}

/// The result of [`progenitor_subset`].
#[derive(Clone, Debug)]
pub struct Subset {
    /// The document with the dropped operations removed (and paths left without operations
    /// removed); progenitor generates it.
    pub spec: OpenAPI,
    /// The operations kept, in document order.
    pub kept: Vec<OperationRef>,
    /// The operations dropped, in document order.
    pub dropped: Vec<Dropped>,
    /// The constructs rewritten before the search, one line each (see
    /// [`rewrite_for_progenitor`]).
    pub rewritten: Vec<String>,
}

/// Every operation of `spec`, in document order. Paths given as `$ref` are skipped (our spec
/// has none).
pub fn operations(spec: &OpenAPI) -> Vec<OperationRef> {
    spec.paths
        .iter()
        .filter_map(|(path, item)| item.as_item().map(|item| (path, item)))
        .flat_map(|(path, item)| {
            METHODS.iter().filter_map(move |&method| {
                slot(item, method).as_ref().map(|op| OperationRef {
                    method,
                    path: path.clone(),
                    operation_id: op.operation_id.clone().unwrap_or_default(),
                })
            })
        })
        .collect()
}

/// Runs progenitor's generator (default settings: positional interface, merged tags) on
/// `spec` and returns its token stream, or its error message. A panic inside progenitor is
/// caught and returned as `panic: <message>`.
pub fn progenitor_tokens(spec: &OpenAPI) -> Result<proc_macro2::TokenStream, String> {
    let run = || {
        let mut generator =
            progenitor_impl::Generator::new(&progenitor_impl::GenerationSettings::default());
        generator.generate_tokens(spec).map_err(|e| e.to_string())
    };
    match panic::catch_unwind(AssertUnwindSafe(run)) {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "(no message)".into());
            Err(format!("panic: {message}"))
        }
    }
}

/// What a user of progenitor outside a proc macro does: generate the tokens, parse them as a
/// file with `syn` and print them with `prettyplease`. Returns the source text.
pub fn progenitor_source(spec: &OpenAPI) -> Result<String, String> {
    let tokens = progenitor_tokens(spec)?;
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("syn: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// Finds the largest subset of `spec`'s operations that progenitor generates; see the module
/// documentation for the procedure. Panic messages from progenitor are kept out of stderr
/// while it runs.
pub fn progenitor_subset(spec: &OpenAPI) -> Subset {
    let (spec, rewritten) = rewrite_for_progenitor(spec);
    let all = operations(&spec);
    let quiet = QuietPanics::new();
    let mut subset = if progenitor_tokens(&spec).is_ok() {
        Subset {
            spec: spec.clone(),
            kept: all,
            dropped: Vec::new(),
            rewritten: Vec::new(),
        }
    } else {
        shrink(&spec, all)
    };
    drop(quiet);
    subset.rewritten = rewritten;
    subset
}

/// Rewrites the constructs that progenitor reads but generates uncompilable code for: header
/// parameters with an inline array schema become `string` parameters (the comma-separated
/// value, as `style: simple` sends it). Returns the new document and one line per rewrite.
pub fn rewrite_for_progenitor(spec: &OpenAPI) -> (OpenAPI, Vec<String>) {
    let mut out = spec.clone();
    let mut notes = Vec::new();
    if let Some(components) = out.components.as_mut() {
        for (name, parameter) in components.parameters.iter_mut() {
            if let ReferenceOr::Item(parameter) = parameter
                && header_array_to_string(parameter)
            {
                notes.push(format!(
                    "#/components/parameters/{name} (header `{}`): array of strings -> string",
                    parameter.parameter_data_ref().name
                ));
            }
        }
    }
    for (path, item) in out.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let PathItem {
            get,
            put,
            post,
            delete,
            options,
            head,
            patch,
            trace,
            parameters,
            ..
        } = item;
        let ops = [get, put, post, delete, options, head, patch, trace];
        let inline = parameters.iter_mut().chain(
            ops.into_iter()
                .flat_map(|op| op.iter_mut())
                .flat_map(|op| op.parameters.iter_mut()),
        );
        for parameter in inline {
            if let ReferenceOr::Item(parameter) = parameter
                && header_array_to_string(parameter)
            {
                notes.push(format!(
                    "{path}: header `{}`: array of strings -> string",
                    parameter.parameter_data_ref().name
                ));
            }
        }
    }
    (out, notes)
}

/// Turns a header parameter with an inline array schema into a string one; true if it did.
fn header_array_to_string(parameter: &mut openapiv3::Parameter) -> bool {
    let openapiv3::Parameter::Header { parameter_data, .. } = parameter else {
        return false;
    };
    let openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) =
        &mut parameter_data.format
    else {
        return false;
    };
    if !matches!(
        schema.schema_kind,
        openapiv3::SchemaKind::Type(openapiv3::Type::Array(_))
    ) {
        return false;
    }
    schema.schema_kind = openapiv3::SchemaKind::Type(openapiv3::Type::String(Default::default()));
    true
}

fn shrink(spec: &OpenAPI, all: Vec<OperationRef>) -> Subset {
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    for op in all {
        let alone = prune_schemas(&restrict(spec, std::slice::from_ref(&op)));
        match progenitor_tokens(&alone) {
            Ok(_) => kept.push(op),
            Err(reason) => dropped.push(Dropped {
                operation: op,
                reason,
            }),
        }
    }
    if progenitor_tokens(&restrict(spec, &kept)).is_err() {
        // Operations that generate alone but not together: add them back one at a time.
        let mut together: Vec<OperationRef> = Vec::new();
        for op in kept {
            together.push(op);
            if let Err(reason) = progenitor_tokens(&restrict(spec, &together)) {
                let op = together.pop().expect("just pushed");
                dropped.push(Dropped {
                    operation: op,
                    reason: format!("fails together with the operations before it: {reason}"),
                });
            }
        }
        kept = together;
    }
    let order = operations(spec);
    dropped.sort_by_key(|d| order.iter().position(|o| *o == d.operation));
    Subset {
        spec: restrict(spec, &kept),
        kept,
        dropped,
        rewritten: Vec::new(),
    }
}

/// A copy of `spec` with only the operations in `keep`; paths left without any operation are
/// removed. Everything else (components, servers, security) is kept as it is.
pub fn restrict(spec: &OpenAPI, keep: &[OperationRef]) -> OpenAPI {
    let mut out = spec.clone();
    out.paths.paths.retain(|path, item| {
        let ReferenceOr::Item(item) = item else {
            return true;
        };
        for &method in METHODS {
            let wanted = keep.iter().any(|k| k.method == method && k.path == *path);
            let op = slot_mut(item, method);
            if !wanted {
                *op = None;
            }
        }
        METHODS.iter().any(|&m| slot(item, m).is_some())
    });
    out
}

/// A copy of `spec` without the component schemas that neither the operations nor the other
/// components (parameters, responses, ...) reach through `$ref`.
fn prune_schemas(spec: &OpenAPI) -> OpenAPI {
    const PREFIX: &str = "#/components/schemas/";
    let mut out = spec.clone();
    let Some(components) = out.components.as_mut() else {
        return out;
    };
    let mut roots = serde_json::to_value(&spec.paths).expect("paths serialize");
    let mut others = serde_json::to_value(&*components).expect("components serialize");
    if let Some(object) = others.as_object_mut() {
        object.remove("schemas");
    }
    roots = serde_json::Value::Array(vec![roots, others]);
    let mut reached = std::collections::BTreeSet::new();
    let mut pending = vec![roots];
    while let Some(value) = pending.pop() {
        let mut refs = Vec::new();
        collect_refs(&value, &mut refs);
        for name in refs.iter().filter_map(|r| r.strip_prefix(PREFIX)) {
            if reached.insert(name.to_string())
                && let Some(schema) = components.schemas.get(name)
            {
                pending.push(serde_json::to_value(schema).expect("schema serializes"));
            }
        }
    }
    components.schemas.retain(|name, _| reached.contains(name));
    out
}

fn collect_refs<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match value {
        serde_json::Value::Object(object) => {
            for (key, value) in object {
                match (key.as_str(), value) {
                    ("$ref", serde_json::Value::String(target)) => out.push(target),
                    _ => collect_refs(value, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn slot<'a>(item: &'a PathItem, method: &str) -> &'a Option<Operation> {
    match method {
        "get" => &item.get,
        "put" => &item.put,
        "post" => &item.post,
        "delete" => &item.delete,
        "options" => &item.options,
        "head" => &item.head,
        "patch" => &item.patch,
        "trace" => &item.trace,
        other => unreachable!("not an HTTP method: {other}"),
    }
}

fn slot_mut<'a>(item: &'a mut PathItem, method: &str) -> &'a mut Option<Operation> {
    match method {
        "get" => &mut item.get,
        "put" => &mut item.put,
        "post" => &mut item.post,
        "delete" => &mut item.delete,
        "options" => &mut item.options,
        "head" => &mut item.head,
        "patch" => &mut item.patch,
        "trace" => &mut item.trace,
        other => unreachable!("not an HTTP method: {other}"),
    }
}

/// Replaces the panic hook with a silent one while alive; puts the previous hook back on drop.
struct QuietPanics {
    previous: Option<PanicHook>,
}

type PanicHook = Box<dyn Fn(&panic::PanicHookInfo<'_>) + Sync + Send + 'static>;

impl QuietPanics {
    fn new() -> Self {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(|_| {}));
        QuietPanics {
            previous: Some(previous),
        }
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            panic::set_hook(previous);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> OpenAPI {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/anthropic.yaml");
        let text = std::fs::read_to_string(path).expect("spec");
        codegen::parse_spec(&text, "spec/anthropic.yaml").expect("parses")
    }

    #[test]
    fn subset_generates_with_both_generators() {
        let spec = spec();
        let subset = progenitor_subset(&spec);
        assert_eq!(
            subset.kept.len() + subset.dropped.len(),
            operations(&spec).len()
        );
        assert_eq!(operations(&subset.spec), subset.kept);
        progenitor_source(&subset.spec).expect("progenitor generates the subset");
        codegen::generate(&subset.spec).expect("codegen generates the subset");
    }
}
