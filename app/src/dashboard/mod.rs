//! The team lead's dashboard (`/leder`): reads the figures through `store::dashboard`, turns
//! them into Danish local buckets, percentiles and shares (`domain::dashboard_figures`), and
//! lays them out as the page's tables and charts. The CSV export reads the same tables, so a
//! download always matches the page. Read-only: nothing here writes or audits.

use time::{Duration, OffsetDateTime};

use crate::domain::counter::{Purpose, VisitState};
use crate::domain::danish_time::{self, Layout};
use crate::domain::dashboard::{DashSection, DashTable, DashboardQuery, DashboardView, Headline};
use crate::domain::dashboard_figures::{
    self as fig, Bounds, Period, QueryError, Series, bar_chart, duration_text, percent, percentile,
};
use crate::domain::help_activity::Activity;
use crate::domain::sla_clock;
use crate::domain::{Channel, Role, Status, System};
use crate::i18n::Lang;
use crate::store::dashboard::{self as facts, Filter, HourCount, RatingCount, Span};
use crate::store::help_counts::HelpCounts;
use crate::store::{Db, StoreError};

/// Rows in the lists (breaching cases, top searches, articles).
const LIST_LIMIT: i64 = 20;
/// The goal for the time from case opened to block confirmed, in seconds.
pub const BLOCK_GOAL_SECONDS: i64 = 60;

#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The query, understood.
struct Parsed {
    period: Period,
    system: Option<System>,
    channel: Option<Channel>,
}

fn parse(query: &DashboardQuery, now_utc: OffsetDateTime) -> Result<Parsed, QueryError> {
    let today = danish_time::local(now_utc).date();
    let period = Period::parse(&query.period, &query.from, &query.to, today)?;
    let system = match query.system.trim() {
        "" => None,
        s => Some(System::parse(s).ok_or(QueryError::UnknownSystem)?),
    };
    let channel = match query.channel.trim() {
        "" => None,
        c => Some(Channel::parse(c).map_err(|_| QueryError::UnknownChannel)?),
    };
    Ok(Parsed {
        period,
        system,
        channel,
    })
}

/// The query as the page should show it again (only what was understood).
fn normalised(p: &Parsed) -> DashboardQuery {
    let (from, to) = match p.period {
        Period::Custom { from, to } => (from.to_string(), to.to_string()),
        _ => (String::new(), String::new()),
    };
    DashboardQuery {
        period: p.period.as_str().into(),
        from,
        to,
        system: p.system.map(|s| s.slug().to_owned()).unwrap_or_default(),
        channel: p.channel.map(|c| c.as_str().to_owned()).unwrap_or_default(),
    }
}

/// Everything the page shows, read now. The help's counts wait in memory for their batch
/// write: what is pending is written first (one write, only when there is something), so the
/// figures are current.
pub async fn build(
    db: &Db,
    help: &HelpCounts,
    query: &DashboardQuery,
    lang: Lang,
) -> Result<DashboardView, DashboardError> {
    help.flush(db).await?;
    build_at(db, query, lang, OffsetDateTime::now_utc()).await
}

/// One table of the page, for the CSV export: `(file name, CSV text)`, or `None` when the page
/// has no table of that name.
pub async fn table_csv(
    db: &Db,
    help: &HelpCounts,
    query: &DashboardQuery,
    lang: Lang,
    table: &str,
) -> Result<Option<(String, String)>, DashboardError> {
    let view = build(db, help, query, lang).await?;
    let found = view
        .sections
        .into_iter()
        .flat_map(|s| s.tables)
        .find(|t| t.id == table);
    Ok(found.map(|t| {
        let name = format!(
            "leder-{}-{}.csv",
            t.id,
            view.period_label
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '-')
                .collect::<String>()
        );
        (name, fig::csv(&t.columns, &t.rows))
    }))
}

