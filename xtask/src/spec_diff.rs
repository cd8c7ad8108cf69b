//! What changed between two versions of the spec, in terms of the generated crate, and which of
//! those changes break its users.
//!
//! The comparison works on the generator's intermediate representation ([`codegen::ir::Ir`]),
//! not on the YAML: a reordered or re-described document compares equal, and every change is
//! named by what a user of the generated crate sees (a Rust type, field, variant, method
//! argument). [`diff`] is a pure function of the two IRs; `cargo xtask diff` only reads the
//! files and prints the [`Report`].
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
//! required and not nullable ([`codegen::ir::Field::is_option`]), and the non-`Option` fields are
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

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;

use codegen::ir::{
    Body, Client, Field, HttpMethod, Ir, Operation, Param, ParamLocation, Response, TypeDef,
    TypeKind, TypeRef, UntaggedVariant,
};

/// The differences between two specs, grouped by operation and by type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Operations first (sorted by id), then types (sorted by name); only those with changes.
    pub sections: Vec<Section>,
}

/// The changes to one operation or type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The heading, e.g. `operation messages.create (POST /v1/messages)` or
    /// `struct Message (response)`.
    pub title: String,
    /// The changes, in a fixed order.
    pub changes: Vec<Change>,
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Added, removed or changed.
    pub sign: Sign,
    /// What changed, e.g. ``field `stop_sequence` removed``.
    pub text: String,
    /// Whether it breaks users of the generated crate (see the module docs).
    pub breaking: bool,
}

/// The kind of a [`Change`], printed as its first character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sign {
    /// `+`
    Added,
    /// `-`
    Removed,
    /// `~`
    Changed,
}

impl Report {
    /// How many changes there are.
    pub fn change_count(&self) -> usize {
        self.sections.iter().map(|s| s.changes.len()).sum()
    }

    /// How many of them are breaking.
    pub fn breaking_count(&self) -> usize {
        self.sections
            .iter()
            .flat_map(|s| &s.changes)
            .filter(|c| c.breaking)
            .count()
    }

    /// The report as text: one heading per section, an indented line per change, and a summary
    /// line (`no changes` when there are none).
    pub fn render(&self) -> String {
        let mut out = String::new();
        for s in &self.sections {
            out.push_str(&s.title);
            out.push('\n');
            for c in &s.changes {
                let sign = match c.sign {
                    Sign::Added => '+',
                    Sign::Removed => '-',
                    Sign::Changed => '~',
                };
                let mark = if c.breaking { "  [BREAKING]" } else { "" };
                let _ = writeln!(out, "  {sign} {}{mark}", c.text);
            }
        }
        let n = self.change_count();
        if n == 0 {
            out.push_str("no changes\n");
        } else {
            let plural = if n == 1 { "" } else { "s" };
            let _ = writeln!(
                out,
                "{n} change{plural}, {} breaking",
                self.breaking_count()
            );
        }
        out
    }
}

/// Compares two specs, given as their IRs.
pub fn diff(old: &Ir, new: &Ir) -> Report {
    let mut sections = Vec::new();

    let key = |o: &Operation| (o.id.clone(), o.client == Client::Admin);
    let old_ops: BTreeMap<_, &Operation> = old.operations.iter().map(|o| (key(o), o)).collect();
    let new_ops: BTreeMap<_, &Operation> = new.operations.iter().map(|o| (key(o), o)).collect();
    let op_keys: BTreeSet<_> = old_ops.keys().chain(new_ops.keys()).cloned().collect();
    for k in op_keys {
        let (o, n) = (old_ops.get(&k).copied(), new_ops.get(&k).copied());
        let mut changes = Changes::default();
        match (o, n) {
            (None, Some(_)) => changes.add(Sign::Added, "added", false),
            (Some(_), None) => changes.add(Sign::Removed, "removed", true),
            (Some(o), Some(n)) => diff_operation(o, n, &mut changes),
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

    let (old_sides, new_sides) = (sides(old), sides(new));
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
            (Some(o), Some(n)) => diff_type(o, n, side, &mut changes),
            (None, None) => unreachable!("the name comes from one of the maps"),
        }
        if !changes.0.is_empty() {
            let t = n.or(o).expect("one side has it");
            sections.push(Section {
                title: format!("{} {name} ({})", kind_word(&t.kind), side.label()),
                changes: changes.0,
            });
        }
    }
    Report { sections }
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

/// Where a type is used: reachable from a request (path or query parameter, body), from a
/// response, both, or neither.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Side {
    request: bool,
    response: bool,
}

