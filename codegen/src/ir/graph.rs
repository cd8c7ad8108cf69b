//! Which type mentions which, and which file each type goes into.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::{Client, Operation, TypeDef};
use crate::Error;

/// The module of the types that no `x-group` holds and no operation reaches.
const SHARED: &str = "shared";

/// A file of `types/`, with what put each of its types there. A module is usually of one
/// kind (an `x-group`, the module of a resource's operations, or `shared`), but nothing stops
/// a group from having the name of a resource's module, so the kinds are kept side by side.
#[derive(Clone, Debug)]
pub struct Module {
    /// The module name, which is also the file name (`messages`, `content`, `shared`).
    pub name: String,
    /// The types marked `x-group: <name>` in the spec, in document order. The module also holds
    /// the unmarked types they reach that no group marked earlier reached first.
    pub marked: Vec<String>,
    /// The operations (indices into [`Ir::operations`](super::Ir::operations)) that reached
    /// some of its types first, in document order.
    pub operations: Vec<usize>,
    /// Its types that no group holds and no operation reaches, in document order.
    pub unreached: Vec<String>,
}

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
///
/// Returns the modules in order of their first type, each with what put its types there.
pub fn assign_modules(types: &mut [TypeDef], ops: &[Operation]) -> Result<Vec<Module>, Error> {
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
    let mut placing_ops: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        let module = module_of(op);
        let placed = spread(types, &index, op.referenced_types(), &module, &op.origin)?;
        if placed > 0 {
            placing_ops.entry(module).or_default().push(i);
        }
    }
    let mut unreached = BTreeSet::new();
    for t in types.iter_mut().filter(|t| t.module.is_empty()) {
        t.module = SHARED.to_string();
        unreached.insert(t.name.clone());
    }

    let mut modules: Vec<Module> = Vec::new();
    for t in types.iter() {
        let at = match modules.iter().position(|m| m.name == t.module) {
            Some(at) => at,
            None => {
                modules.push(Module {
                    name: t.module.clone(),
                    marked: Vec::new(),
                    operations: placing_ops.remove(&t.module).unwrap_or_default(),
                    unreached: Vec::new(),
                });
                modules.len() - 1
            }
        };
        let module = &mut modules[at];
        if t.group.as_deref() == Some(t.module.as_str()) {
            module.marked.push(t.name.clone());
        }
        if unreached.contains(&t.name) {
            module.unreached.push(t.name.clone());
        }
    }
    Ok(modules)
}

/// Assigns `module` to the unassigned types reachable from `roots`, and returns how many it
/// assigned. A type with its own `x-group` is not entered from outside its group.
fn spread(
    types: &mut [TypeDef],
    index: &BTreeMap<String, usize>,
    roots: Vec<String>,
    module: &str,
    origin: &str,
) -> Result<usize, Error> {
    let mut placed = 0;
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
        placed += 1;
        queue.extend(types[i].references());
    }
    Ok(placed)
}
