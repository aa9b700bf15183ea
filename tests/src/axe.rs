//! Accessibility checks with axe-core (Deque's engine, from npm) in the real browser: the WCAG
//! 2.0/2.1 A and AA rules on the page as it is at that moment.

use std::path::PathBuf;

use fantoccini::Client;

/// axe-core's bundle: `DESK_AXE_JS`, or where `.ci/desk test` installs it.
fn script_path() -> PathBuf {
    if let Some(path) = std::env::var_os("DESK_AXE_JS") {
        return PathBuf::from(path);
    }
    let installed = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/tools/axe-core/node_modules/axe-core/axe.min.js");
    if installed.exists() {
        return installed;
    }
    panic!(
        "axe-core is not installed: run `npm install --prefix target/tools/axe-core axe-core` \
         (as `.ci/desk test` does) or set DESK_AXE_JS to its axe.min.js"
    )
}

/// The WCAG A/AA violations axe finds on the current page, one line each (rule, help, where).
pub async fn violations(c: &Client) -> Vec<String> {
    let path = script_path();
    let script =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    c.execute(&script, vec![]).await.expect("load axe-core");
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag',
                 values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
               .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' at '
                   + v.nodes.map(n => n.target.join(' ')).join(', '))))
               .catch(e => done(['axe could not run: ' + e]));",
            vec![],
        )
        .await
        .expect("run axe-core");
    found
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}
