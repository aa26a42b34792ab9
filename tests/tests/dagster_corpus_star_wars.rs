//! The Star Wars code location of `../shared/corpus/dagster`
//! (josephsapinoso/starwars-dagster): ConfigurableResources whose base URL is
//! configuration, output metadata, DuckDB transforms, blocking and non-blocking asset
//! checks and a pandas report, compiled and run on the local ZenML stack against a
//! local stub of the two HTTP APIs it reads (served records made here). Expected
//! values are derived here from the source's logic over those records. Needs
//! FERRY_PYTHON with duckdb (scripts/requirements-test.txt).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::dagster_runs::{StubApi, compile_location, run_project_outcome};

/// SWAPI- and akabab-shaped records for the Star Wars location: six films (episodes
/// 1-6), five people, three planets' worth of homeworld links (one planet missing),
/// three starships, one species, four character profiles (one spelled as the
/// location's alias table expects, one matching nobody). `people` lets a test break
/// the records.
struct StarWars {
    films: Vec<serde_json::Value>,
    people: Vec<serde_json::Value>,
    planets: Vec<serde_json::Value>,
    starships: Vec<serde_json::Value>,
    species: Vec<serde_json::Value>,
    profiles: Vec<serde_json::Value>,
}

/// name, birth year, mass, height, homeworld, films (episodes), starships flown.
type Person = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    usize,
    &'static [usize],
    &'static [usize],
);

fn star_wars() -> StarWars {
    use serde_json::json;
    let url = |kind: &str, i: usize| format!("https://swapi.info/api/{kind}/{i}");
    let people_rows: [Person; 5] = [
        ("C-3PO", "112BBY", "75", "167", 1, &[1, 2, 3, 4, 5, 6], &[]),
        ("Jar Jar Binks", "52BBY", "66", "196", 2, &[1, 2], &[]),
        (
            "Luke Skywalker",
            "19BBY",
            "77",
            "172",
            1,
            &[4, 5, 6],
            &[1, 2],
        ),
        (
            "Padmé Amidala",
            "46BBY",
            "unknown",
            "185",
            2,
            &[1, 2, 3],
            &[],
        ),
        ("Ratts Tyerel", "unknown", "15", "79", 3, &[1], &[]),
    ];
    let people: Vec<_> = people_rows
        .iter()
        .enumerate()
        .map(|(i, (name, born, mass, height, home, films, ships))| {
            json!({
                "name": name, "birth_year": born, "mass": mass, "height": height,
                "gender": if i % 2 == 0 { "male" } else { "female" },
                "eye_color": "blue", "hair_color": "none",
                "homeworld": url("planets", *home),
                "films": films.iter().map(|f| url("films", *f)).collect::<Vec<_>>(),
                "starships": ships.iter().map(|s| url("starships", *s)).collect::<Vec<_>>(),
                "url": url("people", i + 1),
            })
        })
        .collect();
    let films = (1..=6)
        .map(|e| {
            let characters: Vec<_> = people_rows
                .iter()
                .enumerate()
                .filter(|(_, p)| p.5.contains(&e))
                .map(|(i, _)| url("people", i + 1))
                .collect();
            json!({
                "title": format!("Episode {e}"), "episode_id": e,
                "director": if e < 4 { "George Lucas" } else { "Irvin Kershner" },
                "release_date": format!("{}-05-25", 1995 + e),
                "characters": characters,
                "planets": (1..=(e % 2 + 1)).map(|p| url("planets", p)).collect::<Vec<_>>(),
                "starships": (1..=(e % 3)).map(|s| url("starships", s)).collect::<Vec<_>>(),
                "url": url("films", e),
            })
        })
        .collect();
    let planets = vec![
        json!({"name": "Tatooine", "climate": "arid", "terrain": "desert",
               "population": "200000", "url": url("planets", 1)}),
        json!({"name": "Naboo", "climate": "temperate", "terrain": "grassy hills",
               "population": "4500000000", "url": url("planets", 2)}),
    ];
    let ship = |i: usize, name: &str, class: &str, rating: &str, crew: &str, pilots: &[usize]| {
        json!({
            "name": name, "model": format!("{name} model"), "starship_class": class,
            "manufacturer": "Corellia", "hyperdrive_rating": rating,
            "max_atmosphering_speed": "1050", "crew": crew, "passengers": "6",
            "length": "34.37",
            "pilots": pilots.iter().map(|p| url("people", *p)).collect::<Vec<_>>(),
            "url": url("starships", i),
        })
    };
    let starships = vec![
        ship(1, "X-wing", "Starfighter", "1.0", "1", &[3]),
        ship(2, "Millennium Falcon", "Light freighter", "0.5", "4", &[3]),
        ship(
            3,
            "Death Star",
            "Deep Space Mobile Battlestation",
            "unknown",
            "342953",
            &[],
        ),
    ];
    let species = vec![json!({"name": "Human", "url": url("species", 1)})];
    let profiles = vec![
        json!({"id": 1, "name": "Luke Skywalker", "affiliations": ["Rebel Alliance", "Jedi Order"],
               "masters": ["Obi-Wan Kenobi", "Yoda"], "apprentices": [], "died": 34,
               "diedLocation": "Ahch-To", "wiki": "https://starwars.fandom.com/wiki/Luke_Skywalker"}),
        json!({"id": 2, "name": "C-3PO", "affiliations": ["Rebel Alliance"], "masters": [],
               "wiki": "https://starwars.fandom.com/wiki/C-3PO"}),
        json!({"id": 45, "name": "Ratts Tyerell", "affiliations": [],
               "wiki": "https://starwars.fandom.com/wiki/Ratts_Tyerell"}),
        json!({"id": 99, "name": "Grogu"}),
    ];
    StarWars {
        films,
        people,
        planets,
        starships,
        species,
        profiles,
    }
}

