//! The e-mails the desk sends citizens, in Danish and English, each with a plain-text and an
//! HTML part. Every piece of text goes through `cpr::redact` before the parts are put together,
//! and every finished part once more: whatever a template is handed, a CPR number never
//! leaves in an e-mail.

use std::sync::Arc;

use html_escape::encode_text;

use crate::domain::email::{Confirmation, Rendered};
use crate::domain::rating::Score;
use crate::domain::{SupportContacts, cpr};
use crate::i18n::Lang;

/// What happened, with what the citizen needs to know about it.
#[derive(Clone, Debug)]
pub enum Template<'a> {
    /// A case was created from the contact form. It goes to whatever address the form was
    /// given, so it carries nothing the sender wrote (not even a name): only the reference,
    /// the status link and our own fixed text. Otherwise the form would relay anyone's text,
    /// under our name, to anyone.
    CaseReceived {
        reference: &'a str,
        status_url: Option<&'a str>,
    },
    /// A supporter's answer.
    Reply {
        reference: &'a str,
        subject: &'a str,
        body: &'a str,
        supporter: &'a str,
    },
    CaseResolved {
        reference: &'a str,
        subject: &'a str,
        /// The one-click satisfaction link without its score (`…/vurdering/<token>`), when
        /// the case is not rated yet.
        rating_url: Option<&'a str>,
    },
    /// A login means or the whole MitID was blocked.
    BlockConfirmed {
        reference: &'a str,
        what: &'a str,
        when: &'a str,
        permanent: bool,
    },
    TemporaryBlockLifted {
        reference: &'a str,
        what: &'a str,
        when: &'a str,
    },
    /// A MitID Erhverv block, to the one who asked and the organisation's administrators.
    BusinessBlockConfirmed {
        reference: &'a str,
        /// "Kodeviser CD123 for Jens Jensen".
        what: &'a str,
        organisation: &'a str,
        cvr: &'a str,
        when: &'a str,
        permanent: bool,
    },
    /// A known problem (incident) the case was linked to is over: the lead's closing text,
    /// in the citizen's language.
    IncidentResolved {
        reference: &'a str,
        subject: &'a str,
        closing: &'a str,
    },
    /// The Borgerservice visit, summed up.
    CounterReceipt {
        reference: &'a str,
        when: &'a str,
        lines: &'a [String],
    },
}

/// The contact form's confirmation: reference, status link and fixed text in the citizen's
/// language. It is given nothing the sender wrote, so it cannot carry any of it.
pub fn received_confirmation(
    lang: Lang,
    contacts: SupportContacts,
    status_url: String,
) -> Confirmation {
    Arc::new(move |reference| {
        render(
            &Template::CaseReceived {
                reference,
                status_url: Some(&status_url),
            },
            lang,
            &contacts,
        )
    })
}

/// One paragraph of a message: plain text, with an optional link at the end, or a list of
/// labelled links to choose from.
struct Para {
    text: String,
    link: Option<String>,
    choices: Vec<(String, String)>,
}

fn para(text: impl Into<String>) -> Para {
    Para {
        text: text.into(),
        link: None,
        choices: Vec::new(),
    }
}

fn link(text: impl Into<String>, url: &str) -> Para {
    Para {
        link: Some(url.to_owned()),
        ..para(text)
    }
}

/// The five scores of a rating link, each its own link (one click records it).
fn rating_choices(text: String, rating_url: &str, lang: Lang) -> Para {
    Para {
        choices: Score::ALL
            .iter()
            .map(|s| {
                (
                    format!("{} – {}", s.value(), s.label(lang)),
                    format!("{rating_url}?karakter={}", s.value()),
                )
            })
            .collect(),
        ..para(text)
    }
}

