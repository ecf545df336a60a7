//! The report as text: the machine's checks, then the endpoints' table. Columns are padded by
//! character count; service-written text (which may be wide) only ever ends a line.

use duet_core::{Error, ProviderId, Upstream};

use crate::endpoints::{Answer, EndpointRow};
use crate::{Outcome, Report};

pub(crate) fn render(report: &Report) -> String {
    let mut out = String::from("Duet doctor\n");
    match &report.upstream {
        Upstream::Direct => out.push_str("Services: the real ones\n"),
        Upstream::Override(base) => out.push_str(&format!(
            "Services: {base} (DUET_UPSTREAM: not the real services)\n"
        )),
    }
    out.push_str(&format!(
        "Sessions: the keychain's \"{}\" entries, read only; nothing is written to an account\n",
        report.keychain_service
    ));

    out.push_str("\nThis machine\n");
    let name_width = report.local.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for check in &report.local {
        out.push_str(&format!(
            "  {:<4}  {:<name_width$}  {}\n",
            check.outcome.label(),
            check.name,
            check.detail
        ));
    }

    out.push_str("\nServices\n");
    let mut table = vec![[
        String::new(),
        "service".to_owned(),
        "endpoint".to_owned(),
        "session".to_owned(),
        "answered".to_owned(),
        "parsed".to_owned(),
        "time".to_owned(),
    ]];
    let mut results = vec!["result".to_owned()];
    for row in &report.endpoints {
        table.push([
            row.outcome().label().to_owned(),
            service_name(row.provider).to_owned(),
            row.probe.label().to_owned(),
            if row.logged_in {
                "logged in"
            } else {
                "anonymous"
            }
            .to_owned(),
            yes_no(row.answered()).to_owned(),
            yes_no(row.parsed()).to_owned(),
            match row.answer {
                Answer::Skipped(_) => "-".to_owned(),
                _ => format!("{} ms", row.elapsed.as_millis()),
            },
        ]);
        results.push(result_text(row));
    }
    let widths: Vec<usize> = (0..7)
        .map(|i| {
            table
                .iter()
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (cells, result) in table.iter().zip(&results) {
        out.push(' ');
        for (i, cell) in cells.iter().enumerate() {
            // The time column is right-aligned.
            if i == 6 {
                out.push_str(&format!(" {:>w$}", cell, w = widths[i]));
            } else {
                out.push_str(&format!(" {:<w$}", cell, w = widths[i]));
            }
        }
        out.push_str(&format!("  {result}\n"));
    }

    let failed: Vec<String> = report
        .local
        .iter()
        .filter(|c| c.outcome == Outcome::Fail)
        .map(|c| c.name.to_owned())
        .chain(
            report
                .endpoints
                .iter()
                .filter(|r| r.outcome() == Outcome::Fail)
                .map(|r| format!("{} {}", service_name(r.provider), r.probe.label())),
        )
        .collect();
    out.push('\n');
    if failed.is_empty() {
        out.push_str("Everything checked works.\n");
    } else {
        out.push_str(&format!(
            "{} failed: {}.\n",
            failed.len(),
            failed.join(", ")
        ));
        if report.endpoints.iter().any(|r| r.parsed() == Some(false)) {
            out.push_str(
                "\"answered, not parsed\": the service answered in a shape Duet does not read \
                 (changed fields, an unknown code), a protocol change to look into.\n",
            );
        }
    }
    out
}

fn service_name(provider: ProviderId) -> &'static str {
    match provider {
        ProviderId::Netease => "NetEase",
        ProviderId::Qq => "QQ Music",
    }
}

fn yes_no(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    }
}

fn result_text(row: &EndpointRow) -> String {
    let result = match &row.answer {
        Answer::Parsed(summary) => summary.clone(),
        Answer::Skipped(why) => format!("skipped: {why}"),
        Answer::Failed(e) => error_text(e),
    };
    match &row.note {
        Some(note) => format!("{result}; {note}"),
        None => result,
    }
}

/// The typed error: its kind, the service's code when it sent one, and its message (which
/// never carries session material, by the errors' own rule).
fn error_text(e: &Error) -> String {
    let code = e
        .upstream_code
        .map(|c| format!(" (code {c})"))
        .unwrap_or_default();
    crate::endpoints::text_line(&format!("{}{code}: {}", e.kind, e.message))
}
