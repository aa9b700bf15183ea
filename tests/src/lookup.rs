//! Finding demo data the way a supporter would: through the queue and the case pages.

use crate::WebClient;

/// The first case in the queue whose page `/support/sag/{reference}{subpage}` `pick` finds
/// something on: the reference, and what was found.
async fn first_case<T>(
    web: &WebClient,
    subpage: &str,
    pick: impl Fn(&str) -> Option<T>,
) -> Option<(String, T)> {
    let page = web.get_json("/api/cases/queue").await;
    for row in page["rows"].as_array().expect("rows") {
        let reference = row["reference"].as_str().expect("reference").to_owned();
        let (_, html) = web
            .page(&format!("/support/sag/{reference}{subpage}"))
            .await;
        if let Some(found) = pick(&html) {
            return Some((reference, found));
        }
    }
    None
}

/// A demo case whose citizen has an active authenticator whose label starts with one of
/// `labels` (e.g. "Kodeviser"): the case reference, the authenticator's id and its serial.
pub async fn case_with_device(web: &WebClient, labels: &[&str]) -> (String, String, String) {
    let device = regex::Regex::new(&format!(
        r#"id="b-target-(\d+)" value="\d+"/?><label for="b-target-\d+">(?:{}) ([A-Z]{{2}}\d{{8}})"#,
        labels.join("|")
    ))
    .expect("regex");
    let pick = |html: &str| {
        device
            .captures(html)
            .map(|c| (c[1].to_owned(), c[2].to_owned()))
    };
    let (reference, (id, serial)) = first_case(web, "/spaer", pick)
        .await
        .unwrap_or_else(|| panic!("no demo case with an active {labels:?}"));
    (reference, id, serial)
}

/// A demo case whose citizen has a CPR number (shown masked), and its page.
pub async fn case_with_cpr(web: &WebClient) -> (String, String) {
    let pick = |html: &str| html.contains("-XXXX").then(|| html.to_owned());
    first_case(web, "", pick)
        .await
        .expect("no demo case with a CPR number")
}
