//! What the newest version of an article changed compared with the one before it, as the
//! editor shows it: line diffs of the title, summary, metadata and body.

use similar::{ChangeTag, TextDiff};

use crate::domain::kb_admin_views::{
    DiffKind, DiffLine, DiffSection, LastChange, audience_label, status_label,
};
use crate::i18n::Lang;
use crate::store::kb_admin::VersionRow;

/// A line diff from `old` to `new`: changed lines with two unchanged lines around them.
fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    let diff = TextDiff::from_lines(old, new);
    let old_len = diff.old_slices().len();
    let groups = diff.grouped_ops(2);
    let mut out = Vec::new();
    let gap = || DiffLine {
        kind: DiffKind::Gap,
        text: String::new(),
    };
    for (i, group) in groups.iter().enumerate() {
        let starts_late = group.first().is_some_and(|op| op.old_range().start > 0);
        if i > 0 || starts_late {
            out.push(gap());
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let kind = match change.tag() {
                    ChangeTag::Delete => DiffKind::Removed,
                    ChangeTag::Insert => DiffKind::Added,
                    ChangeTag::Equal => DiffKind::Unchanged,
                };
                out.push(DiffLine {
                    kind,
                    text: change.value().trim_end_matches(['\n', '\r']).to_owned(),
                });
            }
        }
    }
    let ends_early = groups
        .last()
        .and_then(|g| g.last())
        .is_some_and(|op| op.old_range().end < old_len);
    if ends_early {
        out.push(gap());
    }
    out
}

fn metadata_text(v: &VersionRow, lang: Lang) -> String {
    let systems = v.systems.join(", ");
    let tags = v.tags.join(", ");
    [
        (lang.pick("Systemer", "Systems"), systems),
        (
            lang.pick("Målgruppe", "Audience"),
            audience_label(&v.audience, lang),
        ),
        (lang.pick("Tags", "Tags"), tags),
        (lang.pick("Status", "Status"), status_label(&v.status, lang)),
    ]
    .into_iter()
    .map(|(label, value)| format!("{label}: {value}\n"))
    .collect()
}

/// The difference between the two newest of `versions` (newest first).
pub fn last_change(versions: &[VersionRow], lang: Lang) -> Option<LastChange> {
    let [new, old, ..] = versions else {
        return None;
    };
    let parts = [
        (lang.pick("Titel", "Title"), &old.title, &new.title),
        (lang.pick("Resumé", "Summary"), &old.summary, &new.summary),
        (
            lang.pick("Metadata", "Metadata"),
            &metadata_text(old, lang),
            &metadata_text(new, lang),
        ),
        (lang.pick("Tekst", "Text"), &old.body_md, &new.body_md),
    ];
    let sections = parts
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(label, a, b)| DiffSection {
            label: label.to_owned(),
            lines: diff_lines(a, b),
        })
        .collect();
    Some(LastChange {
        from_version: old.version,
        to_version: new.version,
        changed_at: new.changed_at.clone(),
        changed_by: new.changed_by.clone(),
        sections,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_show_changed_lines_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        let lines = diff_lines(old, new);
        let kinds: Vec<_> = lines.iter().map(|l| (l.kind, l.text.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (DiffKind::Gap, ""),
                (DiffKind::Unchanged, "c"),
                (DiffKind::Unchanged, "d"),
                (DiffKind::Removed, "e"),
                (DiffKind::Added, "E"),
                (DiffKind::Unchanged, "f"),
                (DiffKind::Unchanged, "g"),
                (DiffKind::Gap, ""),
            ]
        );
        let single = diff_lines("Gammel titel", "Ny titel");
        assert_eq!(
            single,
            vec![
                DiffLine {
                    kind: DiffKind::Removed,
                    text: "Gammel titel".into()
                },
                DiffLine {
                    kind: DiffKind::Added,
                    text: "Ny titel".into()
                },
            ]
        );
    }

    fn version(n: i64, title: &str, body: &str, status: &str) -> VersionRow {
        VersionRow {
            version: n,
            title: title.into(),
            summary: "Samme.".into(),
            body_md: body.into(),
            systems: vec!["MitID".into()],
            audience: "public".into(),
            tags: vec![],
            status: status.into(),
            changed_at: "2026-11-23T10:00:00Z".into(),
            changed_by: "admin".into(),
        }
    }

    #[test]
    fn the_last_change_covers_only_what_changed() {
        assert_eq!(
            last_change(&[version(1, "T", "B", "draft")], Lang::Da),
            None
        );
        let change = last_change(
            &[
                version(2, "T", "B\nny linje\n", "published"),
                version(1, "T", "B\n", "draft"),
            ],
            Lang::Da,
        )
        .unwrap();
        assert_eq!((change.from_version, change.to_version), (1, 2));
        let labels: Vec<_> = change.sections.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, vec!["Metadata", "Tekst"]);
        let meta = &change.sections[0].lines;
        assert!(meta.contains(&DiffLine {
            kind: DiffKind::Removed,
            text: "Status: Kladde".into()
        }));
        assert!(meta.contains(&DiffLine {
            kind: DiffKind::Added,
            text: "Status: Publiceret".into()
        }));
        assert!(change.sections[1].lines.contains(&DiffLine {
            kind: DiffKind::Added,
            text: "ny linje".into()
        }));
    }
}
