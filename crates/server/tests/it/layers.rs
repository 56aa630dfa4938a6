//! The server's modules import downwards only, and no file imports one that (directly or
//! not) imports it back. Read from the source: every `crate::…`, `super::…` and child
//! module path in `use` items and in code is resolved to the file that defines it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules, lowest layer first. A module may use modules of lower layers, and
/// modules of its own top-level module; nothing else.
const LAYERS: &[(&str, u8)] = &[
    ("error", 0),
    ("config", 0),
    ("metrics", 0),
    ("limits", 0),
    ("pressure", 0),
    ("memory", 1),
    ("api", 0),
    ("auth", 1),
    ("broadcast", 1),
    ("app", 2),
    ("http", 3),
    ("socket", 3),
    ("seed", 4),
];

/// A module path (`["app", "orders"]`) and the file that defines it.
fn modules(src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap();
            let mut parts: Vec<String> = rel
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            if parts == ["lib"] || parts == ["main"] {
                parts.clear();
            }
            if parts.is_empty() && rel != Path::new("lib.rs") {
                continue; // main.rs is the binary's own crate root
            }
            out.insert(parts, path);
        }
    }
    out
}

/// Expand `a::{b, c::{d, e}}` into full paths.
fn expand(tree: &str) -> Vec<String> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = tree.find('{') else {
        return vec![tree];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(&format!("{prefix}{p}")))
        .collect()
}

/// A line without its `//` comment (a `://` in a URL is not one).
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut i = 0;
    while let Some(at) = line[i..].find("//") {
        let at = i + at;
        if at == 0 || bytes[at - 1] != b':' {
            return &line[..at];
        }
        i = at + 2;
    }
    line
}

/// Every path of the file that may name a module of this crate, and whether it is a
/// re-export (`pub use`).
fn paths(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    // `use` items (lines that start one), with their brace groups expanded.
    let lines: Vec<&str> = text.lines().collect();
    for (n, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let Some(item) = ["use ", "pub use ", "pub(crate) use ", "pub(super) use "]
            .iter()
            .find_map(|p| t.strip_prefix(p))
        else {
            continue;
        };
        let reexport = t.starts_with("pub");
        let mut item = item.to_owned();
        let mut next = n + 1;
        while !item.contains(';') && next < lines.len() {
            item.push_str(lines[next]);
            next += 1;
        }
        if let Some(end) = item.find(';') {
            out.extend(expand(&item[..end]).into_iter().map(|p| (p, reexport)));
        }
    }
    // Paths in code: `crate::a::b`, `super::a`.
    for start in ["crate::", "super::"] {
        let mut rest = text;
        while let Some(i) = rest.find(start) {
            let tail = &rest[i..];
            let len = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            out.push((tail[..len].trim_end_matches(':').to_owned(), false));
            rest = &rest[i + start.len()..];
        }
    }
    out
}

/// The module a path from module `here` lands in (the longest known prefix).
fn resolve(
    here: &[String],
    path: &str,
    known: &BTreeMap<Vec<String>, PathBuf>,
) -> Option<Vec<String>> {
    let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Vec<String>;
    let mut i = 0;
    match segs.first().copied() {
        Some("crate") => {
            base = Vec::new();
            i = 1;
        }
        Some("super") => {
            base = here.to_vec();
            while segs.get(i) == Some(&"super") {
                base.pop();
                i += 1;
            }
        }
        Some("self") => {
            base = here.to_vec();
            i = 1;
        }
        // A bare first segment names a child module declared here, if there is one.
        Some(first) => {
            let mut child = here.to_vec();
            child.push(first.to_owned());
            if !known.contains_key(&child) {
                return None;
            }
            base = here.to_vec();
        }
        None => return None,
    }
    let mut found = known.contains_key(&base).then(|| base.clone());
    for seg in &segs[i..] {
        base.push((*seg).to_owned());
        if known.contains_key(&base) {
            found = Some(base.clone());
        } else {
            break;
        }
    }
    found
}

fn layer(module: &[String]) -> Option<u8> {
    let top = module.first()?;
    LAYERS.iter().find(|(m, _)| m == top).map(|(_, l)| *l)
}

#[test]
fn server_modules_import_downwards_without_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let known = modules(&src);
    assert!(known.len() > 30, "found the modules: {known:?}");
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    let mut wrong_way = Vec::new();
    for (module, file) in &known {
        let text = std::fs::read_to_string(file).unwrap();
        // Unit tests may look anywhere; only the module's own code counts, not comments.
        let code: String = text
            .split("#[cfg(test)]")
            .next()
            .unwrap_or(&text)
            .lines()
            .map(strip_comment)
            .collect::<Vec<_>>()
            .join("\n");
        for (path, reexport) in paths(&code) {
            let Some(target) = resolve(module, &path, &known) else {
                continue;
            };
            // A module re-exporting its children is their facade, not their user.
            let facade = reexport && target.len() > module.len() && target.starts_with(module);
            if &target == module || target.is_empty() || module.is_empty() || facade {
                continue;
            }
            if module.first() != target.first()
                && let (Some(from), Some(to)) = (layer(module), layer(&target))
                && to >= from
            {
                wrong_way.push(format!(
                    "{} uses {} ({path})",
                    module.join("::"),
                    target.join("::")
                ));
            }
            edges.entry(module.clone()).or_default().insert(target);
        }
    }
    assert!(
        wrong_way.is_empty(),
        "imports upwards or sideways:\n{}",
        wrong_way.join("\n")
    );

    // Depth-first search for a cycle among files.
    fn visit(
        m: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        match state.get(m) {
            Some(2) => return None,
            Some(1) => {
                let at = stack.iter().position(|s| s == m).unwrap_or(0);
                return Some(stack[at..].to_vec());
            }
            _ => {}
        }
        state.insert(m.clone(), 1);
        stack.push(m.clone());
        for next in edges.get(m).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, state, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        state.insert(m.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in known.keys() {
        if let Some(cycle) = visit(m, &edges, &mut state, &mut Vec::new()) {
            let names: Vec<String> = cycle.iter().map(|m| m.join("::")).collect();
            panic!("import cycle: {}", names.join(" -> "));
        }
    }
    // The checker itself sees the known cross-module edges.
    let app_orders = vec!["app".to_owned(), "orders".to_owned()];
    assert!(
        edges
            .get(&app_orders)
            .is_some_and(|e| e.contains(&vec!["app".to_owned(), "changes".to_owned()])),
        "app::orders uses app::changes: {edges:?}"
    );
}

#[test]
fn the_path_reader_expands_groups() {
    assert_eq!(
        expand("crate::app::{AppState, views::{a, b}}"),
        [
            "crate::app::AppState",
            "crate::app::views::a",
            "crate::app::views::b"
        ]
    );
}