async fn build_at(
    db: &Db,
    query: &DashboardQuery,
    lang: Lang,
    now_utc: OffsetDateTime,
) -> Result<DashboardView, DashboardError> {
    let parsed = parse(query, now_utc)?;
    let bounds = fig::bounds(parsed.period, now_utc);
    let system_name = parsed.system.map(System::name).unwrap_or("");
    let channel_name = parsed.channel.map(Channel::as_str).unwrap_or("");
    let filter = Filter {
        system: system_name,
        channel: channel_name,
    };
    let now_section = now_section(db, filter, lang, now_utc).await?;
    let period_section = period_section(db, filter, &bounds, lang).await?;
    let ratings = ratings_section(db, filter, &bounds, lang).await?;
    let knowledge = knowledge_section(db, &bounds, lang).await?;
    let period_label = if bounds.first_day == bounds.last_day {
        bounds.first_day.to_string()
    } else {
        format!("{} – {}", bounds.first_day, bounds.last_day)
    };
    Ok(DashboardView {
        query: normalised(&parsed),
        period_label,
        generated_at: danish_time::write(danish_time::local(now_utc), Layout::Screen),
        sections: vec![now_section, period_section, ratings, knowledge],
    })
}

fn s(text: &str) -> String {
    text.to_owned()
}

/// A table with a row per bucket of the period, a total row, and its bar chart.
struct BucketTable<'a> {
    id: &'a str,
    caption: &'a str,
    /// The first column's heading ("Dag", "Time (dansk tid)").
    bucket_name: &'a str,
    /// A column and a series of bars each: name and one value per bucket.
    series: &'a [(&'a str, &'a [i64])],
    note: &'a str,
}

fn bucket_table(bounds: &Bounds, t: &BucketTable<'_>, lang: Lang) -> DashTable {
    let totals: Vec<i64> = t.series.iter().map(|(_, v)| v.iter().sum()).collect();
    let values: Vec<Vec<f64>> = t
        .series
        .iter()
        .map(|(_, v)| v.iter().map(|x| *x as f64).collect())
        .collect();
    let mut columns = vec![s(t.bucket_name)];
    columns.extend(t.series.iter().map(|(name, _)| s(name)));
    let mut rows: Vec<Vec<String>> = bounds
        .buckets
        .iter()
        .enumerate()
        .map(|(i, bucket)| {
            let mut row = vec![bucket.clone()];
            row.extend(
                t.series
                    .iter()
                    .map(|(_, v)| n(v.get(i).copied().unwrap_or(0))),
            );
            row
        })
        .collect();
    let mut total_row = vec![s(lang.pick("I alt", "Total"))];
    total_row.extend(totals.iter().map(|v| n(*v)));
    rows.push(total_row);
    let desc: String = t
        .series
        .iter()
        .zip(&totals)
        .map(|((name, _), total)| format!("{name}: {total}. "))
        .chain(std::iter::once(s(lang.pick(
            "Tallene står i tabellen under grafen.",
            "The figures are in the table below the chart.",
        ))))
        .collect();
    let series: Vec<Series<'_>> = t
        .series
        .iter()
        .zip(&values)
        .map(|((name, _), values)| Series { name, values })
        .collect();
    DashTable {
        id: s(t.id),
        caption: s(t.caption),
        columns,
        rows,
        chart_svg: Some(bar_chart(
            &format!("chart-{}", t.id),
            t.caption,
            &desc,
            &bounds.buckets,
            &series,
        )),
        note: Some(s(t.note)),
    }
}

fn n(value: i64) -> String {
    value.to_string()
}

