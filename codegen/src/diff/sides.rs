//! Which side of the API a type is on: built by users (reachable from a request) or only read
//! by them (reachable from responses alone). It decides whether a new required field breaks.

use std::collections::{BTreeMap, VecDeque};

use crate::ir::{Body, Ir, Response, TypeDef};

/// Where a type is used: reachable from a request (path or query parameter, body), from a
/// response, both, or neither.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Side {
    request: bool,
    response: bool,
}

impl Side {
    pub(super) fn or(self, other: Side) -> Side {
        Side {
            request: self.request || other.request,
            response: self.response || other.response,
        }
    }

    /// Whether users construct values of the type: request types, and (to be safe) types no
    /// operation reaches.
    pub(super) fn built_by_users(self) -> bool {
        self.request || !self.response
    }

    pub(super) fn label(self) -> &'static str {
        match (self.request, self.response) {
            (true, true) => "request and response",
            (true, false) => "request",
            (false, true) => "response",
            (false, false) => "unreferenced",
        }
    }
}

/// The side of every type reachable from an operation.
pub(super) fn sides(ir: &Ir) -> BTreeMap<String, Side> {
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
