//! Issue 18, items 1 and 2: staff administration (`/admin/personale` and `supportdesk user`)
//! and two-factor login (TOTP with a QR code and recovery codes), against the release binary.

use std::path::Path;

use desk_tests::hostile_support::{anonymous_csrf, db_count, db_texts};
use desk_tests::postgres;
use desk_tests::server::run_cli;
use desk_tests::totp::{code_at, current_step, fresh_code, mark_used, secret_from_text};
use desk_tests::web::{location, staff, with_token};
use desk_tests::{TestServer, WebClient, demo};
use regex::Regex;
use reqwest::StatusCode;

const TEMPORARY: &str = "midlertidig-kode-2026";

/// The audit log's actions on `target`, oldest first.
fn audit_actions(data_dir: &Path, target: &str) -> Vec<String> {
    assert!(!target.contains('\''), "a plain name: {target}");
    db_texts(
        data_dir,
        &format!("SELECT action FROM audit_log WHERE target = '{target}' ORDER BY id"),
    )
}

/// Adds a person through the admin page's form; the answer's redirect.
async fn add_person(admin: &WebClient, username: &str, name: &str, role: &str) -> Option<String> {
    let res = admin
        .post_from_page(
            "/admin/personale",
            "/api/admin/staff/add",
            &[
                ("username", username),
                ("display_name", name),
                ("role", role),
                ("temporary_password", TEMPORARY),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND, "add {username}");
    location(&res)
}

/// One change on a person's page, as the admin's browser posts it; the redirect.
async fn change(admin: &WebClient, username: &str, fields: &[(&str, &str)]) -> Option<String> {
    let page = format!("/admin/personale/{username}");
    let mut all = vec![("username", username)];
    all.extend_from_slice(fields);
    let res = admin
        .post_from_page(&page, "/api/admin/staff/change", &all)
        .await;
    assert_eq!(res.status(), StatusCode::FOUND, "{fields:?}");
    location(&res)
}

/// The same change as the app's own client makes it: the status tells refusals apart.
async fn change_status(admin: &WebClient, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let token = admin.csrf_token_on("/admin/personale").await;
    let res = admin
        .post_data("/api/admin/staff/change", &with_token(&token, fields))
        .await;
    (res.status(), res.text().await.unwrap())
}

async fn add_status(admin: &WebClient, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let token = admin.csrf_token_on("/admin/personale").await;
    let res = admin
        .post_data("/api/admin/staff/add", &with_token(&token, fields))
        .await;
    (res.status(), res.text().await.unwrap())
}

/// Logs in with a password and answers the new-password step; the redirect after it.
async fn first_login(web: &WebClient, username: &str, new_password: &str) -> String {
    let res = web.login((username, TEMPORARY)).await;
    assert_eq!(
        location(&res).as_deref(),
        Some("/login/ny-adgangskode"),
        "a temporary password leads to the new-password step"
    );
    let res = web
        .post_from_page(
            "/login/ny-adgangskode",
            "/api/auth/login-new-password",
            &[("password", new_password), ("repeat", new_password)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    location(&res).unwrap()
}

#[tokio::test]
async fn an_administrator_adds_a_person_changes_their_role_disables_and_resets_them() {
    let server = TestServer::start().await;
    let (admin, _) = staff(&server, demo::ADMIN).await;
    let (status, html) = admin.page("/admin/personale").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Sara Supporter") && html.contains("id=\"staff-table\""));
    let staff_before = db_count(server.data_dir(), "SELECT COUNT(*) FROM staff_users");

    // Hostile input is refused with a message, and nothing is added.
    fn base<'a>(username: &'a str, name: &'a str) -> [(&'a str, &'a str); 4] {
        [
            ("username", username),
            ("display_name", name),
            ("role", "supporter"),
            ("temporary_password", TEMPORARY),
        ]
    }
    let long_name = "æ".repeat(81);
    let refusals: Vec<([(&str, &str); 4], &str)> = vec![
        (base("a", "Anne"), "3 til 32 tegn"),
        (base("ｎｙ.kollega", "Anne"), "a-z, 0-9"),
        (base("ny\r\nkollega", "Anne"), "a-z, 0-9"),
        (base("ny.kollega", "Anne\r\nadmin"), "kontroltegn"),
        (base("ny.kollega", "Anne\0"), "kontroltegn"),
        (base("ny.kollega", "   "), "1 til 80 tegn"),
        (base("ny.kollega", &long_name), "1 til 80 tegn"),
        (base("supporter", "Anne"), "allerede i brug"),
        (
            [
                ("username", "ny.kollega"),
                ("display_name", "Anne"),
                ("role", "root"),
                ("temporary_password", TEMPORARY),
            ],
            "Vælg en rolle",
        ),
        (
            [
                ("username", "ny.kollega"),
                ("display_name", "Anne"),
                ("role", "supporter"),
                ("temporary_password", "kort"),
            ],
            "mindst 12 tegn",
        ),
        (
            [
                ("username", "ny.kollega"),
                ("display_name", "Anne"),
                ("role", "supporter"),
                ("temporary_password", "ny.kollega-2026-x"),
            ],
            "brugernavnet",
        ),
    ];
    for (fields, message) in &refusals {
        let (status, body) = add_status(&admin, fields).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{fields:?}: {body}"
        );
        assert!(body.contains(message), "{fields:?}: {body}");
    }
    // Huge, but within the body limit (beyond it the hostile suite's 413 applies).
    let huge = "x".repeat(50_000);
    let (status, body) = add_status(&admin, &base("ny.kollega", &huge)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        db_count(server.data_dir(), "SELECT COUNT(*) FROM staff_users"),
        staff_before,
        "nothing refused was added"
    );

    // A name that closes its context is stored as typed and shown as text.
    let name = "Anne \"><svg onload=alert(1)></title> Holm";
    let to = add_person(&admin, "Ny.Kollega", name, "supporter").await;
    assert_eq!(
        to.as_deref(),
        Some("/admin/personale/ny.kollega?oprettet=1")
    );
    let (_, html) = admin.page("/admin/personale/ny.kollega?oprettet=1").await;
    assert!(html.contains("Medarbejderen er oprettet"), "{html}");
    assert!(!html.contains("<svg onload"), "the name is escaped");
    // In the page title too: the name's `</title>` does not end it.
    assert!(!html.contains("</title> Holm"), "the title is escaped");
    assert!(html.contains("&lt;svg onload") || html.contains("&#x3C;svg onload"));
    assert!(html.contains("Aldrig"), "never logged in");
    assert!(html.contains("Midlertidig"), "a temporary password");

    // The person logs in with the temporary password and must choose their own first.
    let person = WebClient::new(&server);
    let res = person.login(("ny.kollega", TEMPORARY)).await;
    assert_eq!(location(&res).as_deref(), Some("/login/ny-adgangskode"));
    let (status, _) = person.page("/support").await;
    assert_ne!(status, StatusCode::OK, "no session before the new password");
    let (_, html) = person.page("/login/ny-adgangskode").await;
    assert!(html.contains("midlertidig adgangskode"), "{html}");
    for (password, repeat, message) in [
        ("nyt-kodeord-2026-a", "nyt-kodeord-2026-b", "ikke ens"),
        (TEMPORARY, TEMPORARY, "ikke den midlertidige"),
        ("kort", "kort", "mindst 12 tegn"),
    ] {
        let token = person.csrf_token_on("/login/ny-adgangskode").await;
        let res = person
            .post_data(
                "/api/auth/login-new-password",
                &with_token(&token, &[("password", password), ("repeat", repeat)]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.unwrap().contains(message), "{message}");
    }
    let landed = first_login_continue(&person, "nyt-kodeord-2026-a").await;
    assert_eq!(landed, "/support", "a supporter needs no second factor");
    assert_eq!(person.page("/support").await.0, StatusCode::OK);
    let (_, html) = admin.page("/admin/personale").await;
    let row = Regex::new(r"(?s)ny\.kollega</td>.*?</tr>").unwrap();
    let row = row.find(&html).unwrap().as_str();
    assert!(!row.contains("Aldrig"), "the last login is shown: {row}");

    // A new role takes effect in the open session.
    let to = change(
        &admin,
        "ny.kollega",
        &[("action", "role"), ("role", "borgerservice")],
    )
    .await;
    assert_eq!(
        to.as_deref(),
        Some("/admin/personale/ny.kollega?gemt=staff.role")
    );
    assert_eq!(person.page("/borgerservice").await.0, StatusCode::OK);
    assert_eq!(person.page("/support").await.0, StatusCode::FORBIDDEN);

    // Disabling ends the session at once, and the password no longer works.
    change(&admin, "ny.kollega", &[("action", "disable")]).await;
    let res = person.get("/borgerservice").await;
    assert!(
        location(&res).is_some_and(|l| l.starts_with("/login")),
        "the disabled person's next request is anonymous"
    );
    let token = person.csrf_token().await;
    let res = person
        .call_login(&token, ("ny.kollega", "nyt-kodeord-2026-a"))
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let (_, html) = admin
        .page("/admin/personale/ny.kollega?gemt=staff.disable")
        .await;
    assert!(html.contains("sessioner er afsluttet") && html.contains("Genaktivér konto"));

    // Enabled again, they log in; a reset password ends their session and must be changed.
    change(&admin, "ny.kollega", &[("action", "enable")]).await;
    let res = person.login(("ny.kollega", "nyt-kodeord-2026-a")).await;
    assert_eq!(location(&res).as_deref(), Some("/borgerservice"));
    change(
        &admin,
        "ny.kollega",
        &[
            ("action", "reset-password"),
            ("temporary_password", TEMPORARY),
        ],
    )
    .await;
    let res = person.get("/borgerservice").await;
    assert!(location(&res).is_some_and(|l| l.starts_with("/login")));
    assert_eq!(
        first_login(&person, "ny.kollega", "endnu-et-kodeord-2026").await,
        "/borgerservice"
    );
    change(
        &admin,
        "ny.kollega",
        &[("action", "rename"), ("display_name", "  Anne   Holm ")],
    )
    .await;
    let (_, html) = admin.page("/admin/personale/ny.kollega").await;
    assert!(html.contains("Anne Holm (ny.kollega)"));

    // The administrator cannot lock themself out, and refusals change nothing.
    for fields in [
        &[("username", "admin"), ("action", "disable")][..],
        &[
            ("username", "admin"),
            ("action", "role"),
            ("role", "supporter"),
        ][..],
        &[("username", "admin"), ("action", "reset-2fa")][..],
    ] {
        let (status, body) = change_status(&admin, fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(body.contains("din egen konto"), "{body}");
    }
    for fields in [
        &[("username", "ingen.findes"), ("action", "disable")][..],
        &[("username", "supporter"), ("action", "sudo")][..],
        &[
            ("username", "supporter"),
            ("action", "role"),
            ("role", "root"),
        ][..],
        &[("username", "supporter\0"), ("action", "disable")][..],
    ] {
        let (status, _) = change_status(&admin, fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
    }
    assert_eq!(
        db_count(
            server.data_dir(),
            "SELECT COUNT(*) FROM staff_users WHERE username = 'admin' AND active = 1 AND role = 'admin'"
        ),
        1
    );

    // Every change is in the audit log, whose chain holds.
    assert_eq!(
        audit_actions(server.data_dir(), "ny.kollega"),
        [
            "staff.add",
            "staff.password.changed",
            "staff.role",
            "staff.disable",
            "staff.enable",
            "staff.password.reset",
            "staff.password.changed",
            "staff.rename",
        ]
    );
    let (ok, out, err) = run_cli(server.data_dir(), &["audit", "verify"], "").await;
    assert!(ok, "{out}{err}");
}

/// The new-password step's good answer, after [`first_login`]'s refusals; the redirect.
async fn first_login_continue(web: &WebClient, new_password: &str) -> String {
    let res = web
        .post_from_page(
            "/login/ny-adgangskode",
            "/api/auth/login-new-password",
            &[("password", new_password), ("repeat", new_password)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    location(&res).unwrap()
}

/// The code step's answer to `code`, as the app's own client posts it.
async fn answer_code(web: &WebClient, path: &str, code: &str) -> (StatusCode, String) {
    let page = if path.ends_with("login-enrol") {
        "/login/tofaktor/opsaet"
    } else {
        "/login/tofaktor"
    };
    let token = web.csrf_token_on(page).await;
    let res = web
        .post_data(path, &with_token(&token, &[("code", code)]))
        .await;
    (res.status(), res.text().await.unwrap())
}

/// Logs out and back in with the password, to the code page.
async fn again_to_the_code(web: &WebClient, username: &str, password: &str) {
    let token = web.csrf_token_on("/leder").await;
    let res = web
        .post_form("/api/auth/logout", &[("csrf_token", &token)])
        .await;
    assert_eq!(location(&res).as_deref(), Some("/"));
    let res = web.login((username, password)).await;
    assert_eq!(location(&res).as_deref(), Some("/login/tofaktor"));
}

#[tokio::test]
async fn a_team_lead_sets_up_two_factor_login_and_each_code_works_once() {
    let server = TestServer::start().await;
    let (admin, _) = staff(&server, demo::ADMIN).await;
    add_person(&admin, "ny.leder", "Nina Leder", "lead").await;
    let lead = WebClient::new(&server);
    let password = "nina-leder-kodeord-2026";

    // The new password first, then the set-up: a QR code, the key as text, ten codes.
    assert_eq!(
        first_login(&lead, "ny.leder", password).await,
        "/login/tofaktor/opsaet"
    );
    assert_ne!(
        lead.page("/leder").await.0,
        StatusCode::OK,
        "no session yet"
    );
    let (status, html) = lead.page("/login/tofaktor/opsaet").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<svg") && html.contains("role=\"img\""),
        "a QR code"
    );
    assert!(!html.contains("<script>"), "the SVG is ours");
    let secret_text = Regex::new(r#"id="totp-secret"[^>]*>([A-Z2-7 ]+)<"#)
        .unwrap()
        .captures(&html)
        .expect("the key as text")[1]
        .to_owned();
    let secret = secret_from_text(&secret_text);
    assert_eq!(secret.len(), 20, "160 bits");
    let codes: Vec<String> =
        Regex::new(r"<li><code>([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})</code>")
            .unwrap()
            .captures_iter(&html)
            .map(|c| c[1].to_owned())
            .collect();
    assert_eq!(codes.len(), 10, "ten recovery codes");
    let (_, again) = lead.page("/login/tofaktor/opsaet").await;
    assert!(again.contains(&secret_text), "a reload shows the same key");

    // A wrong or malformed code is refused; the right one completes the login.
    let (status, body) = answer_code(&lead, "/api/auth/login-enrol", "000000").await;
    let wrong_is_right_by_chance = code_at(&secret, current_step()) == "000000";
    if !wrong_is_right_by_chance {
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains("forkert eller allerede brugt"), "{body}");
    }
    for hostile in ["\"><svg onload=alert(1)>", "12345\0", "１２３４５６"] {
        let (status, _) = answer_code(&lead, "/api/auth/login-enrol", hostile).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{hostile:?}");
    }
    let step = current_step();
    let res = lead
        .post_from_page(
            "/login/tofaktor/opsaet",
            "/api/auth/login-enrol",
            &[("code", &code_at(&secret, step))],
        )
        .await;
    mark_used(&server.desk_key(), "ny.leder", step);
    assert_eq!(location(&res).as_deref(), Some("/leder"));
    assert_eq!(lead.page("/leder").await.0, StatusCode::OK);

    // The secret is stored sealed, never as it is.
    let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let contains = if postgres::active() {
        format!("position('\\x{hex}'::bytea in totp_secret) > 0")
    } else {
        format!("instr(totp_secret, x'{hex}') > 0")
    };
    let stored_plain = db_count(
        server.data_dir(),
        &format!("SELECT COUNT(*) FROM staff_users WHERE {contains}"),
    );
    assert_eq!(stored_plain, 0);

    // Next login: the code step. The code just used is refused (replay); a fresh one works.
    again_to_the_code(&lead, "ny.leder", password).await;
    let (status, _) = answer_code(&lead, "/api/auth/login-code", &code_at(&secret, step)).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a code is accepted once"
    );
    let fresh = fresh_code(&server.desk_key(), "ny.leder", &secret).await;
    let res = lead
        .post_from_page(
            "/login/tofaktor",
            "/api/auth/login-code",
            &[("code", &fresh)],
        )
        .await;
    assert_eq!(location(&res).as_deref(), Some("/leder"));

    // A recovery code works once, typed any way.
    again_to_the_code(&lead, "ny.leder", password).await;
    let res = lead
        .post_from_page(
            "/login/tofaktor",
            "/api/auth/login-code",
            &[("code", &codes[0])],
        )
        .await;
    assert_eq!(location(&res).as_deref(), Some("/leder"));
    again_to_the_code(&lead, "ny.leder", password).await;
    let (status, _) = answer_code(&lead, "/api/auth/login-code", &codes[0]).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a spent recovery code"
    );
    let typed = codes[1].to_lowercase().replace('-', " ");
    let res = lead
        .post_from_page(
            "/login/tofaktor",
            "/api/auth/login-code",
            &[("code", &typed)],
        )
        .await;
    assert_eq!(location(&res).as_deref(), Some("/leder"));
    let (_, html) = admin.page("/admin/personale/ny.leder").await;
    assert!(html.contains("8 ubrugte gendannelseskoder"), "{html}");

    // The throttle covers the code step: after a few wrong codes even the right one waits.
    again_to_the_code(&lead, "ny.leder", password).await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            answer_code(&lead, "/api/auth/login-code", "ABCD-EFGH-JKLM-NPQR")
                .await
                .0,
        );
    }
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "wrong codes are throttled: {statuses:?}"
    );
    let right = fresh_code(&server.desk_key(), "ny.leder", &secret).await;
    let (status, body) = answer_code(&lead, "/api/auth/login-code", &right).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(body.contains("TooManyAttempts"), "{body}");

    // A lost phone: the administrator removes the factor; the next login sets up a new one.
    let to = change(&admin, "ny.leder", &[("action", "reset-2fa")]).await;
    assert_eq!(
        to.as_deref(),
        Some("/admin/personale/ny.leder?gemt=staff.2fa.reset")
    );
    let (ok, out, err) = run_cli(
        server.data_dir(),
        &["user", "unlock", "--username", "ny.leder"],
        "",
    )
    .await;
    assert!(ok, "{out}{err}");
    let res = WebClient::new(&server).login(("ny.leder", password)).await;
    assert_eq!(location(&res).as_deref(), Some("/login/tofaktor/opsaet"));
    assert_eq!(
        db_count(
            server.data_dir(),
            "SELECT COUNT(*) FROM recovery_codes r JOIN staff_users u ON u.id = r.user_id WHERE u.username = 'ny.leder'"
        ),
        0,
        "the old recovery codes are gone"
    );
    let actions = audit_actions(server.data_dir(), "ny.leder");
    for wanted in [
        "staff.2fa.enrolled",
        "login.recovery_code",
        "staff.2fa.reset",
    ] {
        assert!(
            actions.iter().any(|a| a == wanted),
            "{wanted} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn a_login_step_without_its_cookie_or_after_it_expired_starts_over() {
    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    for page in [
        "/login/tofaktor",
        "/login/tofaktor/opsaet",
        "/login/ny-adgangskode",
    ] {
        let (status, html) = web.page(page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            html.contains("Dit login er udløbet eller afbrudt"),
            "{page}: {html}"
        );
        assert!(html.contains("href=\"/login\""), "{page}");
    }
    let res = web
        .call("/api/auth/login-code", &[("code", "123456")])
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // A made-up step cookie is no better.
    let (cookie, token) = anonymous_csrf(&server).await;
    let res = reqwest::Client::new()
        .post(server.at("/api/auth/login-code"))
        .header(
            reqwest::header::COOKIE,
            format!("{cookie}; desk_login_step={}", "A".repeat(43)),
        )
        .form(&[("csrf_token", token.as_str()), ("code", "123456")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn with_desk_require_2fa_every_role_sets_up_a_second_factor() {
    let server = TestServer::start_with(&[("DESK_REQUIRE_2FA", "true")]).await;
    for login in [demo::SUPPORTER, demo::BORGERSERVICE] {
        let web = WebClient::new(&server);
        let res = web.login(login).await;
        assert_eq!(
            location(&res).as_deref(),
            Some("/login/tofaktor/opsaet"),
            "{}",
            login.0
        );
    }
    // The demo admin is set up already and goes to the code.
    let web = WebClient::new(&server);
    let token = web.csrf_token().await;
    let res = web.login_with(&token, demo::ADMIN, &[]).await;
    assert_eq!(location(&res).as_deref(), Some("/login/tofaktor"));
}

#[tokio::test]
async fn the_command_line_disables_enables_reassigns_and_resets_staff() {
    let server = TestServer::start().await;
    let dir = server.data_dir();
    let (supporter, _) = staff(&server, demo::SUPPORTER).await;
    let cli = |args: &'static [&'static str], stdin: &'static str| run_cli(dir, args, stdin);

    let (ok, out, err) = cli(&["user", "disable", "--username", "supporter"], "").await;
    assert!(ok && out.contains("1 session(s) ended"), "{out}{err}");
    let res = supporter.get("/support").await;
    assert!(location(&res).is_some_and(|l| l.starts_with("/login")));
    let (ok, out, _) = cli(&["user", "list"], "").await;
    assert!(ok);
    let line = out.lines().find(|l| l.starts_with("supporter ")).unwrap();
    assert!(line.contains("disabled"), "{line}");
    let admin_line = out.lines().find(|l| l.starts_with("admin ")).unwrap();
    assert!(
        admin_line.contains(" on "),
        "the demo admin has 2FA: {admin_line}"
    );

    let (ok, ..) = cli(&["user", "enable", "--username", "supporter"], "").await;
    assert!(ok);
    let (ok, ..) = cli(
        &["user", "role", "--username", "supporter", "--role", "lead"],
        "",
    )
    .await;
    assert!(ok);
    let (ok, out, err) = cli(
        &["user", "reset-password", "--username", "supporter"],
        "kort\n",
    )
    .await;
    assert!(!ok && err.contains("at least 12 characters"), "{out}{err}");
    let (ok, ..) = cli(
        &["user", "reset-password", "--username", "supporter"],
        "midlertidig-kode-2026\n",
    )
    .await;
    assert!(ok);
    // A lead now, with a temporary password: a new password, then the second factor.
    let web = WebClient::new(&server);
    assert_eq!(
        first_login(&web, "supporter", "sara-nyt-kodeord-2026").await,
        "/login/tofaktor/opsaet"
    );

    // The desk keeps an administrator.
    let (ok, _, err) = cli(&["user", "disable", "--username", "admin"], "").await;
    assert!(!ok && err.contains("last active administrator"), "{err}");
    let (ok, _, err) = cli(
        &["user", "role", "--username", "ingen", "--role", "admin"],
        "",
    )
    .await;
    assert!(!ok && err.contains("No staff member"), "{err}");
    assert_eq!(
        audit_actions(dir, "supporter")
            .iter()
            .filter(|a| a.starts_with("staff."))
            .count(),
        5,
        "disable, enable, role, reset, own password"
    );
}

#[tokio::test]
async fn by_keyboard_an_administrator_adds_a_team_lead_who_sets_up_the_app() {
    use desk_tests::browser::{
        Browser, HYDRATED, focused_id, press, tab_until, type_keys, wait_for,
    };
    use fantoccini::Locator;
    use fantoccini::key::Key;

    let server = TestServer::start().await;
    let browser = Browser::start().await;
    let c = &browser.client;

    // The administrator (password, then the code) adds a person from the staff page.
    browser.log_in_by_keyboard(&server, demo::ADMIN).await;
    wait_for(c, Locator::Css("h1")).await;
    c.goto(&server.at("/admin/personale")).await.unwrap();
    wait_for(c, Locator::Id("staff-table")).await;
    wait_for(c, HYDRATED).await;
    let violations = desk_tests::axe::violations(c).await;
    assert!(
        violations.is_empty(),
        "axe on the staff list: {violations:#?}"
    );
    tab_until(c, |id| id == "new-name").await;
    type_keys(c, "Tove Teamleder").await;
    press(c, Key::Tab).await;
    type_keys(c, "tove").await;
    press(c, Key::Tab).await;
    assert_eq!(focused_id(c).await, "new-role");
    // The role list: supporter is chosen; "Teamleder" is the next option.
    press(c, Key::Down).await;
    press(c, Key::Tab).await;
    type_keys(c, TEMPORARY).await;
    browser.screenshot("staff-add").await;
    press(c, Key::Enter).await;
    wait_for(c, Locator::Id("staff-facts")).await;
    let facts = c
        .find(Locator::Id("staff-facts"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        facts.contains("Teamleder") && facts.contains("Aldrig"),
        "{facts}"
    );
    let violations = desk_tests::axe::violations(c).await;
    assert!(
        violations.is_empty(),
        "axe on a person's page: {violations:#?}"
    );
    browser.screenshot("staff-member").await;
    browser.close().await;

    // Tove: the temporary password, her own, then the app, all by keyboard.
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&server.at("/login")).await.unwrap();
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys("tove")
        .await
        .unwrap();
    press(c, Key::Tab).await;
    type_keys(c, TEMPORARY).await;
    press(c, Key::Enter).await;
    wait_for(c, Locator::Id("repeat")).await;
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys("mit-eget-kodeord-2026")
        .await
        .unwrap();
    press(c, Key::Tab).await;
    type_keys(c, "mit-eget-kodeord-2026").await;
    press(c, Key::Enter).await;
    let key = wait_for(c, Locator::Id("totp-secret")).await;
    let secret = secret_from_text(&key.text().await.unwrap());
    let violations = desk_tests::axe::violations(c).await;
    assert!(
        violations.is_empty(),
        "axe on the set-up page: {violations:#?}"
    );
    browser.screenshot("two-factor-setup").await;
    let code = fresh_code(&server.desk_key(), "tove", &secret).await;
    c.find(Locator::Id("code"))
        .await
        .unwrap()
        .send_keys(&code)
        .await
        .unwrap();
    press(c, Key::Enter).await;
    wait_for(c, Locator::Css("h1")).await;
    for _ in 0..100 {
        if c.current_url().await.unwrap().path() == "/leder" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(c.current_url().await.unwrap().path(), "/leder");
    browser.close().await;
}