impl Side {
    fn or(self, other: Side) -> Side {
        Side {
            request: self.request || other.request,
            response: self.response || other.response,
        }
    }

    /// Whether users construct values of the type: request types, and (to be safe) types no
    /// operation reaches.
    fn built_by_users(self) -> bool {
        self.request || !self.response
    }

    fn label(self) -> &'static str {
        match (self.request, self.response) {
            (true, true) => "request and response",
            (true, false) => "request",
            (false, true) => "response",
            (false, false) => "unreferenced",
        }
    }
}

/// The side of every type reachable from an operation.
fn sides(ir: &Ir) -> BTreeMap<String, Side> {
    let index: BTreeMap<&str, &TypeDef> = ir.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut out: BTreeMap<String, Side> = BTreeMap::new();
    for op in &ir.operations {
        let mut request = Vec::new();
        for p in op.path_params.iter().chain(&op.params) {
            p.ty.named(&mut request);
        }
        if let Some(Body::Json { ty }) = &op.body {
            ty.named(&mut request);
        }
        let mut response = Vec::new();
        match &op.response {
            Response::Json(t) | Response::Jsonl(t) => t.named(&mut response),
            Response::Sse { json, event } => {
                json.named(&mut response);
                event.named(&mut response);
            }
            Response::Binary | Response::Empty => {}
        }
        for (roots, is_request) in [(request, true), (response, false)] {
            let mut queue: VecDeque<String> = roots.into();
            while let Some(name) = queue.pop_front() {
                let side = out.entry(name.clone()).or_default();
                let seen = if is_request {
                    std::mem::replace(&mut side.request, true)
                } else {
                    std::mem::replace(&mut side.response, true)
                };
                if !seen && let Some(t) = index.get(name.as_str()) {
                    queue.extend(t.references());
                }
            }
        }
    }
    out
}

