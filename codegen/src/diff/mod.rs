//! What changed between two versions of the spec, in terms of the generated crate, and which of
//! those changes break its users.
//!
//! The comparison works on the generator's intermediate representation ([`crate::ir::Ir`]),
//! not on the YAML: a reordered or re-described document compares equal, and every change is
//! named by what a user of the generated crate sees (a Rust type, field, variant, method
//! argument). [`compare`] is a pure function of the two IRs; `cargo xtask diff` only reads the
//! files, builds their IRs and prints the [`Report`].
//!
//! The work is split by idea: `operations` compares two versions of one operation, `types`
//! two versions of one type, `sides` finds whether a type is built by users (request side) or
//! only read (response side), `words` spells types and properties the way the report shows
//! them, and `report` holds the result and its text form.
//!
//! # What is compared
//!
//! - **Operations**, matched by client and `operationId`: HTTP method, path, path parameters,
//!   the parameter struct (query and header parameters, multipart fields), the body type, the
//!   response (JSON / server-sent events / JSON lines / bytes), pagination, the stream flag,
//!   fixed betas and the non-streaming guard.
//! - **Types**, matched by Rust name: struct fields (matched by wire name: type, required,
//!   nullable, default) and constant properties, tagged-union variants (matched by tag value),
//!   untagged-union variants (matched by variant name), enum values, alias targets. The parameter
//!   structs of operations are reported under their operation, not as types.
//! - Descriptions and summaries are ignored: they change documentation only.
//!
//! # Which changes are breaking
//!
//! A change is breaking when code written against the crate generated from the old spec may no
//! longer compile, or may silently do something else, against the crate generated from the new
//! one. The generated crate makes every struct field `pub`; a field is `Option<T>` unless it is
//! required and not nullable ([`crate::ir::Field::is_option`]), and the non-`Option` fields are
//! the arguments of `new()`. Parameter structs work the same way with required parameters.
//!
//! Breaking:
//!
//! - anything removed: an operation, a type, a field, a parameter (even an optional one: its
//!   setter goes, so callers that set it stop compiling), an enum value, a union variant, the
//!   streaming (`*_stream`) or auto-pagination method of an operation;
//! - a changed type, of a field, parameter, alias, union variant, body or response. There is no
//!   safe widening for a `pub` field: `i32` → `i64` or `StopReason` → `String` breaks code that
//!   reads it just as `String` → `StopReason` breaks code that writes it;
//! - a field whose `Option`-ness changes: optional → required or nullable → non-nullable turns
//!   `Option<T>` into `T` and adds a `new()` argument; the reverse turns `T` into `Option<T>` and
//!   drops one. Toggling `required` on a nullable field, or `nullable` on an optional one, keeps
//!   the Rust type and is not breaking;
//! - a new required (non-`Option`) field in a type users build: one reachable from a request
//!   (body, parameter) or from no operation at all, since `new()` gains an argument. In a type
//!   only reachable from responses it is not breaking: such types are read, not built, and their
//!   constructors are not part of the promise;
//! - a new required parameter, or a parameter that became required or optional;
//! - the first parameter of an operation that had none, or the last one removed: the method
//!   gains or loses its `params` argument;
//! - a new or removed body, path parameter or changed path or HTTP method: the same Rust call
//!   would send a different request;
//! - in a tagged union: a changed tag property, or a changed or removed `x-discriminator-default`
//!   (data without a tag decodes to another variant);
//! - in an untagged union: reordered variants (decoding tries them in order, so the same JSON may
//!   land in another variant), or a `From<T>` conversion that is no longer generated because two
//!   variants now hold `T`;
//! - a type whose kind changes (struct → union, ...).
//!
//! Not breaking:
//!
//! - anything added that is not listed above: an operation, a type, an optional field or
//!   parameter, streaming or pagination for an existing operation;
//! - a new enum value: every enum is open, so the value already decoded to `Other(..)`;
//! - a new union variant: a tagged union already decoded it to `Unknown(..)`, an untagged one
//!   failed to decode it;
//! - a changed `default`, constant property, stream flag, beta list or non-streaming guard, a
//!   parameter moving between query and header, a newly added `x-discriminator-default`.
//!
//! Caveat: the generated enums are not `#[non_exhaustive]`, so a new enum value or union variant
//! does break a `match` that lists every variant without a wildcard; it is reported but not
//! counted as breaking, since the API treats these sets as open. Likewise a new field breaks a
//! struct literal; the supported way to build values is `new()` and the setters.

