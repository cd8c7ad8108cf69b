//! Which type mentions which, and which file each type goes into.

use std::collections::{BTreeMap, VecDeque};

use super::{Client, Operation, TypeDef, TypeKind};
use crate::Error;

/// The named types a definition mentions.
pub fn references(t: &TypeDef) -> Vec<String> {
    let mut out = Vec::new();
    match &t.kind {
        TypeKind::Struct(s) => s.fields.iter().for_each(|f| f.ty.named(&mut out)),
        TypeKind::Tagged(u) => out.extend(u.variants.iter().map(|v| v.ty.clone())),
        TypeKind::Untagged(u) => u.variants.iter().for_each(|v| v.ty.named(&mut out)),
        TypeKind::Enum(_) => {}
        TypeKind::Alias(ty) => ty.named(&mut out),
        TypeKind::Params(p) => p.params.iter().for_each(|p| p.ty.named(&mut out)),
    }
    out
}

/// The module (file of `types/`) for an operation's types: its top-level resource, with
/// `admin_` in front for the admin client.
pub fn module_of(op: &Operation) -> String {
    match op.client {
        Client::Api => op.resource[0].clone(),
        Client::Admin => format!("admin_{}", op.resource[0]),
    }
}

/// Puts each type in the module of the first operation (in document order) that reaches it,
/// or in `shared` if none does.
pub fn assign_modules(types: &mut [TypeDef], ops: &[Operation]) -> Result<(), Error> {
    let index: BTreeMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    for op in ops {
        let module = module_of(op);
        let mut queue: VecDeque<String> = op.referenced_types().into();
        while let Some(name) = queue.pop_front() {
            let Some(&i) = index.get(&name) else {
                return Err(Error::new(
                    &op.origin,
                    format!("refers to `{name}`, which is not defined"),
                ));
            };
            if !types[i].module.is_empty() {
                continue;
            }
            types[i].module = module.clone();
            queue.extend(references(&types[i]));
        }
    }
    for t in types.iter_mut().filter(|t| t.module.is_empty()) {
        t.module = "shared".to_string();
    }
    Ok(())
}