fn diff_operation(o: &Operation, n: &Operation, out: &mut Changes) {
    if o.http_method != n.http_method {
        out.add(
            Sign::Changed,
            format!(
                "method {} → {}",
                HttpMethod::as_str(o.http_method),
                HttpMethod::as_str(n.http_method)
            ),
            true,
        );
    }
    if o.path != n.path {
        out.add(Sign::Changed, format!("path {} → {}", o.path, n.path), true);
    }
    let path_args = |op: &Operation| {
        let names: Vec<&str> = op.path_params.iter().map(|p| p.ident.as_str()).collect();
        format!("({})", names.join(", "))
    };
    if path_args(o) != path_args(n) {
        out.add(
            Sign::Changed,
            format!("path arguments {} → {}", path_args(o), path_args(n)),
            true,
        );
    }

    match (&o.params_struct, &n.params_struct) {
        (None, Some(p)) => out.add(
            Sign::Added,
            format!("argument `params: {p}` added (the operation had no parameters)"),
            true,
        ),
        (Some(p), None) => out.add(
            Sign::Removed,
            format!("argument `params: {p}` removed (the operation has no parameters left)"),
            true,
        ),
        _ => {}
    }
    diff_params(&o.params, &n.params, out);

    let body = |op: &Operation| match &op.body {
        None => "none".to_string(),
        Some(Body::Json { ty }) => show(ty),
        Some(Body::Multipart) => "multipart form".to_string(),
    };
    let (ob, nb) = (body(o), body(n));
    if ob != nb {
        let sign = match (&o.body, &n.body) {
            (None, _) => Sign::Added,
            (_, None) => Sign::Removed,
            _ => Sign::Changed,
        };
        out.add(sign, format!("body {ob} → {nb}"), true);
    }

    let (or, nr) = (main_response(&o.response), main_response(&n.response));
    if or != nr {
        out.add(Sign::Changed, format!("response {or} → {nr}"), true);
    }
    let event = |r: &Response| match r {
        Response::Sse { event, .. } => Some(show(event)),
        _ => None,
    };
    let stream = format!("`{}_stream`", n.method_name);
    match (event(&o.response), event(&n.response)) {
        (None, Some(e)) => out.add(
            Sign::Added,
            format!("streaming added ({stream}, events {e})"),
            false,
        ),
        (Some(e), None) => out.add(
            Sign::Removed,
            format!("streaming removed ({stream}, events {e})"),
            true,
        ),
        (Some(a), Some(b)) if a != b => {
            out.add(Sign::Changed, format!("stream events {a} → {b}"), true)
        }
        _ => {}
    }
    if let (Some(a), Some(b)) = (&o.stream_flag, &n.stream_flag)
        && a != b
    {
        out.add(Sign::Changed, format!("stream flag `{a}` → `{b}`"), false);
    }

    let paging = |op: &Operation| {
        op.pagination.as_ref().map(|p| {
            format!(
                "{:?} pages of {} in `{}`",
                p.style,
                show(&p.item_ty),
                p.items_field
            )
            .to_lowercase()
        })
    };
    match (paging(o), paging(n)) {
        (None, Some(p)) => out.add(
            Sign::Added,
            format!("auto-pagination added ({stream}: {p})"),
            false,
        ),
        (Some(p), None) => out.add(
            Sign::Removed,
            format!("auto-pagination removed ({stream}: {p})"),
            true,
        ),
        (Some(a), Some(b)) if a != b => {
            out.add(Sign::Changed, format!("pagination {a} → {b}"), true)
        }
        _ => {}
    }

    if o.betas != n.betas {
        out.add(
            Sign::Changed,
            format!("betas [{}] → [{}]", o.betas.join(", "), n.betas.join(", ")),
            false,
        );
    }
    if o.nonstreaming_guard != n.nonstreaming_guard {
        let g = |g: &Option<String>| g.as_deref().map_or("none".into(), |g| format!("`{g}`"));
        out.add(
            Sign::Changed,
            format!(
                "non-streaming guard {} → {}",
                g(&o.nonstreaming_guard),
                g(&n.nonstreaming_guard)
            ),
            false,
        );
    }
}

/// The type the main method returns (streaming is compared separately).
fn main_response(r: &Response) -> String {
    match r {
        Response::Json(t) | Response::Sse { json: t, .. } => show(t),
        Response::Jsonl(t) => format!("JSON lines of {}", show(t)),
        Response::Binary => "bytes".into(),
        Response::Empty => "empty".into(),
    }
}

fn diff_params(old: &[Param], new: &[Param], out: &mut Changes) {
    let o: BTreeMap<&str, &Param> = old.iter().map(|p| (p.wire.as_str(), p)).collect();
    let n: BTreeMap<&str, &Param> = new.iter().map(|p| (p.wire.as_str(), p)).collect();
    let wires: BTreeSet<&str> = o.keys().chain(n.keys()).copied().collect();
    for wire in wires {
        match (o.get(wire), n.get(wire)) {
            (None, Some(p)) => out.add(
                Sign::Added,
                format!(
                    "{} `{wire}` added ({}, {})",
                    location_word(p.location),
                    required_word(p.required),
                    param_type(p)
                ),
                p.required,
            ),
            (Some(p), None) => out.add(
                Sign::Removed,
                format!(
                    "{} `{wire}` removed ({})",
                    location_word(p.location),
                    required_word(p.required)
                ),
                true,
            ),
            (Some(a), Some(b)) => {
                let what = format!("{} `{wire}`", location_word(b.location));
                if param_type(a) != param_type(b) {
                    out.add(
                        Sign::Changed,
                        format!("{what}: type {} → {}", param_type(a), param_type(b)),
                        true,
                    );
                }
                if a.required != b.required {
                    out.add(
                        Sign::Changed,
                        format!(
                            "{what}: {} → {}",
                            required_word(a.required),
                            required_word(b.required)
                        ),
                        true,
                    );
                }
                if a.location != b.location && param_type(a) == param_type(b) {
                    out.add(
                        Sign::Changed,
                        format!("{what}: was a {}", location_word(a.location)),
                        false,
                    );
                }
            }
            (None, None) => unreachable!("the wire name comes from one of the maps"),
        }
    }
}

