//! The import layering of ARCHITECTURE.md ("Codemap"), enforced: every
//! `crate::` (and `super::`) path in src/ is read, and a module that imports
//! what its row does not allow fails the test with the file and the path.
//! Test code (`#[cfg(test)]` onwards, `*_tests.rs`, `tests.rs`) is not
//! checked: a test may build whatever it needs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::common::repo;

/// Each top-level module and the top-level modules it may import, lowest
/// first. A module may import only modules listed above it, so the table is
/// a layering with no cycle (`the_table_is_a_layering` checks that).
const MAY_IMPORT: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("timing", &[]),
    ("rng", &[]),
    ("format", &[]),
    ("config", &[]),
    ("codes", &[]),
    ("output", &["error"]),
    ("evidence", &["config"]),
    ("model", &["codes", "config", "evidence", "timing"]),
    ("ingest", &["config", "error", "model", "timing"]),
    ("run_folder", &["error", "ingest"]),
    ("shard", &["error", "ingest", "timing"]),
    ("generate", &["codes", "ingest", "rng"]),
    ("sql", &["codes", "config", "evidence", "model"]),
    // Not evidence: checks read note_facts through the model, never text.
    (
        "checks",
        &["codes", "config", "error", "model", "sql", "timing"],
    ),
    ("history", &["error", "ingest", "run_folder"]),
    (
        "sampling",
        &["error", "format", "ingest", "output", "rng", "run_folder"],
    ),
    (
        "report",
        &[
            "checks",
            "config",
            "error",
            "evidence",
            "format",
            "history",
            "model",
            "output",
            "run_folder",
            "sampling",
            "timing",
        ],
    ),
    (
        "audit",
        &[
            "checks", "codes", "config", "error", "evidence", "ingest", "model", "report", "shard",
            "timing",
        ],
    ),
];

/// Inside a module: (folder, what its files must never import).
const NEVER_INSIDE: &[(&str, &[&str])] = &[
    // The report's numbers are computed before anything is drawn or written.
    (
        "report::aggregates",
        &[
            "report::html",
            "report::sections",
            "report::charts",
            "report::summary",
        ],
    ),
    // A chart is drawn from the aggregates, never from the page.
    ("report::charts", &["report::html", "report::sections"]),
];

/// Inside a module: (folder, a module it imports, the only items it may take
/// from it).
const ONLY_ITEMS: &[(&str, &str, &[&str])] = &[
    // The report reads the check catalogue, and the model's derived frames
    // (model::derived) rather than check internals.
    ("report", "checks", &["CheckInfo", "Severity", "CODE_SET"]),
];

/// Top-level modules above the table: they may import anything (`cli`, and
/// a new module until it gets a row; nothing in the table may import them).
fn above_all(module: &str) -> bool {
    !MAY_IMPORT.iter().any(|(m, _)| *m == module)
}

struct Import {
    file: PathBuf,
    /// Module path of the file, e.g. `report::charts::payers`.
    from: Vec<String>,
    /// Imported path, at most three segments, e.g. `report::html::Page`.
    path: Vec<String>,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `src/report/charts/mod.rs` -> `report::charts`; `src/format.rs` -> `format`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|s| s.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code of a file without comments and without its test module.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path of a use tree starting at `s` (`a::b`, `{a, b::{c, d}}`),
/// each as its segments; returns the paths and the bytes read.
fn use_tree(s: &[u8]) -> (Vec<Vec<String>>, usize) {
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < s.len() && (s[*i] as char).is_whitespace() {
            *i += 1;
        }
    };
    let mut prefix: Vec<String> = Vec::new();
    loop {
        skip_ws(&mut i);
        if i < s.len() && s[i] == b'{' {
            i += 1;
            let mut out = Vec::new();
            loop {
                skip_ws(&mut i);
                if i >= s.len() || s[i] == b'}' {
                    i += 1;
                    break;
                }
                let (paths, n) = use_tree(&s[i..]);
                i += n.max(1); // past anything that is not a path
                for p in paths {
                    out.push(prefix.iter().cloned().chain(p).collect());
                }
                skip_ws(&mut i);
                if i < s.len() && s[i] == b',' {
                    i += 1;
                }
            }
            return (out, i);
        }
        let start = i;
        while i < s.len() && (s[i].is_ascii_alphanumeric() || s[i] == b'_' || s[i] == b'*') {
            i += 1;
        }
        if i == start {
            return (vec![prefix], i);
        }
        prefix.push(String::from_utf8_lossy(&s[start..i]).to_string());
        if s[i..].starts_with(b"::") {
            i += 2;
        } else {
            return (vec![prefix], i);
        }
    }
}