mod operations;
mod report;
mod sides;
mod types;
mod words;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Client, HttpMethod, Ir, Operation, TypeDef, TypeKind};

pub use report::{Change, Report, Section, Sign};

/// Compares two specs, given as their IRs: a section for each operation that changed (sorted
/// by `operationId`, regular client before admin client), then one for each type that changed
/// (sorted by Rust name).
pub fn compare(old: &Ir, new: &Ir) -> Report {
    let mut sections = operation_sections(old, new);
    sections.extend(type_sections(old, new));
    Report { sections }
}

/// The operations added, removed or changed, matched by client and `operationId`.
fn operation_sections(old: &Ir, new: &Ir) -> Vec<Section> {
    let mut sections = Vec::new();
    let key = |o: &Operation| (o.id.clone(), o.client == Client::Admin);
    let old_ops: BTreeMap<_, &Operation> = old.operations.iter().map(|o| (key(o), o)).collect();
    let new_ops: BTreeMap<_, &Operation> = new.operations.iter().map(|o| (key(o), o)).collect();
    let op_keys: BTreeSet<_> = old_ops.keys().chain(new_ops.keys()).cloned().collect();
    for k in op_keys {
        let (o, n) = (old_ops.get(&k).copied(), new_ops.get(&k).copied());
        let mut changes = Changes::default();
        match (o, n) {
            (None, Some(n)) => changes.add(Sign::Added, operations::added(n), false),
            (Some(_), None) => changes.add(Sign::Removed, "removed", true),
            (Some(o), Some(n)) => operations::diff_operation(o, n, &mut changes),
            (None, None) => unreachable!("the key comes from one of the maps"),
        }
        if !changes.0.is_empty() {
            let op = n.or(o).expect("one side has it");
            let admin = if op.client == Client::Admin {
                ", admin client"
            } else {
                ""
            };
            sections.push(Section {
                title: format!(
                    "operation {} ({} {}{admin})",
                    op.id,
                    HttpMethod::as_str(op.http_method),
                    op.path
                ),
                changes: changes.0,
            });
        }
    }
    sections
}

/// The types added, removed or changed, matched by Rust name. Parameter structs are left out:
/// their changes are reported with their operation.
fn type_sections(old: &Ir, new: &Ir) -> Vec<Section> {
    let mut sections = Vec::new();
    let (old_sides, new_sides) = (sides::sides(old), sides::sides(new));
    let old_types: BTreeMap<&str, &TypeDef> =
        old.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let new_types: BTreeMap<&str, &TypeDef> =
        new.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let names: BTreeSet<&str> = old_types.keys().chain(new_types.keys()).copied().collect();
    for name in names {
        let (o, n) = (old_types.get(name).copied(), new_types.get(name).copied());
        let is_params =
            |t: Option<&TypeDef>| t.is_none_or(|t| matches!(t.kind, TypeKind::Params(_)));
        if is_params(o) && is_params(n) {
            continue; // reported with the operation
        }
        let side = old_sides
            .get(name)
            .copied()
            .unwrap_or_default()
            .or(new_sides.get(name).copied().unwrap_or_default());
        let mut changes = Changes::default();
        match (o, n) {
            (None, Some(_)) => changes.add(Sign::Added, "added", false),
            (Some(_), None) => changes.add(Sign::Removed, "removed", true),
            (Some(o), Some(n)) => types::diff_type((old, o), (new, n), side, &mut changes),
            (None, None) => unreachable!("the name comes from one of the maps"),
        }
        if !changes.0.is_empty() {
            let t = n.or(o).expect("one side has it");
            sections.push(Section {
                title: format!("{} {name} ({})", words::kind_word(&t.kind), side.label()),
                changes: changes.0,
            });
        }
    }
    sections
}

/// The changes of one section, as they are found.
#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn add(&mut self, sign: Sign, text: impl Into<String>, breaking: bool) {
        self.0.push(Change {
            sign,
            text: text.into(),
            breaking,
        });
    }
}