pub fn render(template: &Template<'_>, lang: Lang, contacts: &SupportContacts) -> Rendered {
    let da = lang == Lang::Da;
    let pick = |d: &str, e: &str| if da { d.to_owned() } else { e.to_owned() };
    let phone = &contacts.mitid_support_phone;
    let hours = contacts.mitid_support_hours(lang);
    let (subject, greeting, paras): (String, String, Vec<Para>) = match template {
        Template::CaseReceived {
            reference,
            status_url,
        } => {
            let theft = &contacts.identity_theft_phone;
            let mut paras = vec![
                para(if da {
                    format!(
                        "Vi har modtaget en henvendelse fra vores kontaktformular med denne e-mailadresse. Den har sagsnummer {reference}."
                    )
                } else {
                    format!(
                        "We have received a request from our contact form with this e-mail address. Its case number is {reference}."
                    )
                }),
                para(pick(
                    "Vi svarer så hurtigt som muligt. Du kan svare på denne e-mail, hvis du vil tilføje noget.",
                    "We will answer as soon as we can. You can reply to this e-mail to add something.",
                )),
                para(if da {
                    format!(
                        "Skal dit MitID spærres med det samme, eller tror du, at nogen misbruger det, så ring til hotlinen for identitetstyveri på {theft} (døgnåben). En skriftlig henvendelse spærrer ikke noget."
                    )
                } else {
                    format!(
                        "If your MitID must be blocked right away, or you think someone is misusing it, call the identity-theft hotline on {theft} (24 hours). A written request does not block anything."
                    )
                }),
                para(pick(
                    "Har du ikke selv skrevet til os, kan du se bort fra denne e-mail.",
                    "If you did not write to us, you can ignore this e-mail.",
                )),
            ];
            if let Some(url) = status_url {
                paras.push(link(
                    pick(
                        "Følg sagen her (linket er personligt, del det ikke):",
                        "Follow the case here (the link is personal, do not share it):",
                    ),
                    url,
                ));
            }
            (
                format!(
                    "{reference}: {}",
                    pick(
                        "Vi har modtaget din henvendelse",
                        "We have received your request"
                    )
                ),
                pick("Kære borger", "Dear citizen"),
                paras,
            )
        }
        Template::Reply {
            reference,
            subject,
            body,
            supporter,
        } => (
            format!("{reference}: {subject}"),
            pick("Kære borger", "Dear citizen"),
            body.split("\n\n")
                .map(|p| para(p.trim()))
                .chain([para(if da {
                    format!("Venlig hilsen\n{supporter}, Supportlinjen")
                } else {
                    format!("Kind regards\n{supporter}, the support line")
                })])
                .collect(),
        ),
        Template::CaseResolved {
            reference,
            subject,
            rating_url,
        } => (
            format!(
                "{reference}: {}",
                pick("Din sag er løst", "Your case is resolved")
            ),
            pick("Kære borger", "Dear citizen"),
            [
                para(if da {
                    format!("Vi har løst din sag {reference} «{subject}».")
                } else {
                    format!("We have resolved your case {reference} “{subject}”.")
                }),
                para(pick(
                    "Er der stadig noget, du mangler hjælp til, så svar på denne e-mail, så åbner vi sagen igen.",
                    "If you still need help, reply to this e-mail and we will reopen the case.",
                )),
            ]
            .into_iter()
            .chain(rating_url.map(|url| {
                rating_choices(
                    pick(
                        "Hvor tilfreds er du med hjælpen? Klik på et tal fra 1 (meget utilfreds) til 5 (meget tilfreds). Det tager ét klik, og du kan skrive en kommentar bagefter.",
                        "How satisfied are you with the help? Click a number from 1 (very dissatisfied) to 5 (very satisfied). It takes one click, and you can add a comment afterwards.",
                    ),
                    url,
                    lang,
                )
            }))
            .collect(),
        ),
        Template::BlockConfirmed {
            reference,
            what,
            when,
            permanent,
        } => {
            let next = if *permanent {
                pick(
                    "Spærringen kan ikke ophæves. Du kan få en ny kodeviser eller kodeoplæser i Borgerservice, eller tilføje MitID-appen, hvis du har et andet aktivt loginmiddel.",
                    "The block cannot be lifted. You can get a new code display or audio code reader at Borgerservice, or add the MitID app if you have another active login means.",
                )
            } else {
                pick(
                    "Spærringen er midlertidig. Når du er sikker på, at ingen andre kan bruge dit MitID, kan du ringe til os og få den ophævet, efter at vi har bekræftet din identitet.",
                    "The block is temporary. When you are sure nobody else can use your MitID, call us to have it lifted once we have confirmed your identity.",
                )
            };
            (
                format!(
                    "{reference}: {}",
                    pick("Spærring bekræftet", "Block confirmed")
                ),
                pick("Kære borger", "Dear citizen"),
                vec![
                    para(if da {
                        format!("Vi har spærret {what} den {when}.")
                    } else {
                        format!("We blocked {what} on {when}.")
                    }),
                    para(next),
                    para(if da {
                        format!(
                            "Har du ikke selv bedt om spærringen, så ring straks til MitID Support på {phone} ({hours})."
                        )
                    } else {
                        format!(
                            "If you did not ask for this block, call MitID Support at once on {phone} ({hours})."
                        )
                    }),
                ],
            )
        }
        Template::BusinessBlockConfirmed {
            reference,
            what,
            organisation,
            cvr,
            when,
            permanent,
        } => {
            let next = if *permanent {
                pick(
                    "Spærringen kan ikke ophæves. Organisationens brugeradministrator kan give medarbejderen et nyt loginmiddel i MitID Erhverv.",
                    "The block cannot be lifted. The organisation's user administrator can give the employee a new login means in MitID Erhverv.",
                )
            } else {
                pick(
                    "Spærringen gælder, til organisationens administrator genåbner identiteten i MitID Erhverv, når misbruget er afklaret.",
                    "The block lasts until the organisation's administrator reopens the identity in MitID Erhverv, once the misuse is cleared up.",
                )
            };
            (
                format!(
                    "{reference}: {}",
                    pick(
                        "MitID Erhverv-spærring bekræftet",
                        "MitID Erhverv block confirmed"
                    )
                ),
                pick(
                    "Til organisationens administratorer",
                    "To the organisation's administrators",
                ),
                vec![
                    para(if da {
                        format!("Vi har spærret {what} i {organisation} (CVR {cvr}) den {when}.")
                    } else {
                        format!("We blocked {what} in {organisation} (CVR {cvr}) on {when}.")
                    }),
                    para(next),
                    para(if da {
                        format!(
                            "Er spærringen ikke bedt om af jer, så ring straks til MitID Support på {phone} ({hours})."
                        )
                    } else {
                        format!(
                            "If none of you asked for this block, call MitID Support at once on {phone} ({hours})."
                        )
                    }),
                ],
            )
        }
        Template::TemporaryBlockLifted {
            reference,
            what,
            when,
        } => (
            format!(
                "{reference}: {}",
                pick("Spærringen er ophævet", "The block is lifted")
            ),
            pick("Kære borger", "Dear citizen"),
            vec![
                para(if da {
                    format!(
                        "Vi har ophævet den midlertidige spærring af {what} den {when}. Du kan bruge dit MitID igen."
                    )
                } else {
                    format!(
                        "We lifted the temporary block of {what} on {when}. You can use your MitID again."
                    )
                }),
                para(if da {
                    format!(
                        "Har du ikke selv bedt om det, så ring straks til MitID Support på {phone}."
                    )
                } else {
                    format!("If you did not ask for this, call MitID Support at once on {phone}.")
                }),
            ],
        ),
        Template::IncidentResolved {
            reference,
            subject,
            closing,
        } => (
            format!(
                "{reference}: {}",
                pick("Driftsproblemet er løst", "The service problem is resolved")
            ),
            pick("Kære borger", "Dear citizen"),
            vec![
                para(*closing),
                para(if da {
                    format!(
                        "Din sag {reference} «{subject}» handlede om dette problem, og vi har derfor lukket den som løst."
                    )
                } else {
                    format!(
                        "Your case {reference} “{subject}” was about this problem, so we have marked it as resolved."
                    )
                }),
                para(pick(
                    "Er der stadig noget, du mangler hjælp til, så svar på denne e-mail, så åbner vi sagen igen.",
                    "If you still need help, reply to this e-mail and we will reopen the case.",
                )),
            ],
        ),
        Template::CounterReceipt {
            reference,
            when,
            lines,
        } => (
            format!(
                "{reference}: {}",
                pick("Kvittering fra Borgerservice", "Receipt from Borgerservice")
            ),
            pick("Kære borger", "Dear citizen"),
            std::iter::once(para(if da {
                format!("Her er kvitteringen for dit besøg i Borgerservice {when}:")
            } else {
                format!("Here is the receipt for your visit to Borgerservice on {when}:")
            }))
            .chain(lines.iter().map(|l| para(format!("• {l}"))))
            .chain([para(pick(
                "Aktiveringskoden står kun på papirkvitteringen, aldrig i en e-mail.",
                "The activation code is only on the paper receipt, never in an e-mail.",
            ))])
            .collect(),
        ),
    };
    let footer = if da {
        format!(
            "MitID Support: {phone} ({hours}). Vi beder dig aldrig om din adgangskode eller dit CPR-nummer på e-mail."
        )
    } else {
        format!(
            "MitID Support: {phone} ({hours}). We never ask for your password or CPR number by e-mail."
        )
    };

    // Redacted before the parts are put together, not only after: the HTML part turns line
    // breaks into "<br>", and "120346<br>1235" reads as a CPR number in a mail client without
    // looking like one to a text scan.
    let (subject, greeting, footer) = (
        cpr::redact(&subject),
        cpr::redact(&greeting),
        cpr::redact(&footer),
    );
    let paras: Vec<Para> = paras
        .into_iter()
        .map(|p| Para {
            text: cpr::redact(&p.text),
            link: p.link.map(|url| cpr::redact(&url)),
            choices: p.choices,
        })
        .collect();
    let mut text = format!("{greeting}\n\n");
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family:sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a\">\
         <p>{}</p>",
        lang.code(),
        encode_text(&subject),
        encode_text(&greeting)
    );
    for p in &paras {
        text.push_str(&p.text);
        let body = encode_text(&p.text).replace('\n', "<br>");
        match &p.link {
            Some(url) => {
                text.push('\n');
                text.push_str(url);
                html.push_str(&format!(
                    "<p>{body}<br><a href=\"{0}\">{0}</a></p>",
                    html_escape::encode_double_quoted_attribute(url)
                ));
            }
            None => html.push_str(&format!("<p>{body}</p>")),
        }
        if !p.choices.is_empty() {
            html.push_str("<ul>");
            for (label, url) in &p.choices {
                text.push_str(&format!("\n{label}: {url}"));
                html.push_str(&format!(
                    "<li><a href=\"{}\">{}</a></li>",
                    html_escape::encode_double_quoted_attribute(url),
                    encode_text(label)
                ));
            }
            html.push_str("</ul>");
        }
        text.push_str("\n\n");
    }
    text.push_str("-- \n");
    text.push_str(&footer);
    text.push('\n');
    html.push_str(&format!(
        "<hr><p style=\"font-size:14px;color:#444\">{}</p></body></html>",
        encode_text(&footer)
    ));
    Rendered {
        subject: cpr::redact(&subject),
        text: cpr::redact(&text),
        html: cpr::redact(&html),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_templates<'a>(lines: &'a [String]) -> Vec<Template<'a>> {
        // Every free-text input carries a CPR number, as a careless supporter might type it.
        vec![
            Template::CaseReceived {
                reference: "SAG-2026-000001",
                status_url: Some("https://desk.example/sag/status/abc"),
            },
            Template::Reply {
                reference: "SAG-2026-000001",
                subject: "Mistet kodeviser",
                body: "Hej\n\nDit CPR 0102031234 er noteret.\n\nMvh",
                supporter: "Sofie",
            },
            Template::CaseResolved {
                reference: "SAG-2026-000001",
                subject: "CPR 010203 1234",
                rating_url: Some("https://desk.example/vurdering/tok"),
            },
            Template::BlockConfirmed {
                reference: "SAG-2026-000001",
                what: "kodeviser 12345678 (010203-1234)",
                when: "23-11-2026 10:15",
                permanent: true,
            },
            Template::TemporaryBlockLifted {
                reference: "SAG-2026-000001",
                what: "dit MitID",
                when: "23-11-2026 10:15",
            },
            Template::CounterReceipt {
                reference: "SAG-2026-000001",
                when: "23-11-2026",
                lines,
            },
            Template::IncidentResolved {
                reference: "SAG-2026-000001",
                subject: "MitID virker ikke",
                closing: "MitID virker igen. Borger 010203-1234 skrev.",
            },
        ]
    }

    #[test]
    fn a_resolution_carries_five_one_click_rating_links_only_when_given_one() {
        for lang in [Lang::Da, Lang::En] {
            let with = render(
                &Template::CaseResolved {
                    reference: "SAG-2026-000009",
                    subject: "Kodeviser",
                    rating_url: Some("https://desk.example/vurdering/tok\"x"),
                },
                lang,
                &SupportContacts::default(),
            );
            for n in 1..=5 {
                let url = format!("https://desk.example/vurdering/tok\"x?karakter={n}");
                assert!(with.text.contains(&url), "{}", with.text);
                let attr =
                    format!("href=\"https://desk.example/vurdering/tok&quot;x?karakter={n}\"");
                assert!(with.html.contains(&attr), "{}", with.html);
            }
            let without = render(
                &Template::CaseResolved {
                    reference: "SAG-2026-000009",
                    subject: "Kodeviser",
                    rating_url: None,
                },
                lang,
                &SupportContacts::default(),
            );
            assert!(!without.text.contains("karakter="));
        }
    }

    #[test]
    fn no_message_carries_a_cpr_number() {
        let lines = vec!["Borger 010203-1234 fik kodeviser".to_owned()];
        for template in all_templates(&lines) {
            for lang in [Lang::Da, Lang::En] {
                let r = render(&template, lang, &SupportContacts::default());
                for part in [&r.subject, &r.text, &r.html] {
                    assert!(!cpr::contains_cpr(part), "{template:?} {lang:?}: {part}");
                    assert!(
                        !part.contains("1234") || part.contains("12345678"),
                        "{part}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_spelling_is_redacted_and_line_breaks_do_not_hide_one_in_html() {
        let lines = vec![
            "Borger 120346\u{2013}1235".to_owned(),
            "CPR ١٢٠٣٤٦.١٢٣٥".to_owned(),
        ];
        let templates = [
            Template::Reply {
                reference: "SAG-2026-000001",
                subject: "Nr. 12 03 46 1235",
                body: "Dit nummer 120346\n1235 og 120346\u{a0}1235 og 720346/1235.",
                supporter: "Sofie 1203461235",
            },
            Template::BlockConfirmed {
                reference: "SAG-2026-000001",
                what: "kodeviser (12.03.46-1235)",
                when: "23-11-2026 10:15",
                permanent: false,
            },
            Template::CounterReceipt {
                reference: "SAG-2026-000001",
                when: "23-11-2026",
                lines: &lines,
            },
        ];
        for template in templates {
            for lang in [Lang::Da, Lang::En] {
                let r = render(&template, lang, &SupportContacts::default());
                for part in [&r.subject, &r.text, &r.html] {
                    assert!(!cpr::contains_cpr(part), "{part}");
                    for piece in ["1235", "١٢٣٥"] {
                        assert!(!part.contains(piece), "{template:?}: {part}");
                    }
                }
                assert!(r.text.contains("[CPR]"), "{}", r.text);
            }
        }
    }

    #[test]
    fn danish_and_english_differ_and_name_the_reference() {
        let lines = vec!["MitID oprettet".to_owned()];
        for template in all_templates(&lines) {
            let da = render(&template, Lang::Da, &SupportContacts::default());
            let en = render(&template, Lang::En, &SupportContacts::default());
            assert_ne!(da.text, en.text);
            for r in [&da, &en] {
                assert!(r.subject.starts_with("SAG-2026-000001"), "{}", r.subject);
                assert!(r.html.contains("<html") && r.html.contains("33 98 00 10"));
            }
        }
    }

    #[test]
    fn html_part_escapes_what_people_typed() {
        let r = render(
            &Template::Reply {
                reference: "SAG-2026-000002",
                subject: "<b>hej</b>",
                body: "<script>alert(1)</script>",
                supporter: "Sofie",
            },
            Lang::Da,
            &SupportContacts::default(),
        );
        assert!(!r.html.contains("<script>") && r.html.contains("&lt;script&gt;"));
        assert!(
            r.text.contains("<script>alert(1)</script>"),
            "plain text stays as typed"
        );
    }

    #[test]
    fn received_mail_carries_the_private_status_link() {
        let r = render(
            &Template::CaseReceived {
                reference: "SAG-2026-000003",
                status_url: Some("https://desk.example/sag/status/tok"),
            },
            Lang::En,
            &SupportContacts::default(),
        );
        assert!(r.text.contains("https://desk.example/sag/status/tok"));
        assert!(
            r.html
                .contains("href=\"https://desk.example/sag/status/tok\"")
        );
    }
}