/// The Rust type of a parameter field, before `Option`.
fn param_type(p: &Param) -> String {
    if p.location == ParamLocation::FormFile {
        "UploadFile".into()
    } else {
        show(&p.ty)
    }
}

fn diff_type(o: &TypeDef, n: &TypeDef, side: Side, out: &mut Changes) {
    match (&o.kind, &n.kind) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => {
            diff_fields(&a.fields, &b.fields, side, out);
            let ac: BTreeMap<&str, &str> = a
                .consts
                .iter()
                .map(|c| (c.wire.as_str(), c.value.as_str()))
                .collect();
            let bc: BTreeMap<&str, &str> = b
                .consts
                .iter()
                .map(|c| (c.wire.as_str(), c.value.as_str()))
                .collect();
            for wire in ac.keys().chain(bc.keys()).collect::<BTreeSet<_>>() {
                match (ac.get(wire), bc.get(wire)) {
                    (None, Some(v)) => out.add(
                        Sign::Added,
                        format!("constant `{wire}` = \"{v}\" added"),
                        false,
                    ),
                    (Some(v), None) => out.add(
                        Sign::Removed,
                        format!("constant `{wire}` = \"{v}\" removed"),
                        false,
                    ),
                    (Some(x), Some(y)) if x != y => out.add(
                        Sign::Changed,
                        format!("constant `{wire}`: \"{x}\" → \"{y}\""),
                        false,
                    ),
                    _ => {}
                }
            }
        }
        (TypeKind::Tagged(a), TypeKind::Tagged(b)) => {
            if a.tag != b.tag {
                out.add(
                    Sign::Changed,
                    format!("tag property `{}` → `{}`", a.tag, b.tag),
                    true,
                );
            }
            let av: BTreeMap<&str, &str> = a
                .variants
                .iter()
                .map(|v| (v.value.as_str(), v.ty.as_str()))
                .collect();
            let bv: BTreeMap<&str, &str> = b
                .variants
                .iter()
                .map(|v| (v.value.as_str(), v.ty.as_str()))
                .collect();
            for value in av.keys().chain(bv.keys()).collect::<BTreeSet<_>>() {
                match (av.get(value), bv.get(value)) {
                    (None, Some(t)) => {
                        out.add(Sign::Added, format!("variant `{value}` ({t})"), false)
                    }
                    (Some(t), None) => {
                        out.add(Sign::Removed, format!("variant `{value}` ({t})"), true)
                    }
                    (Some(x), Some(y)) if x != y => out.add(
                        Sign::Changed,
                        format!("variant `{value}`: payload {x} → {y}"),
                        true,
                    ),
                    _ => {}
                }
            }
            if a.default != b.default {
                let d =
                    |d: &Option<String>| d.as_deref().map_or("none".into(), |d| format!("`{d}`"));
                out.add(
                    Sign::Changed,
                    format!(
                        "variant for a missing tag {} → {}",
                        d(&a.default),
                        d(&b.default)
                    ),
                    a.default.is_some(),
                );
            }
        }
        (TypeKind::Untagged(a), TypeKind::Untagged(b)) => {
            let av: BTreeMap<&str, &TypeRef> = a
                .variants
                .iter()
                .map(|v| (v.ident.as_str(), &v.ty))
                .collect();
            let bv: BTreeMap<&str, &TypeRef> = b
                .variants
                .iter()
                .map(|v| (v.ident.as_str(), &v.ty))
                .collect();
            for ident in av.keys().chain(bv.keys()).collect::<BTreeSet<_>>() {
                match (av.get(ident), bv.get(ident)) {
                    (None, Some(t)) => out.add(
                        Sign::Added,
                        format!("variant `{ident}` ({})", show(t)),
                        false,
                    ),
                    (Some(t), None) => out.add(
                        Sign::Removed,
                        format!("variant `{ident}` ({})", show(t)),
                        true,
                    ),
                    (Some(x), Some(y)) if x != y => out.add(
                        Sign::Changed,
                        format!("variant `{ident}`: type {} → {}", show(x), show(y)),
                        true,
                    ),
                    _ => {}
                }
            }
            let (ao, bo) = (in_both(&a.variants, &bv), in_both(&b.variants, &av));
            if ao != bo {
                out.add(
                    Sign::Changed,
                    format!(
                        "variant order {} → {} (decoding tries them in order)",
                        ao.join(", "),
                        bo.join(", ")
                    ),
                    true,
                );
            }
            let (ac, bc) = (payload_counts(&a.variants), payload_counts(&b.variants));
            for (ty, _) in ac.iter().filter(|(_, n)| **n == 1) {
                if bc.get(ty).is_some_and(|n| *n > 1) {
                    out.add(
                        Sign::Removed,
                        format!("`From<{}>` conversion (two variants now hold it)", show(ty)),
                        true,
                    );
                }
            }
        }
        (TypeKind::Enum(a), TypeKind::Enum(b)) => {
            let av: BTreeSet<&str> = a.values.iter().map(|v| v.wire.as_str()).collect();
            let bv: BTreeSet<&str> = b.values.iter().map(|v| v.wire.as_str()).collect();
            for v in bv.difference(&av) {
                out.add(Sign::Added, format!("value `{v}`"), false);
            }
            for v in av.difference(&bv) {
                out.add(Sign::Removed, format!("value `{v}`"), true);
            }
        }
        (TypeKind::Alias(a), TypeKind::Alias(b)) => {
            if a != b {
                out.add(
                    Sign::Changed,
                    format!("alias of {} → {}", show(a), show(b)),
                    true,
                );
            }
        }
        (a, b) => out.add(
            Sign::Changed,
            format!("kind {} → {}", kind_word(a), kind_word(b)),
            true,
        ),
    }
}

