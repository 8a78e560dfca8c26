//! The scenarios shipped inside the binary (the files under `scenarios/`), by id: the path
//! under `scenarios/` without `.toml`, e.g. `scheduling/fcfs-convoy`.

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// The text of the bundled scenario `id`.
pub fn find(id: &str) -> Option<&'static str> {
    let id = id
        .trim_end_matches(".toml")
        .trim_start_matches("scenarios/");
    BUNDLED
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, text)| *text)
}

/// The ids of all bundled scenarios, sorted.
pub fn ids() -> impl Iterator<Item = &'static str> {
    BUNDLED.iter().map(|(id, _)| *id)
}

/// The topic of a bundled scenario: its folder.
pub fn topic(id: &str) -> &str {
    id.rsplit_once('/').map_or("", |(topic, _)| topic)
}
