//! The dashboard's sections as HTML: headline figures, and for every table its chart (inline
//! SVG drawn on the server, with its own title and description), the table itself, and a CSV
//! link.

use leptos::prelude::*;

use crate::domain::dashboard::{CSV_PREFIX, DashSection, DashTable, DashboardView};
use crate::i18n::Lang;

#[component]
pub fn Figures(view: DashboardView, lang: Lang) -> impl IntoView {
    let query = view.query.to_query_string();
    view! {
        <p class="lead-period-label" id="lead-period-label">
            {lang.pick("Periode: ", "Period: ")}{view.period_label.clone()}
            {lang.pick(" (dansk tid). Tallene er fra ", " (Danish time). Figures read at ")}
            <span id="lead-generated">{view.generated_at.clone()}</span>"."
        </p>
        {view.sections.into_iter().map(|section| view! {
            <Section section=section query=query.clone() lang=lang/>
        }).collect_view()}
    }
}

#[component]
fn Section(section: DashSection, query: String, lang: Lang) -> impl IntoView {
    let heading_id = format!("lead-{}-title", section.id);
    let labelled_by = heading_id.clone();
    view! {
        <section class="lead-section" id=format!("lead-{}", section.id) aria-labelledby=labelled_by>
            <h2 id=heading_id>{section.heading}</h2>
            <p>{section.intro}</p>
            {(!section.headlines.is_empty()).then(|| view! {
                <dl class="lead-headlines">
                    {section.headlines.into_iter().map(|h| view! {
                        <div class="lead-headline" id=format!("headline-{}", h.id)>
                            <dt>{h.label}</dt>
                            <dd>{match h.href {
                                Some(href) => view! { <a href=href>{h.value}</a> }.into_any(),
                                None => view! { <span>{h.value}</span> }.into_any(),
                            }}</dd>
                        </div>
                    }).collect_view()}
                </dl>
            })}
            {section.tables.into_iter().map(|t| view! { <Table table=t query=query.clone() lang=lang/> }).collect_view()}
        </section>
    }
}

#[component]
fn Table(table: DashTable, query: String, lang: Lang) -> impl IntoView {
    let csv_href = if query.is_empty() {
        format!("{CSV_PREFIX}{}", table.id)
    } else {
        format!("{CSV_PREFIX}{}?{query}", table.id)
    };
    let table_id = format!("table-{}", table.id);
    let caption = table.caption.clone();
    let empty = table.rows.is_empty();
    let columns = table.columns.len();
    view! {
        <div class="lead-table">
            {table.chart_svg.map(|svg| view! {
                <figure class="lead-chart" aria-describedby=table_id.clone()>
                    <div class="chart-wrap" inner_html=svg></div>
                    <figcaption>
                        {caption.clone()}
                        {lang.pick(" — tallene står i tabellen nedenfor.", " — the figures are in the table below.")}
                    </figcaption>
                </figure>
            })}
            <table class="data" id=table_id.clone()>
                <caption>{caption.clone()}</caption>
                <thead>
                    <tr>
                        {table.columns.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {empty.then(|| view! {
                        <tr><td colspan=columns>{lang.pick("Ingen i perioden.", "None in the period.")}</td></tr>
                    })}
                    {table.rows.into_iter().map(|row| view! {
                        <tr>
                            {row.into_iter().enumerate().map(|(i, cell)| if i == 0 {
                                view! { <th scope="row">{cell}</th> }.into_any()
                            } else {
                                view! { <td>{cell}</td> }.into_any()
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {table.note.map(|note| view! { <p class="hint">{note}</p> })}
            <p class="lead-csv">
                <a href=csv_href id=format!("csv-{}", table.id) download="">
                    {lang.pick("Hent tabellen som CSV", "Download the table as CSV")}
                    <span class="visually-hidden">{format!(": {caption}")}</span>
                </a>
            </p>
        </div>
    }
}