/// The names of the variants that `other` also has, in order.
fn in_both<'a>(variants: &'a [UntaggedVariant], other: &BTreeMap<&str, &TypeRef>) -> Vec<&'a str> {
    variants
        .iter()
        .map(|v| v.ident.as_str())
        .filter(|i| other.contains_key(i))
        .collect()
}

/// How many variants hold each payload type (a `From` conversion exists for those held once).
fn payload_counts(variants: &[UntaggedVariant]) -> BTreeMap<&TypeRef, usize> {
    let mut count = BTreeMap::new();
    for v in variants {
        *count.entry(&v.ty).or_default() += 1;
    }
    count
}

fn diff_fields(old: &[Field], new: &[Field], side: Side, out: &mut Changes) {
    let o: BTreeMap<&str, &Field> = old.iter().map(|f| (f.wire.as_str(), f)).collect();
    let n: BTreeMap<&str, &Field> = new.iter().map(|f| (f.wire.as_str(), f)).collect();
    for wire in o.keys().chain(n.keys()).collect::<BTreeSet<_>>() {
        match (o.get(wire), n.get(wire)) {
            (None, Some(f)) => out.add(
                Sign::Added,
                format!("field `{wire}` added ({}, {})", presence(f), show(&f.ty)),
                !f.is_option() && side.built_by_users(),
            ),
            (Some(f), None) => out.add(
                Sign::Removed,
                format!("field `{wire}` removed ({})", presence(f)),
                true,
            ),
            (Some(a), Some(b)) => {
                if a.ty != b.ty {
                    out.add(
                        Sign::Changed,
                        format!("field `{wire}`: type {} → {}", show(&a.ty), show(&b.ty)),
                        true,
                    );
                }
                if presence(a) != presence(b) {
                    let rust = if a.is_option() == b.is_option() {
                        String::new()
                    } else if b.is_option() {
                        " (T → Option<T>)".into()
                    } else {
                        " (Option<T> → T)".into()
                    };
                    out.add(
                        Sign::Changed,
                        format!("field `{wire}`: {} → {}{rust}", presence(a), presence(b)),
                        a.is_option() != b.is_option(),
                    );
                }
                if a.default != b.default {
                    let d = |d: &Option<String>| d.clone().unwrap_or_else(|| "none".into());
                    out.add(
                        Sign::Changed,
                        format!(
                            "field `{wire}`: default {} → {}",
                            d(&a.default),
                            d(&b.default)
                        ),
                        false,
                    );
                }
            }
            (None, None) => unreachable!("the wire name comes from one of the maps"),
        }
    }
}

