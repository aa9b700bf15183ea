//! `/leder`: the team lead's dashboard. Rendered on the server with every figure, so it reads
//! without JavaScript; in the browser it listens to the live stream and fetches the figures
//! again when cases change (at most every 10 s, never while keyboard focus is inside the
//! figures), announcing the update politely.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::figures::Figures;
use super::period_form::PeriodForm;
use crate::components::require_role::RequireRole;
use crate::domain::Role;
use crate::domain::dashboard::DashboardQuery;
use crate::functions::dashboard::lead_dashboard;
use crate::page_context::use_page_context;

/// The least time between two live refreshes, in milliseconds.
#[cfg(feature = "hydrate")]
const MIN_REFRESH_MS: f64 = 10_000.0;

#[component]
pub fn LeadDashboard() -> impl IntoView {
    let lang = use_page_context().lang;
    let params = use_query_map();
    let query = move || {
        let m = params.read();
        let get = |k: &str| m.get(k).unwrap_or_default();
        DashboardQuery {
            period: get("period"),
            from: get("from"),
            to: get("to"),
            system: get("system"),
            channel: get("channel"),
        }
    };
    let form_query = params.with_untracked(|m| DashboardQuery {
        period: m.get("period").unwrap_or_default(),
        from: m.get("from").unwrap_or_default(),
        to: m.get("to").unwrap_or_default(),
        system: m.get("system").unwrap_or_default(),
        channel: m.get("channel").unwrap_or_default(),
    });
    let refresh = RwSignal::new(0_u32);
    let announce = RwSignal::new(String::new());
    let figures = Resource::new(
        move || (query(), refresh.get()),
        |(q, _)| lead_dashboard(q.period, q.from, q.to, q.system, q.channel),
    );
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let last = StoredValue::new_local(super::live::now_ms());
        let source = super::live::subscribe(move || {
            let now = super::live::now_ms();
            if now - last.get_value() < MIN_REFRESH_MS || super::live::focus_in_figures() {
                return;
            }
            last.set_value(now);
            refresh.update(|n| *n += 1);
        });
        let source = StoredValue::new_local(source);
        on_cleanup(move || {
            source.with_value(|s| {
                if let Some(s) = s {
                    s.close();
                }
            })
        });
    });
    // Announce live refreshes (not the first load) once their figures are in.
    Effect::new(move |_| {
        // Read the figures first, so that the effect runs again whenever they change.
        let latest = figures.get();
        if refresh.get_untracked() == 0 {
            return;
        }
        if let Some(Ok(view)) = latest {
            announce.set(format!(
                "{} {}",
                lang.pick("Tallene er opdateret", "The figures were updated at"),
                view.generated_at
            ));
        }
    });
    view! {
        <Title text=lang.pick("Overblik – teamleder", "Overview – team lead")/>
        <RequireRole role=Role::Lead>
            <div class="page lead-dashboard">
                <h1>{lang.pick("Overblik", "Overview")}</h1>
                <p>{lang.pick(
                    "Sager, svartider, spærringer, Borgerservice, vidensbasen og borgernes tilfredshed. Hver graf har en tabel under sig, og hver tabel kan hentes som CSV. Siden opdaterer sig selv, mens den er åben.",
                    "Cases, response times, blocks, the counter, the knowledge base and citizens' satisfaction. Every chart has a table below it, and every table can be downloaded as CSV. The page updates itself while it is open.",
                )}</p>
                <PeriodForm query=form_query.clone() lang=lang/>
                <p class="visually-hidden" role="status" aria-live="polite" id="lead-live">{move || announce.get()}</p>
                <div id="lead-figures">
                    <Transition fallback=move || view! { <p>{lang.pick("Henter tal …", "Loading figures …")}</p> }>
                        {move || Suspend::new(async move {
                            match figures.await {
                                Err(e) => view! { <p class="error" role="alert" id="lead-error">{e.message(lang)}</p> }.into_any(),
                                Ok(view) => view! { <Figures view=view lang=lang/> }.into_any(),
                            }
                        })}
                    </Transition>
                </div>
            </div>
        </RequireRole>
    }
}