async fn now_section(
    db: &Db,
    filter: Filter<'_>,
    lang: Lang,
    now_utc: OffsetDateTime,
) -> Result<DashSection, DashboardError> {
    let now_local = danish_time::local(now_utc);
    let now_text = sla_clock::format(now_local);
    let hour_text = sla_clock::format(now_local + Duration::hours(1));
    let cutoffs = fig::age_cutoffs(now_utc);
    let (open, unassigned, urgent, soon, overdue, online, ages) = tokio::try_join!(
        facts::open_by_system_status(db, filter),
        facts::unassigned_open(db, filter),
        facts::oldest_unanswered_urgent(db, filter),
        facts::breaching_soon(db, filter, &now_text, &hour_text, LIST_LIMIT),
        facts::overdue(db, filter, &now_text),
        facts::online(db, now_utc.unix_timestamp()),
        facts::backlog_ages(db, filter, &cutoffs),
    )?;

    // Open cases: one row per system, a column per open status.
    let statuses = [Status::New, Status::Open, Status::WaitingOnCitizen];
    let mut systems: Vec<String> = open.iter().map(|r| r.system.clone()).collect();
    systems.dedup();
    let count = |system: &str, status: Status| {
        open.iter()
            .filter(|r| r.system == system && r.status == status.as_str())
            .map(|r| r.n)
            .sum::<i64>()
    };
    let total_open: i64 = open.iter().map(|r| r.n).sum();
    let mut open_rows: Vec<Vec<String>> = systems
        .iter()
        .map(|sys| {
            let mut row = vec![sys.clone()];
            row.extend(statuses.iter().map(|st| n(count(sys, *st))));
            row.push(n(statuses.iter().map(|st| count(sys, *st)).sum()));
            row
        })
        .collect();
    let mut total_row = vec![s(lang.pick("I alt", "Total"))];
    total_row.extend(statuses.iter().map(|st| {
        n(open
            .iter()
            .filter(|r| r.status == st.as_str())
            .map(|r| r.n)
            .sum())
    }));
    total_row.push(n(total_open));
    open_rows.push(total_row);
    let open_values: Vec<Vec<f64>> = statuses
        .iter()
        .map(|st| systems.iter().map(|sys| count(sys, *st) as f64).collect())
        .collect();
    let status_names: Vec<String> = statuses.iter().map(|st| s(st.label(lang))).collect();
    let open_series: Vec<Series<'_>> = status_names
        .iter()
        .zip(&open_values)
        .map(|(name, values)| Series { name, values })
        .collect();
    let open_chart = bar_chart(
        "chart-open",
        lang.pick(
            "Åbne sager pr. system og status",
            "Open cases by system and status",
        ),
        &format!(
            "{} {total_open}. {}",
            lang.pick("Åbne sager i alt:", "Open cases in total:"),
            lang.pick(
                "Tallene står i tabellen under grafen.",
                "The figures are in the table below the chart."
            )
        ),
        &systems,
        &open_series,
    );
    let mut columns = vec![s(lang.pick("System", "System"))];
    columns.extend(status_names.iter().cloned());
    columns.push(s(lang.pick("I alt", "Total")));
    let open_table = DashTable {
        id: "open".into(),
        caption: s(lang.pick(
            "Åbne sager pr. system og status",
            "Open cases by system and status",
        )),
        columns,
        rows: open_rows,
        chart_svg: Some(open_chart),
        note: None,
    };

    let breach_table = DashTable {
        id: "breaching".into(),
        caption: s(lang.pick(
            "Sager der overskrider en frist inden for den næste time",
            "Cases breaching a deadline within the next hour",
        )),
        columns: vec![
            s(lang.pick("Sag", "Case")),
            s(lang.pick("System", "System")),
            s(lang.pick("Frist (dansk tid)", "Deadline (Danish time)")),
        ],
        rows: soon
            .iter()
            .map(|c| vec![c.reference.clone(), c.system.clone(), c.at.chars().take(16).collect()])
            .collect(),
        chart_svg: None,
        note: Some(s(lang.pick(
            "Fristen er svarfristen, så længe sagen ikke er besvaret, ellers løsningsfristen. Højst 20 vises.",
            "The deadline is the first-response deadline while the case is unanswered, else the resolution deadline. At most 20 are shown.",
        ))),
    };

    let online_table = DashTable {
        id: "online".into(),
        caption: s(lang.pick("Supportere online", "Supporters online")),
        columns: vec![
            s(lang.pick("Navn", "Name")),
            s(lang.pick("Rolle", "Role")),
            s(lang.pick("Logget ind (dansk tid)", "Logged in (Danish time)")),
        ],
        rows: online
            .iter()
            .map(|o| {
                let since = OffsetDateTime::from_unix_timestamp(o.since)
                    .map(|t| danish_time::write(danish_time::local(t), Layout::Screen))
                    .unwrap_or_default();
                let role = Role::parse(&o.role).map_or_else(|_| o.role.clone(), |r| s(r.label(lang)));
                vec![o.display_name.clone(), role, since]
            })
            .collect(),
        chart_svg: None,
        note: Some(s(lang.pick(
            "Online betyder her: logget ind med en session, der hverken er logget ud eller udløbet. Skrivebordet måler ikke aktivitet, så en supporter, der har forladt pladsen uden at logge ud, tæller med, til sessionen udløber.",
            "Online here means: logged in with a session that has neither been logged out nor expired. The desk does not measure activity, so a supporter who left without logging out counts until the session expires.",
        ))),
    };

    let age_counts = [ages.a0, ages.a1, ages.a2, ages.a3, ages.a4, ages.a5];
    let age_labels: Vec<String> = fig::age_labels(lang).iter().map(|l| s(l)).collect();
    let age_values: Vec<f64> = age_counts.iter().map(|v| *v as f64).collect();
    let backlog_table = DashTable {
        id: "backlog".into(),
        caption: s(lang.pick("Åbne sager efter alder", "Open cases by age")),
        columns: vec![s(lang.pick("Alder", "Age")), s(lang.pick("Sager", "Cases"))],
        rows: age_labels
            .iter()
            .zip(age_counts)
            .map(|(l, c)| vec![l.clone(), n(c)])
            .collect(),
        chart_svg: Some(bar_chart(
            "chart-backlog",
            lang.pick("Åbne sager efter alder", "Open cases by age"),
            lang.pick(
                "Søjler fra de yngste til de ældste sager. Tallene står i tabellen under grafen.",
                "Bars from the youngest to the oldest cases. The figures are in the table below the chart.",
            ),
            &age_labels,
            &[Series {
                name: lang.pick("Sager", "Cases"),
                values: &age_values,
            }],
        )),
        note: None,
    };

    let urgent_headline = match &urgent {
        Some(c) => Headline {
            id: "oldest-urgent".into(),
            label: s(lang.pick(
                "Ældste ubesvarede akutte sag",
                "Oldest unanswered urgent case",
            )),
            value: format!(
                "{} ({}, {} {})",
                c.reference,
                c.system,
                lang.pick("oprettet", "opened"),
                danish_time::display(&c.at)
            ),
            href: Some(format!("/support/sag/{}", c.reference)),
        },
        None => Headline {
            id: "oldest-urgent".into(),
            label: s(lang.pick(
                "Ældste ubesvarede akutte sag",
                "Oldest unanswered urgent case",
            )),
            value: s(lang.pick("Ingen", "None")),
            href: None,
        },
    };
    let headline = |id: &str, label: &str, value: i64| Headline {
        id: id.into(),
        label: label.into(),
        value: n(value),
        href: None,
    };
    Ok(DashSection {
        id: "now".into(),
        heading: s(lang.pick("Lige nu", "Right now")),
        intro: s(lang.pick(
            "Sagerne som de står nu, med det valgte system og den valgte kanal.",
            "The cases as they stand now, for the chosen system and channel.",
        )),
        headlines: vec![
            headline(
                "open-total",
                lang.pick("Åbne sager", "Open cases"),
                total_open,
            ),
            headline(
                "unassigned",
                lang.pick("Åbne sager uden ejer", "Open cases nobody has claimed"),
                unassigned,
            ),
            urgent_headline,
            headline(
                "overdue",
                lang.pick("Over en frist nu", "Past a deadline now"),
                overdue,
            ),
            headline(
                "breaching-soon",
                lang.pick(
                    "Overskrider en frist inden for en time",
                    "Breach a deadline within an hour",
                ),
                soon.len() as i64,
            ),
            headline(
                "online-count",
                lang.pick("Supportere online", "Supporters online"),
                online.len() as i64,
            ),
        ],
        tables: vec![open_table, breach_table, backlog_table, online_table],
    })
}

