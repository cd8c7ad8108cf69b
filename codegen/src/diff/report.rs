//! The result of a comparison and its text form, as `cargo xtask diff` prints it.

use std::fmt::Write as _;

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
    /// Whether it breaks users of the generated crate (the rules are in the docs of
    /// [`crate::diff`]).
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
