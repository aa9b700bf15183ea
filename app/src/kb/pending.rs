//! Input from refused saves, kept so the editor can show it again with its errors (a
//! browser without JavaScript loses a form's content when it follows the redirect). Kept in
//! memory only, for an hour, for the administrator who typed it.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use crate::domain::kb_admin_views::{ArticleForm, FieldError};

const KEEP_FOR: Duration = Duration::from_secs(60 * 60);
const MAX_KEPT: usize = 100;

struct Pending {
    owner: String,
    target: Option<i64>,
    form: ArticleForm,
    errors: Vec<FieldError>,
    at: Instant,
}

static PENDING: LazyLock<Mutex<HashMap<String, Pending>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn with_map<T>(f: impl FnOnce(&mut HashMap<String, Pending>) -> T) -> T {
    let mut map = PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    map.retain(|_, p| p.at.elapsed() < KEEP_FOR);
    f(&mut map)
}

/// Keeps the input and returns the token that names it.
pub fn put(owner: &str, target: Option<i64>, form: ArticleForm, errors: Vec<FieldError>) -> String {
    let token = crate::domain::tokens::new_token();
    with_map(|map| {
        while map.len() >= MAX_KEPT {
            let oldest = map.iter().min_by_key(|(_, p)| p.at).map(|(k, _)| k.clone());
            match oldest {
                Some(k) => map.remove(&k),
                None => break,
            };
        }
        map.insert(
            token.clone(),
            Pending {
                owner: owner.to_owned(),
                target,
                form,
                errors,
                at: Instant::now(),
            },
        );
    });
    token
}

/// The input `token` names, if it is still kept, belongs to `owner` and was meant for
/// article `target`.
pub fn get(
    token: &str,
    owner: &str,
    target: Option<i64>,
) -> Option<(ArticleForm, Vec<FieldError>)> {
    with_map(|map| {
        map.get(token)
            .filter(|p| p.owner == owner && p.target == target)
            .map(|p| (p.form.clone(), p.errors.clone()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_input_is_only_for_its_owner_and_article() {
        let token = put("admin", Some(7), ArticleForm::default(), vec![]);
        assert!(get(&token, "admin", Some(7)).is_some());
        assert!(get(&token, "other", Some(7)).is_none());
        assert!(get(&token, "admin", None).is_none());
        assert!(get("unknown", "admin", Some(7)).is_none());
    }
}