async fn period_section(
    db: &Db,
    filter: Filter<'_>,
    bounds: &Bounds,
    lang: Lang,
) -> Result<DashSection, DashboardError> {
    let (start, end) = (fig::utc_text(bounds.start), fig::utc_text(bounds.end));
    let span = Span {
        start: &start,
        end: &end,
    };
    let (created, resolved, first, resolution, (within, resolved_total), blocks, block_secs) = tokio::try_join!(
        facts::created_per_hour(db, filter, span),
        facts::resolved_per_hour(db, filter, span),
        facts::first_response_histogram(db, filter, span),
        facts::resolution_histogram(db, filter, span),
        facts::sla_met(db, filter, span),
        facts::blocks_per_hour(db, filter, span),
        facts::block_seconds(db, filter, span),
    )?;
    let bucket_name = if bounds.by_hour {
        lang.pick("Time (dansk tid)", "Hour (Danish time)")
    } else {
        lang.pick("Dag", "Day")
    };

    let created_s = fig::series(bounds, &created);
    let resolved_s = fig::series(bounds, &resolved);
    let flow = bucket_table(
        bounds,
        &BucketTable {
            id: "flow",
            caption: lang.pick("Oprettede og løste sager", "Cases created and resolved"),
            bucket_name,
            series: &[
                (lang.pick("Oprettet", "Created"), &created_s),
                (lang.pick("Løst", "Resolved"), &resolved_s),
            ],
            note: lang.pick(
                "Løst: sager, der blev løst eller lukket i perioden (en genåbnet sag tæller, når den løses igen).",
                "Resolved: cases resolved or closed in the period (a reopened case counts when it is resolved again).",
            ),
        },
        lang,
    );

    let count = |h: &[(i64, i64)]| h.iter().map(|(_, c)| c).sum::<i64>();
    let times = DashTable {
        id: "times".into(),
        caption: s(lang.pick("Svartid og løsningstid", "First-response and resolution time")),
        columns: vec![
            s(lang.pick("Mål", "Measure")),
            s(lang.pick("Sager", "Cases")),
            s("p50"),
            s("p90"),
        ],
        rows: vec![
            vec![
                s(lang.pick("Første svar (sager oprettet i perioden)", "First response (cases created in the period)")),
                n(count(&first)),
                duration_text(percentile(&first, 50.0), lang),
                duration_text(percentile(&first, 90.0), lang),
            ],
            vec![
                s(lang.pick("Løsning (sager løst i perioden)", "Resolution (cases resolved in the period)")),
                n(count(&resolution)),
                duration_text(percentile(&resolution, 50.0), lang),
                duration_text(percentile(&resolution, 90.0), lang),
            ],
        ],
        chart_svg: None,
        note: Some(s(lang.pick(
            "Kalendertid fra sagen blev oprettet, i hele minutter. p50: halvdelen af sagerne var hurtigere; p90: ni ud af ti.",
            "Calendar time from the case being opened, in whole minutes. p50: half the cases were faster; p90: nine in ten.",
        ))),
    };

    let sla = DashTable {
        id: "sla".into(),
        caption: s(lang.pick("Løst inden for fristen (SLA)", "Resolved within the deadline (SLA)")),
        columns: vec![
            s(lang.pick("Løste sager", "Resolved cases")),
            s(lang.pick("Inden for fristen", "Within the deadline")),
            s(lang.pick("Andel", "Share")),
        ],
        rows: vec![vec![n(resolved_total), n(within), percent(within, resolved_total, lang)]],
        chart_svg: None,
        note: Some(s(lang.pick(
            "Løsningsfristen, som den stod, da sagen blev løst (fristen tæller kun i åbningstiden).",
            "The resolution deadline as it stood when the case was resolved (the deadline runs in opening hours only).",
        ))),
    };

    let blocks_s = fig::series(bounds, &blocks);
    let blocks_table = bucket_table(
        bounds,
        &BucketTable {
            id: "blocks",
            caption: lang.pick("Spærringer", "Blocks"),
            bucket_name,
            series: &[(lang.pick("Spærringer", "Blocks"), &blocks_s)],
            note: lang.pick(
                "MitID- og MitID Erhverv-spærringer bekræftet i perioden.",
                "MitID and MitID Erhverv blocks confirmed in the period.",
            ),
        },
        lang,
    );
    let (under, block_total) = fig::share_below(&block_secs, BLOCK_GOAL_SECONDS);
    let block_time = DashTable {
        id: "block-time".into(),
        caption: s(lang.pick(
            "Tid fra sagen blev oprettet til spærringen var bekræftet",
            "Time from case opened to block confirmed",
        )),
        columns: vec![
            s(lang.pick("Spærringer", "Blocks")),
            s("p50"),
            s("p90"),
            s(lang.pick("Under et minut (målet)", "Under a minute (the goal)")),
        ],
        rows: vec![vec![
            n(block_total),
            duration_text(percentile(&block_secs, 50.0), lang),
            duration_text(percentile(&block_secs, 90.0), lang),
            format!("{under} ({})", percent(under, block_total, lang)),
        ]],
        chart_svg: None,
        note: None,
    };

    Ok(DashSection {
        id: "period".into(),
        heading: s(lang.pick("I perioden", "In the period")),
        intro: s(lang.pick(
            "Tal for den valgte periode, system og kanal.",
            "Figures for the chosen period, system and channel.",
        )),
        headlines: vec![],
        tables: vec![flow, times, sla, blocks_table, block_time],
    })
}

