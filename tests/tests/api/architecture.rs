//! The floors of ARCHITECTURE.md, checked on the source: every `crate::` path in `app/src` and
//! `server/src` (outside test code and comments) may only point at a module on the same floor
//! or one below, the modules' graph has no cycle, and SQL is written only in `app/src/store`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;

/// `app`'s top-level modules, floor by floor, bottom first (as in ARCHITECTURE.md).
const APP_FLOORS: &[&[&str]] = &[
    &["domain", "i18n", "errors"],
    &["store"],
    &[
        "audit",
        "auth",
        "blocks",
        "cases",
        "counter",
        "dashboard",
        "incidents",
        "index_sync",
        "kb",
        "live",
        "mail",
        "operations",
        "powers",
        "ratings",
        "privacy",
        "registry",
        "state",
        "telephony",
    ],
    &["functions", "page_context"],
    &["components", "hydration", "pages", "root"],
    &["<crate root>"],
];

/// `server`'s modules, bottom first.
const SERVER_FLOORS: &[&[&str]] = &[
    &["config", "error_pages", "shutdown", "state", "telemetry"],
    &["middleware", "monitoring"],
    &[
        "backup",
        "demo",
        "inbound_mail",
        "knowledge_base",
        "outbox",
        "routes",
    ],
    &["startup"],
    &["cli"],
    &["<crate root>"],
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Every `.rs` file under `dir` that is not test code, with its path relative to `dir`.
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let test_file =
                name == "tests.rs" || name.ends_with("_tests.rs") || name.ends_with("_props.rs");
            if name.ends_with(".rs") && !test_file {
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The source without comments and without `#[cfg(test)]` items (test code may reach anywhere).
fn production_code(source: &str) -> String {
    let without_comments: String = source
        .lines()
        .map(|line| match line.find("//") {
            // A `//` inside a string literal (a URL) is rare in these paths; the check only
            // looks for `crate::` and SQL calls, so cutting there loses nothing it needs.
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = String::with_capacity(without_comments.len());
    let mut rest = without_comments.as_str();
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        // Skip the attributed item: up to its `;` or through its matching `}`.
        let open = after.find('{');
        let semi = after.find(';');
        let end = match (open, semi) {
            (Some(o), Some(s)) if s < o => s + 1,
            (Some(o), _) => {
                let mut depth = 0;
                let mut end = after.len();
                for (i, c) in after[o..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = o + i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (None, Some(s)) => s + 1,
            (None, None) => after.len(),
        };
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn module_of(rel: &str) -> String {
    match rel.split_once('/') {
        Some((dir, _)) => dir.to_owned(),
        None => match rel.trim_end_matches(".rs") {
            "lib" | "main" => "<crate root>".to_owned(),
            file => file.to_owned(),
        },
    }
}

/// module -> (module it names -> files that name it)
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn graph(src: &Path) -> Graph {
    let path = Regex::new(r"crate::(\w+)").unwrap();
    let group = Regex::new(r"crate::\{([^}]*)\}").unwrap();
    let mut g = Graph::new();
    for (rel, text) in sources(src) {
        let from = module_of(&rel);
        let code = production_code(&text);
        let mut named: Vec<String> = path.captures_iter(&code).map(|c| c[1].to_owned()).collect();
        for c in group.captures_iter(&code) {
            named.extend(c[1].split(',').filter_map(|p| {
                let word: String = p
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                (!word.is_empty()).then_some(word)
            }));
        }
        let edges = g.entry(from.clone()).or_default();
        for to in named.into_iter().filter(|to| *to != from) {
            edges.entry(to).or_default().insert(rel.clone());
        }
    }
    g
}

fn floor_of(floors: &[&[&str]], module: &str) -> Option<usize> {
    floors.iter().position(|f| f.contains(&module))
}

/// Imports that run up a floor, and modules no floor names.
fn violations(g: &Graph, floors: &[&[&str]]) -> Vec<String> {
    let mut out = Vec::new();
    for (from, edges) in g {
        let Some(f) = floor_of(floors, from) else {
            out.push(format!(
                "module `{from}` is on no floor: add it to ARCHITECTURE.md and this test"
            ));
            continue;
        };
        for (to, files) in edges {
            match floor_of(floors, to) {
                Some(t) if t > f => out.push(format!(
                    "`{from}` imports `{to}`, a floor above it, in {files:?}"
                )),
                Some(_) => {}
                None => out.push(format!(
                    "`{from}` names `{to}`, which is on no floor, in {files:?}"
                )),
            }
        }
    }
    out
}

/// One cycle among the modules, if there is any.
fn cycle(g: &Graph) -> Option<Vec<String>> {
    fn visit(
        g: &Graph,
        at: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|m| m == at) {
            let mut c = path[start..].to_vec();
            c.push(at.to_owned());
            return Some(c);
        }
        if done.contains(at) {
            return None;
        }
        path.push(at.to_owned());
        for to in g.get(at).into_iter().flat_map(|e| e.keys()) {
            if let Some(c) = visit(g, to, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(at.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    g.keys()
        .find_map(|m| visit(g, m, &mut Vec::new(), &mut done))
}

fn edge_count(g: &Graph) -> usize {
    g.values().map(BTreeMap::len).sum()
}

#[test]
fn the_app_imports_only_down_its_floors_and_has_no_cycle() {
    let g = graph(&workspace().join("app/src"));
    assert!(edge_count(&g) > 20, "the parser found the app's imports");
    let bad = violations(&g, APP_FLOORS);
    assert!(bad.is_empty(), "upward imports:\n{}", bad.join("\n"));
    assert_eq!(cycle(&g), None);
    // The store returns facts; the words people read are chosen above it.
    let store_texts = g.get("store").and_then(|edges| edges.get("i18n"));
    assert_eq!(store_texts, None, "the store picks UI text");
}

#[test]
fn the_server_imports_only_down_its_floors_and_has_no_cycle() {
    let g = graph(&workspace().join("server/src"));
    assert!(edge_count(&g) > 5, "the parser found the server's imports");
    let bad = violations(&g, SERVER_FLOORS);
    assert!(bad.is_empty(), "upward imports:\n{}", bad.join("\n"));
    assert_eq!(cycle(&g), None);
}

#[test]
fn sql_is_written_only_in_the_store() {
    let sql =
        Regex::new(r"sqlx::(query|query_as|query_scalar|QueryBuilder)\b|\bquery_as!|\bquery!")
            .unwrap();
    let mut outside = Vec::new();
    for crate_dir in ["app/src", "server/src"] {
        for (rel, text) in sources(&workspace().join(crate_dir)) {
            let in_store = crate_dir == "app/src" && rel.starts_with("store/");
            if !in_store && sql.is_match(&production_code(&text)) {
                outside.push(format!("{crate_dir}/{rel}"));
            }
        }
    }
    assert!(outside.is_empty(), "SQL outside app/src/store: {outside:?}");
}

#[test]
fn the_checker_sees_an_upward_import_a_cycle_and_test_code() {
    let mut g = Graph::new();
    g.entry("store".into())
        .or_default()
        .entry("cases".into())
        .or_default()
        .insert("store/x.rs".into());
    g.entry("cases".into())
        .or_default()
        .entry("store".into())
        .or_default()
        .insert("cases/y.rs".into());
    assert_eq!(violations(&g, APP_FLOORS).len(), 1);
    assert!(cycle(&g).is_some());
    let code = "use crate::domain::Cpr;\n// crate::pages in a comment\n#[cfg(test)]\nmod tests {\n    use crate::pages;\n}\nfn f() {}";
    let kept = production_code(code);
    assert!(
        kept.contains("crate::domain") && !kept.contains("crate::pages") && kept.contains("fn f")
    );
}