/// `required`, `optional`, `required, nullable`, `optional, nullable`.
fn presence(f: &Field) -> String {
    let r = required_word(f.required);
    if f.nullable {
        format!("{r}, nullable")
    } else {
        r.to_string()
    }
}

fn required_word(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

fn location_word(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path parameter",
        ParamLocation::Query => "query parameter",
        ParamLocation::Header => "header",
        ParamLocation::FormField => "form field",
        ParamLocation::FormFile => "form file",
    }
}

fn kind_word(k: &TypeKind) -> &'static str {
    match k {
        TypeKind::Struct(_) => "struct",
        TypeKind::Tagged(_) | TypeKind::Untagged(_) => "union",
        TypeKind::Enum(_) => "enum",
        TypeKind::Alias(_) => "alias",
        TypeKind::Params(_) => "params",
    }
}

/// A type reference as the generated Rust spells it (with the crate paths left out).
fn show(t: &TypeRef) -> String {
    match t {
        TypeRef::Named(n) => n.clone(),
        TypeRef::String => "String".into(),
        TypeRef::Integer => "i64".into(),
        TypeRef::Int32 => "i32".into(),
        TypeRef::Number => "f64".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::DateTime => "DateTime<Utc>".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::Json => "Value".into(),
        TypeRef::JsonObject => "Map<String, Value>".into(),
        TypeRef::Vec(t) => format!("Vec<{}>", show(t)),
        TypeRef::Map(t) => format!("BTreeMap<String, {}>", show(t)),
        TypeRef::Binary => "bytes".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document with one operation taking `In` and returning `Out`, plus `schemas` (YAML
    /// lines indented by four spaces).
    fn ir(schemas: &str) -> Ir {
        build(&document(schemas))
    }

    /// The text of the document [`ir`] reads.
    fn document(schemas: &str) -> String {
        format!(
            r#"openapi: 3.0.3
info: {{title: unit, version: "1"}}
security: [{{ApiKeyAuth: []}}]
paths:
  /v1/things:
    post:
      operationId: things.create
      requestBody:
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/In'}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Out'}}
components:
  securitySchemes:
    ApiKeyAuth: {{type: apiKey, in: header, name: x-api-key}}
  schemas:
    In:
      type: object
      properties:
        x: {{type: string}}
        stream: {{type: boolean}}
    Out:
      type: object
      properties:
        y: {{type: string}}
{schemas}"#
        )
    }

    fn build(text: &str) -> Ir {
        let spec = codegen::parse_spec(text, "unit").expect("parses");
        Ir::build(&spec).unwrap_or_else(|e| panic!("{e}"))
    }

    fn lines(old: &Ir, new: &Ir) -> String {
        diff(old, new).render()
    }

    #[test]
    fn nothing_changed() {
        let a = ir("");
        let report = diff(&a, &a);
        assert_eq!(report, Report::default());
        assert_eq!(report.render(), "no changes\n");
    }

    #[test]
    fn toggles_that_keep_the_rust_type_are_not_breaking() {
        let old = ir(
            "    Free:\n      type: object\n      required: [a]\n      properties:\n        a: {type: string, nullable: true}\n        b: {type: string}\n",
        );
        let new = ir(
            "    Free:\n      type: object\n      properties:\n        a: {type: string, nullable: true}\n        b: {type: string, nullable: true, default: x}\n",
        );
        assert_eq!(
            lines(&old, &new),
            "struct Free (unreferenced)\n\
             \x20 ~ field `a`: required, nullable → optional, nullable\n\
             \x20 ~ field `b`: optional → optional, nullable\n\
             \x20 ~ field `b`: default none → \"x\"\n\
             3 changes, 0 breaking\n"
        );
    }

    #[test]
    fn a_new_required_field_in_an_unreferenced_type_is_breaking() {
        let old =
            ir("    Free:\n      type: object\n      properties:\n        a: {type: string}\n");
        let new = ir(
            "    Free:\n      type: object\n      required: [b]\n      properties:\n        a: {type: string}\n        b: {type: string}\n",
        );
        let report = diff(&old, &new);
        assert_eq!(report.breaking_count(), 1);
        assert_eq!(report.sections[0].title, "struct Free (unreferenced)");
    }

    #[test]
    fn untagged_unions_reordered_or_losing_a_conversion() {
        let old = ir(
            "    U:\n      oneOf:\n        - {type: string, title: text}\n        - {type: integer, title: count}\n",
        );
        let new = ir(
            "    U:\n      oneOf:\n        - {type: integer, title: count}\n        - {type: string, title: text}\n        - {type: string, title: name}\n",
        );
        assert_eq!(
            lines(&old, &new),
            "union U (unreferenced)\n\
             \x20 + variant `Name` (String)\n\
             \x20 ~ variant order Text, Count → Count, Text (decoding tries them in order)  [BREAKING]\n\
             \x20 - `From<String>` conversion (two variants now hold it)  [BREAKING]\n\
             3 changes, 2 breaking\n"
        );
    }

    #[test]
    fn discriminator_default_added_is_safe_removed_is_not() {
        let union = |default: &str| {
            format!(
                "    U:\n      oneOf:\n        - $ref: '#/components/schemas/A'\n      discriminator:\n        propertyName: type\n        mapping:\n          a: '#/components/schemas/A'\n{default}    A:\n      type: object\n      properties:\n        type: {{type: string, enum: [a]}}\n"
            )
        };
        let without = ir(&union(""));
        let with = ir(&union("      x-discriminator-default: a\n"));
        let added = diff(&without, &with);
        assert_eq!(
            added.render(),
            "union U (unreferenced)\n  ~ variant for a missing tag none → `a`\n1 change, 0 breaking\n"
        );
        assert_eq!(diff(&with, &without).breaking_count(), 1);
    }

    #[test]
    fn streaming_added_is_safe_removed_is_not() {
        let plain = ir("");
        let text = document("")
            .replace(
                "      requestBody:",
                "      x-stream-flag: stream\n      requestBody:",
            )
            .replace(
                "              schema: {$ref: '#/components/schemas/Out'}\n",
                "              schema: {$ref: '#/components/schemas/Out'}\n            text/event-stream:\n              schema: {$ref: '#/components/schemas/Out'}\n",
            );
        let streaming = build(&text);
        assert_eq!(
            lines(&plain, &streaming),
            "operation things.create (POST /v1/things)\n\
             \x20 + streaming added (`create_stream`, events Out)\n\
             1 change, 0 breaking\n"
        );
        assert_eq!(diff(&streaming, &plain).breaking_count(), 1);
    }

    #[test]
    fn sides_follow_references_from_both_ends() {
        let ir =
            ir("    Shared:\n      type: object\n      properties:\n        z: {type: string}\n");
        let s = sides(&ir);
        assert_eq!(s["In"].label(), "request");
        assert_eq!(s["Out"].label(), "response");
        assert!(!s.contains_key("Shared"));
    }
}
