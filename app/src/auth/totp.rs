//! RFC 6238 codes (through totp-rs): new secrets, checking a typed code against the steps
//! around now, the `otpauth://` address an authenticator app reads, and its QR code as SVG.

use qrcode::QrCode;
use qrcode::render::svg;
use rand::RngCore;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::domain::tokens;
use crate::domain::two_factor::{self, STEP_SECS};

/// The issuer authenticator apps show above the code.
pub const ISSUER: &str = "Supportdesk";
/// 160 bits, RFC 4226's recommended secret length for HMAC-SHA1.
const SECRET_BYTES: usize = 20;

#[derive(Debug, thiserror::Error)]
pub enum TotpError {
    #[error("totp: {0}")]
    Totp(String),
    #[error("qr code: {0}")]
    Qr(#[from] qrcode::types::QrError),
}

pub fn new_secret() -> Vec<u8> {
    let mut bytes = vec![0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

/// The secret as people type it into an app by hand: base32, in groups of four.
pub fn secret_text(secret: &[u8]) -> String {
    let encoded = Secret::Raw(secret.to_vec()).to_encoded().to_string();
    two_factor::format_recovery(&encoded).replace('-', " ")
}

/// A secret typed as base32 (spaces allowed), as apps and [`secret_text`] write it.
pub fn secret_from_text(text: &str) -> Option<Vec<u8>> {
    let compact: String = text
        .split_whitespace()
        .collect::<String>()
        .to_ascii_uppercase();
    Secret::Encoded(compact).to_bytes().ok()
}

fn totp(secret: &[u8], account: &str) -> Result<TOTP, TotpError> {
    // Account names may not hold ':' in an otpauth address; usernames never do.
    let account = account.replace(':', "");
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECS as u64,
        secret.to_vec(),
        Some(ISSUER.to_owned()),
        account,
    )
    .map_err(|e| TotpError::Totp(e.to_string()))
}

/// The code of one time step.
pub fn code_at(secret: &[u8], step: i64) -> Result<String, TotpError> {
    let at = u64::try_from(step.saturating_mul(STEP_SECS)).unwrap_or(0);
    Ok(totp(secret, "x")?.generate(at))
}

/// The step whose code `code` is, among the step before now, now and the one after (clocks
/// drift, people type slowly), if it is later than `after` (the last accepted step: a code is
/// accepted once). Compared in constant time.
pub fn matching_step(
    secret: &[u8],
    code: &str,
    now: i64,
    after: Option<i64>,
) -> Result<Option<i64>, TotpError> {
    let current = two_factor::step_at(now);
    let mut found = None;
    for step in current - 1..=current + 1 {
        if after.is_some_and(|last| step <= last) {
            continue;
        }
        // Every candidate is computed and compared, so timing does not tell which matched.
        if tokens::secrets_match(&code_at(secret, step)?, code) && found.is_none() {
            found = Some(step);
        }
    }
    Ok(found)
}

/// The address an authenticator app reads from the QR code.
pub fn otpauth_url(secret: &[u8], username: &str) -> Result<String, TotpError> {
    Ok(totp(secret, username)?.get_url())
}

/// The QR code of `url` as an SVG element, black on white, sized by the page's CSS.
pub fn qr_svg(url: &str) -> Result<String, TotpError> {
    let code = QrCode::new(url.as_bytes())?;
    let document = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // The element alone: an XML declaration has no place inside an HTML page.
    Ok(document
        .find("<svg")
        .map_or(document.clone(), |at| document[at..].to_owned()))
}

/// Ten new recovery codes (80 random bits each), in their stored form.
pub fn new_recovery_codes() -> Vec<String> {
    let alphabet = two_factor::RECOVERY_ALPHABET;
    (0..two_factor::RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; two_factor::RECOVERY_CHARS];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            // 256 is a multiple of 32: every character is equally likely.
            bytes
                .iter()
                .map(|b| char::from(alphabet[usize::from(*b) % alphabet.len()]))
                .collect()
        })
        .collect()
}

/// What is stored of a recovery code.
pub fn recovery_hash(code: &str) -> Vec<u8> {
    tokens::token_hash(&format!("supportdesk recovery v1\0{code}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B's SHA-1 secret.
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_match_rfc_6238_test_vectors() {
        // The RFC's 8-digit values, cut to 6 (the low digits are the same).
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            assert_eq!(
                code_at(RFC_SECRET, two_factor::step_at(time)).unwrap(),
                eight[2..],
                "at {time}"
            );
        }
    }

    #[test]
    fn a_code_is_accepted_in_the_steps_around_now_and_only_once() {
        const NOW: i64 = 1_800_000_015; // the middle of a step
        let now_step = two_factor::step_at(NOW);
        let code = |step| code_at(RFC_SECRET, step).unwrap();
        for offset in [-1, 0, 1] {
            assert_eq!(
                matching_step(RFC_SECRET, &code(now_step + offset), NOW, None).unwrap(),
                Some(now_step + offset)
            );
        }
        for offset in [-3, -2, 2, 3] {
            assert_eq!(
                matching_step(RFC_SECRET, &code(now_step + offset), NOW, None).unwrap(),
                None,
                "offset {offset}"
            );
        }
        // The step just used, and any before it, is spent.
        assert_eq!(
            matching_step(RFC_SECRET, &code(now_step), NOW, Some(now_step)).unwrap(),
            None
        );
        assert_eq!(
            matching_step(RFC_SECRET, &code(now_step - 1), NOW, Some(now_step)).unwrap(),
            None
        );
        assert_eq!(
            matching_step(RFC_SECRET, &code(now_step + 1), NOW, Some(now_step)).unwrap(),
            Some(now_step + 1)
        );
        assert_eq!(
            matching_step(RFC_SECRET, "000000x", NOW, None).unwrap(),
            None
        );
    }

    #[test]
    fn the_otpauth_address_names_the_desk_and_the_person() {
        let url = otpauth_url(RFC_SECRET, "anne.holm").unwrap();
        assert!(
            url.starts_with("otpauth://totp/Supportdesk:anne.holm?"),
            "{url}"
        );
        assert!(
            url.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            "{url}"
        );
        assert!(url.contains("issuer=Supportdesk"), "{url}");
        let svg = qr_svg(&url).unwrap();
        assert!(
            svg.starts_with("<?xml") || svg.starts_with("<svg"),
            "{}",
            &svg[..40]
        );
        assert!(!svg.contains("<script"));
        assert_eq!(
            secret_text(RFC_SECRET),
            "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
        );
        assert_eq!(
            secret_from_text("gezd gnbv gy3t qojq GEZD GNBV GY3T QOJQ").as_deref(),
            Some(RFC_SECRET)
        );
        assert_eq!(secret_from_text("not base32!"), None);
    }

    #[test]
    fn recovery_codes_are_distinct_well_formed_and_hashed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), 10);
        for c in &codes {
            assert_eq!(
                two_factor::normalize_recovery(c).as_deref(),
                Some(c.as_str())
            );
            assert_eq!(recovery_hash(c), recovery_hash(c));
            assert_ne!(recovery_hash(c), c.as_bytes());
        }
    }
}
