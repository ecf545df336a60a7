//! `docs/netease-wire.md` lists each endpoint with its transport: the note and the one table
//! the client chooses transports from (`endpoints.rs`) say the same thing, row for row.

use duet_core::retry::Effect;
use duet_netease::{endpoints, Transport};

fn transport_name(transport: Transport) -> &'static str {
    match transport {
        Transport::Eapi => "eapi",
        Transport::Weapi => "weapi",
        Transport::Api => "plain api",
    }
}

#[test]
fn the_wire_note_lists_every_endpoint_with_its_transport() {
    let note = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/netease-wire.md"
    ))
    .unwrap();
    let table = note
        .split("## Endpoints")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("an Endpoints section");
    let rows: Vec<Vec<&str>> = table
        .lines()
        .filter(|line| line.starts_with("| ") && !line.starts_with("| endpoint |"))
        .map(|line| line.split('|').map(str::trim).collect())
        .collect();
    assert_eq!(rows.len(), endpoints::ALL.len(), "one row per endpoint");
    for endpoint in endpoints::ALL {
        let path = format!("`{}`", endpoint.path);
        // A path may be listed twice: its form and the form it falls back to.
        let transport = transport_name(endpoint.transport);
        let row = rows
            .iter()
            .find(|cells| cells[3].starts_with(&path) && cells[2] == transport)
            .unwrap_or_else(|| panic!("{path} over {transport} is not in the note"));
        let repeats = match endpoint.effect {
            Effect::Read => "yes",
            Effect::Write => "no",
        };
        assert_eq!(row[5], repeats, "{path}");
    }
}