impl StarWars {
    /// The stub's routes: SWAPI's `{base}/{endpoint}/` and akabab's
    /// `{base}/{endpoint}.json`, under `/swapi` and `/akabab`.
    fn routes(&self) -> serde_json::Value {
        serde_json::json!({
            "/swapi/films/": self.films, "/swapi/people/": self.people,
            "/swapi/planets/": self.planets, "/swapi/starships/": self.starships,
            "/swapi/species/": self.species, "/akabab/all.json": self.profiles,
        })
    }
}

/// Compile the Star Wars location into `out` and run its full job against the stub
/// APIs, whose base URLs are the resources' configuration (pipeline parameters).
fn run_star_wars(
    out: &Path,
    data: &StarWars,
) -> (BTreeMap<String, serde_json::Value>, String, PathBuf) {
    let dir = compile_location("josephsapinoso+starwars-dagster__starwars_dagster", out);
    let stub = StubApi::routes(out, &data.routes());
    let base = format!("http://127.0.0.1:{}", stub.port);
    let (values, text) = run_project_outcome(
        &dir,
        "full_star_wars_pipeline",
        &format!(
            "--pipeline full_star_wars_pipeline --no-cache --swapi-base-url {base}/swapi \
             --akabab-base-url {base}/akabab --swapi-timeout-seconds 5"
        ),
    );
    drop(stub);
    (values, text, dir)
}

/// The check's outcome as the migrated check step returns it.
fn check<'v>(values: &'v BTreeMap<String, serde_json::Value>, name: &str) -> &'v serde_json::Value {
    values
        .get(&format!("{name}.{name}"))
        .unwrap_or_else(|| panic!("check {name} did not run: {values:?}"))
}

fn rows<'v>(
    values: &'v BTreeMap<String, serde_json::Value>,
    asset: &str,
) -> &'v Vec<serde_json::Value> {
    values
        .get(&format!("{asset}.{asset}"))
        .and_then(serde_json::Value::as_array)
        .unwrap_or_else(|| panic!("{asset} is not a table: {values:?}"))
}

