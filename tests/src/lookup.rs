//! Finding demo data the way a supporter would: through the queue and the case pages.

use crate::WebClient;

/// A demo case whose citizen has an active authenticator whose label starts with one of
/// `labels` (e.g. "Kodeviser"): the case reference, the authenticator's id and its serial.
pub async fn case_with_device(web: &WebClient, labels: &[&str]) -> (String, String, String) {
    let page: serde_json::Value = web
        .client
        .get(web.url("/api/cases/queue"))
        .send()
        .await
        .expect("queue")
        .json()
        .await
        .expect("queue json");
    let device = regex::Regex::new(&format!(
        r#"id="b-target-(\d+)" value="\d+"/?><label for="b-target-\d+">(?:{}) ([A-Z]{{2}}\d{{8}})"#,
        labels.join("|")
    ))
    .expect("regex");
    for row in page["rows"].as_array().expect("rows") {
        let reference = row["reference"].as_str().expect("reference").to_owned();
        let (_, html) = web.page(&format!("/support/sag/{reference}/spaer")).await;
        if let Some(c) = device.captures(&html) {
            return (reference, c[1].to_owned(), c[2].to_owned());
        }
    }
    panic!("no demo case with an active {labels:?}");
}
