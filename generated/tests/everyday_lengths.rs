//! Keeps the length table of `docs/everyday/README.md` true: each of the eleven everyday tasks
//! of `examples/everyday.rs` against the same task written with the official Python SDK in
//! `docs/everyday/*.py`.
//!
//! A task is the code between a `task: <name>` comment and the next `end` comment (`//` in
//! Rust, `#` in Python); its length is the number of lines that are neither blank nor only a
//! comment, signature and closing brace included. Imports and shared constants sit outside the
//! markers in both languages.

use std::path::Path;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// `(name, lines)` for each marked task of `text`, in order.
fn task_lengths(text: &str, comment: &str) -> Vec<(String, usize)> {
    let start = format!("{comment} task: ");
    let end = format!("{comment} end");
    let mut tasks = Vec::new();
    let mut current: Option<(String, usize)> = None;
    for line in text.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix(&start) {
            assert!(current.is_none(), "task {name} starts inside another");
            current = Some((name.to_string(), 0));
        } else if line == end {
            tasks.push(current.take().expect("an end closes a task"));
        } else if let Some((_, lines)) = current.as_mut()
            && !line.is_empty()
            && !line.starts_with(comment)
        {
            *lines += 1;
        }
    }
    assert!(current.is_none(), "the last task is not closed");
    tasks
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The table as the README must hold it.
fn table() -> String {
    let root = Path::new(ROOT);
    let rust = task_lengths(&read(&root.join("generated/examples/everyday.rs")), "//");
    assert_eq!(rust.len(), 11, "eleven tasks in the example: {rust:?}");

    let mut scripts: Vec<_> = std::fs::read_dir(root.join("docs/everyday"))
        .expect("docs/everyday exists")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    scripts.sort();
    let python: Vec<(String, usize, String)> = scripts
        .iter()
        .flat_map(|p| {
            let file = p.file_name().unwrap().to_string_lossy().into_owned();
            task_lengths(&read(p), "#")
                .into_iter()
                .map(move |(name, lines)| (name, lines, file.clone()))
        })
        .collect();
    assert_eq!(python.len(), 11, "eleven Python tasks: {python:?}");

    let mut out = String::from(
        "| task | Rust lines | Python lines | Python file |\n| --- | ---: | ---: | --- |\n",
    );
    let (mut rust_total, mut python_total) = (0, 0);
    for ((name, rust_lines), (py_name, py_lines, file)) in rust.iter().zip(&python) {
        assert_eq!(name, py_name, "the tasks come in the same order");
        out.push_str(&format!(
            "| {name} | {rust_lines} | {py_lines} | [`{file}`]({file}) |\n"
        ));
        rust_total += rust_lines;
        python_total += py_lines;
    }
    out.push_str(&format!(
        "| **all eleven** | **{rust_total}** | **{python_total}** | |\n"
    ));
    out
}

#[test]
fn the_length_table_is_current() {
    let readme = read(&Path::new(ROOT).join("docs/everyday/README.md"));
    let expected = table();
    assert!(
        readme.contains(&expected),
        "docs/everyday/README.md does not hold the current table; it should contain:\n\n{expected}"
    );
}

#[test]
fn lines_are_counted_as_documented() {
    let text = "x\n// task: a\nfn a() {\n\n    // a comment\n    b();\n}\n// end\ny\n";
    assert_eq!(task_lengths(text, "//"), [("a".to_string(), 3)]);
}