fn imports() -> Vec<Import> {
    let src = repo().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut out = Vec::new();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        if name == "tests.rs" || name.ends_with("_tests.rs") {
            continue;
        }
        let from = module_path(&src, &file);
        let code = code_of(&std::fs::read_to_string(&file).unwrap());
        let bytes = code.as_bytes();
        for (at, _) in code.match_indices("crate::") {
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
                continue; // e.g. `claims_audit_crate::`
            }
            let (paths, _) = use_tree(&bytes[at + "crate::".len()..]);
            for mut path in paths {
                path.truncate(3);
                out.push(Import {
                    file: file.clone(),
                    from: from.clone(),
                    path,
                });
            }
        }
        // `super::` from a file: its parent module (`mod.rs` is the folder itself).
        for (at, _) in code.match_indices("super::") {
            if at >= 2 && &bytes[at - 2..at] == b"::" {
                continue; // counted with the first `super::`
            }
            let mut rest = &code[at..];
            let mut base = from.clone();
            while let Some(r) = rest.strip_prefix("super::") {
                base.pop();
                rest = r;
            }
            let (paths, _) = use_tree(rest.as_bytes());
            for path in paths {
                let mut full: Vec<String> = base.iter().cloned().chain(path).collect();
                full.truncate(3);
                out.push(Import {
                    file: file.clone(),
                    from: from.clone(),
                    path: full,
                });
            }
        }
    }
    out
}

/// The macro `input_error!` lives in `error`.
fn top_of(path: &[String]) -> &str {
    match path.first().map(String::as_str) {
        Some("input_error") => "error",
        Some(p) => p,
        None => "",
    }
}

#[test]
fn the_table_is_a_layering() {
    let mut seen = BTreeSet::new();
    for (module, may) in MAY_IMPORT {
        for m in *may {
            assert!(
                seen.contains(m),
                "{module} may import {m}, which is not listed above it: the table must be a layering"
            );
        }
        seen.insert(*module);
    }
}

#[test]
fn every_module_imports_only_what_its_layer_allows() {
    let table: BTreeMap<&str, &[&str]> = MAY_IMPORT.iter().copied().collect();
    let src = repo().join("src");
    let mut bad = Vec::new();
    let mut checked = 0;
    for i in imports() {
        let from = i.from[0].as_str();
        let to = top_of(&i.path);
        if to.is_empty() || to == from || to == "*" {
            continue;
        }
        checked += 1;
        if above_all(from) {
            continue;
        }
        match table.get(from) {
            Some(may) if !may.contains(&to) => bad.push(format!(
                "{}: {from} imports {} ({to} is not in its row of MAY_IMPORT)",
                i.file.strip_prefix(&src).unwrap().display(),
                i.path.join("::")
            )),
            _ => {}
        }
    }
    assert!(
        checked > 100,
        "only {checked} imports found: is the scan broken?"
    );
    assert!(
        bad.is_empty(),
        "imports against the layering:\n{}",
        bad.join("\n")
    );
}

#[test]
fn folders_never_import_what_they_must_not() {
    let src = repo().join("src");
    let mut bad = Vec::new();
    for i in imports() {
        let from = i.from.join("::");
        let path = i.path.join("::");
        for (folder, never) in NEVER_INSIDE {
            if from != *folder && !from.starts_with(&format!("{folder}::")) {
                continue;
            }
            for n in *never {
                if path == *n || path.starts_with(&format!("{n}::")) {
                    bad.push(format!(
                        "{}: imports {path} ({folder} must never import {n})",
                        i.file.strip_prefix(&src).unwrap().display()
                    ));
                }
            }
        }
    }
    for i in imports() {
        for (folder, module, only) in ONLY_ITEMS {
            if i.from[0] != *folder || i.path.first().map(String::as_str) != Some(*module) {
                continue;
            }
            let item = i.path.get(1).map(String::as_str).unwrap_or("");
            if !only.contains(&item) {
                bad.push(format!(
                    "{}: imports {} ({folder} takes only {} from {module})",
                    i.file.strip_prefix(&src).unwrap().display(),
                    i.path.join("::"),
                    only.join(", ")
                ));
            }
        }
    }
    assert!(bad.is_empty(), "forbidden imports:\n{}", bad.join("\n"));
}

#[test]
fn the_scan_reads_grouped_and_relative_paths() {
    let (paths, _) = use_tree(b"report::{html::{Page, escape}, MinCell};");
    let joined: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        joined,
        [
            "report::html::Page",
            "report::html::escape",
            "report::MinCell"
        ]
    );
    let from = module_path(Path::new("src"), Path::new("src/report/charts/mod.rs"));
    assert_eq!(from, ["report", "charts"]);
    assert_eq!(
        code_of("use a; // crate::x\n#[cfg(test)]\nuse crate::y;"),
        "use a; "
    );
}