/// Ratings `(key, rating, n)` as one row per key: count, mean, and the count per score.
fn rating_rows(counts: &[RatingCount], lang: Lang, nobody: &str) -> Vec<Vec<String>> {
    let mut keys: Vec<&str> = counts.iter().map(|c| c.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.iter()
        .map(|key| {
            let mut per = [0_i64; 5];
            for c in counts.iter().filter(|c| c.key == *key) {
                if let Some(slot) = usize::try_from(c.rating - 1)
                    .ok()
                    .and_then(|i| per.get_mut(i))
                {
                    *slot += c.n;
                }
            }
            let mut row = vec![
                if key.is_empty() {
                    nobody.to_owned()
                } else {
                    (*key).to_owned()
                },
                n(per.iter().sum()),
                fig::mean_rating(&per, lang),
            ];
            row.extend(per.iter().map(|v| n(*v)));
            row
        })
        .collect()
}

async fn ratings_section(
    db: &Db,
    filter: Filter<'_>,
    bounds: &Bounds,
    lang: Lang,
) -> Result<DashSection, DashboardError> {
    let (start, end) = (fig::utc_text(bounds.start), fig::utc_text(bounds.end));
    let span = Span {
        start: &start,
        end: &end,
    };
    let (by_system, by_staff) = tokio::try_join!(
        facts::ratings_by_system(db, filter, span),
        facts::ratings_by_staff(db, filter, span),
    )?;
    let columns = |first: &str| {
        let mut c = vec![
            s(first),
            s(lang.pick("Bedømmelser", "Ratings")),
            s(lang.pick("Gennemsnit", "Average")),
        ];
        c.extend((1..=5).map(|i| {
            format!(
                "{i} {}",
                if i == 1 {
                    lang.pick("stjerne", "star")
                } else {
                    lang.pick("stjerner", "stars")
                }
            )
        }));
        c
    };
    let mut distribution = [0_f64; 5];
    for c in &by_system {
        if let Some(slot) = usize::try_from(c.rating - 1)
            .ok()
            .and_then(|i| distribution.get_mut(i))
        {
            *slot += c.n as f64;
        }
    }
    let labels: Vec<String> = (1..=5).map(|i| i.to_string()).collect();
    let system_table = DashTable {
        id: "ratings-system".into(),
        caption: s(lang.pick("Tilfredshed pr. system", "Satisfaction by system")),
        columns: columns(lang.pick("System", "System")),
        rows: rating_rows(&by_system, lang, "–"),
        chart_svg: Some(bar_chart(
            "chart-ratings",
            lang.pick("Fordeling af bedømmelser (1–5)", "Distribution of ratings (1–5)"),
            lang.pick(
                "Antal bedømmelser for hver score fra 1 til 5. Tallene står i tabellen under grafen.",
                "The number of ratings for each score from 1 to 5. The figures are in the table below the chart.",
            ),
            &labels,
            &[Series {
                name: lang.pick("Bedømmelser", "Ratings"),
                values: &distribution,
            }],
        )),
        note: None,
    };
    let staff_table = DashTable {
        id: "ratings-staff".into(),
        caption: s(lang.pick("Tilfredshed pr. supporter", "Satisfaction by supporter")),
        columns: columns(lang.pick("Supporter", "Supporter")),
        rows: rating_rows(
            &by_staff,
            lang,
            lang.pick("(ingen supporter)", "(no supporter)"),
        ),
        chart_svg: None,
        note: Some(s(lang.pick(
            "Kun teamledere ser denne tabel. Supporteren er den, der løste sagen.",
            "Only team leads see this table. The supporter is the one who resolved the case.",
        ))),
    };
    Ok(DashSection {
        id: "ratings".into(),
        heading: s(lang.pick("Borgernes tilfredshed", "Citizens' satisfaction")),
        intro: s(lang.pick(
            "Bedømmelser (1–5) givet i perioden via linket i mailen om den løste sag.",
            "Ratings (1–5) given in the period through the link in the e-mail about the resolved case.",
        )),
        headlines: vec![],
        tables: vec![system_table, staff_table],
    })
}

async fn knowledge_section(
    db: &Db,
    bounds: &Bounds,
    lang: Lang,
) -> Result<DashSection, DashboardError> {
    let (start, end) = (fig::utc_text(bounds.start), fig::utc_text(bounds.end));
    let span = Span {
        start: &start,
        end: &end,
    };
    let (visits, misses, helpful, activity) = tokio::try_join!(
        facts::counter_visits(db, span),
        facts::top_misses(db, span, LIST_LIMIT),
        facts::helpfulness(db, span, LIST_LIMIT),
        facts::help_activity(db, span),
    )?;
    let (help_table, help_headlines) = help_activity_table(bounds, &activity, lang);
    let visits_table = DashTable {
        id: "counter".into(),
        caption: s(lang.pick(
            "Besøg i Borgerservice efter formål og udfald",
            "Counter visits by purpose and outcome",
        )),
        columns: vec![
            s(lang.pick("Formål", "Purpose")),
            s(lang.pick("Udfald", "Outcome")),
            s(lang.pick("Besøg", "Visits")),
        ],
        rows: visits
            .iter()
            .map(|v| {
                vec![
                    Purpose::parse(&v.purpose)
                        .map_or_else(|| v.purpose.clone(), |p| s(p.label(lang))),
                    VisitState::parse(&v.state)
                        .map_or_else(|| v.state.clone(), |st| s(st.label(lang))),
                    n(v.n),
                ]
            })
            .collect(),
        chart_svg: None,
        note: Some(s(lang.pick(
            "Besøg påbegyndt i perioden (system- og kanalfiltret gælder ikke her).",
            "Visits started in the period (the system and channel filters do not apply here).",
        ))),
    };
    let misses_table = DashTable {
        id: "misses".into(),
        caption: s(lang.pick("Søgninger uden resultat", "Searches without a result")),
        columns: vec![
            s(lang.pick("Søgning", "Query")),
            s(lang.pick("Sprog", "Language")),
            s(lang.pick("Antal", "Count")),
            s(lang.pick("Senest (dansk tid)", "Last (Danish time)")),
        ],
        rows: misses
            .iter()
            .map(|m| vec![m.query.clone(), m.lang.clone(), n(m.count), danish_time::display(&m.last_at)])
            .collect(),
        chart_svg: None,
        note: Some(s(lang.pick(
            "De hyppigste søgninger i vidensbasen uden et eneste hit, som senest blev søgt i perioden. Antallet tæller fra første gang, søgningen blev set.",
            "The most frequent knowledge-base searches without a single hit, last searched in the period. The count runs from the first time the search was seen.",
        ))),
    };
    let helpful_table = DashTable {
        id: "helpfulness".into(),
        caption: s(lang.pick("Hjalp vejledningen?", "Was the guide helpful?")),
        columns: vec![
            s(lang.pick("Vejledning", "Guide")),
            s(lang.pick("Sprog", "Language")),
            s(lang.pick("Ja", "Yes")),
            s(lang.pick("Nej", "No")),
            s(lang.pick("Andel ja", "Share yes")),
        ],
        rows: helpful
            .iter()
            .map(|h| {
                vec![
                    h.title.clone(),
                    h.lang.clone(),
                    n(h.helpful),
                    n(h.not_helpful),
                    percent(h.helpful, h.helpful + h.not_helpful, lang),
                ]
            })
            .collect(),
        chart_svg: None,
        note: None,
    };
    Ok(DashSection {
        id: "knowledge".into(),
        heading: s(lang.pick(
            "Borgerservice og vidensbasen",
            "The counter and the knowledge base",
        )),
        intro: s(lang.pick(
            "Besøg ved skranken, og hvad borgerne søger efter og finder i hjælpen.",
            "Visits at the counter, and what citizens search for and find in the help pages.",
        )),
        headlines: help_headlines,
        tables: vec![help_table, misses_table, helpful_table, visits_table],
    })
}

/// Searches, misses, guides opened from a search and forms sent after one, per bucket; and the
/// headlines: how many searched, found nothing, and found a guide without writing in.
fn help_activity_table(
    bounds: &Bounds,
    activity: &[HourCount],
    lang: Lang,
) -> (DashTable, Vec<Headline>) {
    let series_of = |kind: Activity| {
        let hours: Vec<(String, i64)> = activity
            .iter()
            .filter(|c| Activity::parse(&c.kind) == Some(kind))
            .map(|c| (c.hour.clone(), c.n))
            .collect();
        fig::series(bounds, &hours)
    };
    let [searched, missed, opened, wrote_in] = Activity::ALL.map(series_of);
    let stayed: Vec<i64> = opened
        .iter()
        .zip(&wrote_in)
        .map(|(o, w)| (o - w).max(0))
        .collect();
    let bucket_name = if bounds.by_hour {
        lang.pick("Time (dansk tid)", "Hour (Danish time)")
    } else {
        lang.pick("Dag", "Day")
    };
    let table = bucket_table(
        bounds,
        &BucketTable {
            id: "help",
            caption: lang.pick("Selvbetjening: søgt, fundet, skrev ikke", "Self-service: searched, found, did not write in"),
            bucket_name,
            series: &[
                (lang.pick("Søgninger", "Searches"), &searched),
                (lang.pick("Uden hit", "Without a hit"), &missed),
                (lang.pick("Åbnede en vejledning", "Opened a guide"), &opened),
                (lang.pick("Skrev alligevel", "Wrote in anyway"), &wrote_in),
                (lang.pick("Skrev ikke", "Did not write in"), &stayed),
            ],
            note: lang.pick(
                "Søgninger: søgninger på resultatsiden (ikke forslag undervejs). Åbnede en vejledning: vejledninger åbnet fra søgeresultater eller forslag. Skrev alligevel: henvendelser sendt via »Skriv til supporten« på en vejledning fundet ved søgning. Talt uden cookies, pr. sidevisning: en borger, der åbner tre vejledninger, tæller tre gange, og en borger, der finder kontaktformularen ad anden vej, tælles ikke som »skrev alligevel«.",
                "Searches: searches on the results page (not suggestions while typing). Opened a guide: guides opened from search results or suggestions. Wrote in anyway: requests sent through “Write to the support line” on a guide found by searching. Counted without cookies, per page view: a citizen who opens three guides counts three times, and one who finds the contact form another way is not counted as “wrote in anyway”.",
            ),
        },
        lang,
    );
    let sum = |v: &[i64]| v.iter().sum::<i64>();
    let (searched, missed, opened, stayed) =
        (sum(&searched), sum(&missed), sum(&opened), sum(&stayed));
    let headline = |id: &str, label: &str, value: String| Headline {
        id: s(id),
        label: s(label),
        value,
        href: None,
    };
    let headlines = vec![
        headline(
            "help-searched",
            lang.pick("Søgninger i vejledningerne", "Searches in the guides"),
            n(searched),
        ),
        headline(
            "help-missed",
            lang.pick("Søgninger uden hit", "Searches without a hit"),
            format!("{} ({})", n(missed), percent(missed, searched, lang)),
        ),
        headline(
            "help-deflected",
            lang.pick(
                "Fandt en vejledning og skrev ikke",
                "Found a guide and did not write in",
            ),
            format!("{} ({})", n(stayed), percent(stayed, opened, lang)),
        ),
    ];
    (table, headlines)
}

/// A number that changes whenever a case is created or changed, for the live stream.
pub async fn change_mark(db: &Db) -> Result<i64, StoreError> {
    facts::change_mark(db).await
}
