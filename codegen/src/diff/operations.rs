//! Two versions of one operation: how it is called (method, path, arguments, parameters, body)
//! and what it gives back (response, streaming, pagination), plus its betas and guard.

use std::collections::{BTreeMap, BTreeSet};

use super::words::{location_word, required_word, show};
use super::{Changes, Sign};
use crate::ir::{Auth, Body, HttpMethod, Operation, Param, ParamLocation, Response};

/// The line of an added operation: "added", with what a reviewer checks beyond the path (the
/// credentials when the operation accepts only one kind, and auto-pagination).
pub(super) fn added(n: &Operation) -> String {
    let mut notes = Vec::new();
    match n.auth {
        Auth::Any => {}
        Auth::Key => notes.push("accepts only the key".to_string()),
        Auth::Bearer => notes.push("accepts only an OAuth token".to_string()),
    }
    if !n.betas.is_empty() {
        notes.push(format!("sends the beta `{}`", n.betas.join(",")));
    }
    if let Some(p) = &n.pagination {
        let style = format!("{:?}", p.style).to_lowercase();
        notes.push(format!(
            "`{}_stream`: {style} pages of {}",
            n.method_name,
            show(&p.item_ty)
        ));
    }
    if notes.is_empty() {
        "added".to_string()
    } else {
        format!("added ({})", notes.join("; "))
    }
}

/// Adds the changes from `o` to `n`, two versions of the same operation.
pub(super) fn diff_operation(o: &Operation, n: &Operation, out: &mut Changes) {
    if o.feature != n.feature {
        let word = |f: &Option<String>| super::words::features_word(f.as_slice());
        out.add(
            Sign::Changed,
            format!("compiled {} → {}", word(&o.feature), word(&n.feature)),
            // Programs without the new feature lose the method.
            n.feature.is_some(),
        );
    }
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

    if o.client == n.client && o.auth != n.auth {
        let accepts = |a: Auth| match a {
            Auth::Any => "the key or an OAuth token",
            Auth::Key => "only the key",
            Auth::Bearer => "only an OAuth token",
        };
        // Accepting more credentials breaks no caller; accepting fewer breaks those holding
        // only the one no longer accepted.
        out.add(
            Sign::Changed,
            format!("credentials: {} → {}", accepts(o.auth), accepts(n.auth)),
            n.auth != Auth::Any,
        );
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
