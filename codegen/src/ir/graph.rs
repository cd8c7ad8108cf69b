//! Which type mentions which, and which file each type goes into.

use std::collections::{BTreeMap, VecDeque};

use super::{Client, Operation, TypeDef};
use crate::Error;

/// The module (file of `types/`) for an operation's types: its top-level resource, with
/// `admin_` in front for the admin client.
pub fn module_of(op: &Operation) -> String {
    match op.client {
        Client::Api => op.resource[0].clone(),
        Client::Admin => format!("admin_{}", op.resource[0]),
    }
}

/// Puts each type in a module (a file of `types/`): types marked `x-group` and everything they
/// reach go into that group first; then the rest goes into the module of the first operation
/// (in document order) that reaches it; what no operation reaches goes into `shared`.
pub fn assign_modules(types: &mut [TypeDef], ops: &[Operation]) -> Result<(), Error> {
    let index: BTreeMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let grouped: Vec<(String, String, String)> = types
        .iter()
        .filter_map(|t| {
            t.group
                .clone()
                .map(|g| (t.name.clone(), g, t.origin.clone()))
        })
        .collect();
    for (name, group, origin) in grouped {
        spread(types, &index, vec![name], &group, &origin)?;
    }
    for op in ops {
        spread(
            types,
            &index,
            op.referenced_types(),
            &module_of(op),
            &op.origin,
        )?;
    }
    for t in types.iter_mut().filter(|t| t.module.is_empty()) {
        t.module = "shared".to_string();
    }
    Ok(())
}

/// Assigns `module` to the unassigned types reachable from `roots`. A type with its own
/// `x-group` is not entered from outside its group.
fn spread(
    types: &mut [TypeDef],
    index: &BTreeMap<String, usize>,
    roots: Vec<String>,
    module: &str,
    origin: &str,
) -> Result<(), Error> {
    let mut queue: VecDeque<String> = roots.into();
    while let Some(name) = queue.pop_front() {
        let Some(&i) = index.get(&name) else {
            return Err(Error::new(
                origin,
                format!("refers to `{name}`, which is not defined"),
            ));
        };
        if !types[i].module.is_empty() {
            continue;
        }
        if types[i].group.as_deref().is_some_and(|g| g != module) {
            continue;
        }
        types[i].module = module.to_string();
        queue.extend(types[i].references());
    }
    Ok(())
}