/// The Star Wars location: ingestion assets use two ConfigurableResources
/// (`SWAPIResource`, `AkababResource`, whose `base_url` is configuration: pointed at a
/// local stub here) and attach output metadata (`context.add_output_metadata`); the
/// warehouse and transforms run DuckDB SQL; asset checks, blocking and not, validate
/// them; the report is Markdown built with pandas. Every expected value is computed
/// here from the source's logic over the records served.
#[test]
fn star_wars_assets_checks_and_metadata_compute_what_dagster_computes() {
    let out = tempfile::tempdir().unwrap();
    let data = star_wars();
    let (values, text, dir) = run_star_wars(out.path(), &data);
    assert_eq!(values["status"], "completed", "{text}");
    // Ingestion: what the APIs served, with the record count and titles as metadata.
    assert_eq!(values["raw_films.raw_films"], serde_json::json!(data.films));
    assert_eq!(
        values["raw_people.raw_people"],
        serde_json::json!(data.people)
    );
    let titles: Vec<_> = data.films.iter().map(|f| f["title"].clone()).collect();
    let meta = &values["raw_films.raw_films.metadata"];
    assert_eq!(meta["record_count"], data.films.len(), "{meta}");
    assert_eq!(meta["titles"], serde_json::json!(titles), "{meta}");
    // The warehouse: its path, and the row count of each table as metadata.
    assert_eq!(values["star_wars_db.star_wars_db"], "data/star_wars.duckdb");
    let counts = &values["star_wars_db.star_wars_db.metadata"]["table_row_counts"];
    for (table, n) in [
        ("films", data.films.len()),
        ("people", data.people.len()),
        ("planets", data.planets.len()),
        ("starships", data.starships.len()),
        ("species", data.species.len()),
    ] {
        assert_eq!(counts[table], n, "{table}: {counts}");
    }
    // film_character_counts: per episode, the lengths of its URL lists.
    let films = rows(&values, "film_character_counts");
    assert_eq!(films.len(), 6);
    for (row, film) in films.iter().zip(&data.films) {
        assert_eq!(row["episode_id"], film["episode_id"], "{row}");
        for (column, list) in [
            ("character_count", "characters"),
            ("planet_count", "planets"),
            ("starship_count", "starships"),
        ] {
            assert_eq!(
                row[column],
                film[list].as_array().unwrap().len(),
                "{column}: {row}"
            );
        }
    }
    // People by name: homeworld names, film and starship counts, birth years in BBY.
    let mut people: Vec<&serde_json::Value> = data.people.iter().collect();
    people.sort_by_key(|p| p["name"].as_str().unwrap().to_string());
    let planet_name = |url: &serde_json::Value| {
        data.planets
            .iter()
            .find(|p| &p["url"] == url)
            .map(|p| p["name"].clone())
    };
    let enriched = rows(&values, "characters_enriched");
    let stats = rows(&values, "character_stats");
    assert_eq!(enriched.len(), people.len());
    assert_eq!(stats.len(), people.len());
    for ((p, e), s) in people.iter().zip(enriched).zip(stats) {
        assert_eq!(e["character_name"], p["name"], "{e}");
        match planet_name(&p["homeworld"]) {
            Some(name) => assert_eq!(e["homeworld"], name, "{e}"),
            None => assert!(
                e["homeworld"].is_null() || e["homeworld"].as_f64().is_some_and(f64::is_nan),
                "{e}"
            ),
        }
        assert_eq!(s["character_name"], p["name"], "{s}");
        assert_eq!(s["film_count"], p["films"].as_array().unwrap().len(), "{s}");
        assert_eq!(
            s["starships_flown"],
            p["starships"].as_array().unwrap().len(),
            "{s}"
        );
        let born = p["birth_year"].as_str().unwrap();
        match born.strip_suffix("BBY").and_then(|n| n.parse::<f64>().ok()) {
            Some(bby) => assert_eq!(s["birth_year_bby"].as_f64(), Some(bby), "{s}"),
            None => assert!(s["birth_year_bby"].as_f64().is_none_or(f64::is_nan), "{s}"),
        }
    }
    // Biographies: a profile per census name, through the location's alias table.
    let aliases = [("Ratts Tyerell", "Ratts Tyerel")];
    let normal = |n: &str| {
        n.to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let profile_of = |name: &str| {
        data.profiles.iter().find(|r| {
            let n = r["name"].as_str().unwrap();
            let n = aliases.iter().find(|(a, _)| *a == n).map_or(n, |(_, b)| b);
            normal(n) == normal(name)
        })
    };
    let bios = rows(&values, "character_biographies");
    assert_eq!(bios.len(), people.len());
    let mut matched = Vec::new();
    for (p, b) in people.iter().zip(bios) {
        let name = p["name"].as_str().unwrap();
        assert_eq!(b["character_name"], name, "{b}");
        match profile_of(name) {
            Some(r) => {
                assert_eq!(b["profile_id"].as_f64(), r["id"].as_f64(), "{b}");
                matched.push(r);
            }
            None => assert!(b["profile_id"].as_f64().is_none_or(f64::is_nan), "{b}"),
        }
    }
    // Checks: blocking ones passed (or the run would have stopped); drift baselines
    // fail on these few records, recorded as warnings while the run goes on.
    for name in [
        "raw_people_has_required_shape",
        "star_wars_db_tables_populated",
        "films_are_exactly_the_six_episodes",
        "characters_enriched_has_no_null_names",
        "raw_character_profiles_has_required_shape",
        "character_biographies_grain_is_one_row_per_character",
    ] {
        assert_eq!(
            check(&values, name)["passed"],
            true,
            "{name}: {}",
            check(&values, name)
        );
    }
    let drift = check(&values, "raw_people_count_matches_verified_snapshot");
    assert_eq!(drift["passed"], false, "{drift}");
    assert_eq!(drift["severity"], "WARN", "{drift}");
    assert_eq!(drift["metadata"]["count"], data.people.len(), "{drift}");
    let coverage = check(&values, "characters_enriched_join_coverage");
    let homeless = people
        .iter()
        .filter(|p| planet_name(&p["homeworld"]).is_none())
        .count();
    assert_eq!(coverage["passed"], homeless == 0, "{coverage}");
    // The report: the figures the Markdown states, from the same records.
    assert_eq!(
        values["galaxy_report.galaxy_report"],
        "data/output/galaxy_report.md"
    );
    let report = std::fs::read_to_string(dir.join("data/output/galaxy_report.md")).unwrap();
    let films_of = |p: &&serde_json::Value| p["films"].as_array().unwrap().len();
    let one_film = people.iter().filter(|p| films_of(p) == 1).count();
    let six: Vec<&str> = people
        .iter()
        .filter(|p| films_of(p) == 6)
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    let flown = |p: &&serde_json::Value| p["starships"].as_array().unwrap().len();
    let pilots = people.iter().filter(|p| flown(p) > 0).count();
    let top = people.iter().max_by_key(|p| flown(p)).unwrap();
    let with = |key: &str| matched.iter().filter(|r| r.get(key).is_some()).count();
    let nonempty = |key: &str| {
        matched
            .iter()
            .filter(|r| {
                r.get(key)
                    .and_then(|v| v.as_array())
                    .is_some_and(|a| !a.is_empty())
            })
            .count()
    };
    let total = people.len();
    let m = matched.len();
    for line in [
        format!("**Total characters tracked:** {total}"),
        format!("- **{one_film} of {total}** characters appear in exactly one film"),
        format!(
            "- Only **{}** appear in all six: {}",
            six.len(),
            six.join(", ")
        ),
        format!("- **{pilots} of {total}** are ever listed at a starship's controls"),
        format!(
            "- Most starships flown: **{}** ({})",
            top["name"].as_str().unwrap(),
            flown(top)
        ),
        format!("*{m} of {total} census characters matched to a curated profile"),
        format!(
            "*Among the {m} matched, {} carry an affiliations list and {} list at least one.*",
            with("affiliations"),
            nonempty("affiliations")
        ),
        format!(
            "- **{} of {m}** matched profiles have a master on file",
            nonempty("masters")
        ),
        format!(
            "- **{} of {m}** matched profiles record a death",
            with("died")
        ),
        format!("**Total starships tracked:** {}", data.starships.len()),
    ] {
        assert!(
            report.contains(&line),
            "{line:?} not in the report:\n{report}"
        );
    }
    // The report's preview is the output's metadata.
    let preview = &values["galaxy_report.galaxy_report.metadata"]["preview"];
    assert!(
        preview.as_str().is_some_and(|p| p.starts_with("# ")),
        "{preview}"
    );
}

/// A people record without `mass` breaks the blocking `raw_people_has_required_shape`
/// check: the run fails there, and the warehouse (downstream of the checked asset)
/// is never built.
#[test]
fn star_wars_blocking_check_fails_the_run() {
    let out = tempfile::tempdir().unwrap();
    let mut data = star_wars();
    data.people[1].as_object_mut().unwrap().remove("mass");
    let broken = data.people[1]["name"].as_str().unwrap().to_string();
    let (values, text, _) = run_star_wars(out.path(), &data);
    assert_eq!(values["status"], "failed", "{text}");
    assert!(values.contains_key("raw_people.raw_people"), "{values:?}");
    assert!(
        !values.contains_key("star_wars_db.star_wars_db"),
        "{values:?}"
    );
    assert!(text.contains("blocking data check failed"), "{text}");
    assert!(text.contains(&broken) && text.contains("mass"), "{text}");
}
