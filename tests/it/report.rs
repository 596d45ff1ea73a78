//! report.html and charts/ on sample_data: well-formed, every chart inline
//! and as files, nothing fetched from a network, small cells suppressed with
//! --min-cell, summary.json aggregates present and stable.

use std::path::Path;

use crate::common::*;

const CHARTS: [&str; 15] = [
    "findings-by-check",
    "top-providers",
    "findings-by-month",
    "provider-m6281-share",
    "reassessment-cadence",
    "documentation-completeness",
    "payers",
    "check-excludes1-conflict",
    "check-dx-invalid",
    "check-m6281-neuro-dx-mismatch",
    "check-m6281-no-strength-exam",
    "check-m6281-no-reassessment",
    "check-m6281-primary-with-specific",
    "check-m6281-neuro-cpt-undistinguished",
    "check-r531-specificity",
];

/// Tags whose nesting must be exact (outside script, style and svg bodies).
const STRUCTURE: [&str; 22] = [
    "html",
    "head",
    "body",
    "header",
    "nav",
    "section",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "figure",
    "figcaption",
    "div",
    "ul",
    "ol",
    "li",
    "details",
    "summary",
    "h1",
    "h2",
];

/// Checks that the structural tags open and close in a proper nesting;
/// returns how many inline <svg> elements were seen.
pub fn assert_well_formed(html: &str) -> usize {
    assert!(html.starts_with("<!DOCTYPE html>"), "doctype first");
    let mut stack: Vec<String> = Vec::new();
    let mut svgs = 0;
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let end = rest.find('>').expect("unterminated tag");
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        // Skip the bodies of script, style and svg: they are not HTML structure.
        if !closing && (name == "script" || name == "style" || name == "svg") {
            let close = format!("</{name}>");
            let j = rest
                .find(&close)
                .unwrap_or_else(|| panic!("{name} not closed"));
            rest = &rest[j + close.len()..];
            if name == "svg" {
                svgs += 1;
                assert!(
                    tag.contains("viewBox"),
                    "inline svg keeps its viewBox: {tag}"
                );
            }
            continue;
        }
        if !STRUCTURE.contains(&name.as_str()) {
            continue;
        }
        if closing {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(open, name, "</{name}> closes <{open}>");
        } else if !tag.ends_with('/') {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "left open: {stack:?}");
    svgs
}

/// Nothing on the page may load from anywhere.
pub fn assert_no_external_reference(html: &str) {
    let lower = html.to_ascii_lowercase();
    for needle in [
        "http:", "https:", "@import", "url(", "<link", "<iframe", "<img", " src=", "//cdn",
    ] {
        assert!(!lower.contains(needle), "report.html holds {needle:?}");
    }
}

fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(
        &bytes[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is a PNG",
        path.display()
    );
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (be(16), be(20))
}

fn svg_width(svg: &str) -> u32 {
    let i = svg.find("<svg width=\"").expect("svg width") + 12;
    svg[i..].split('"').next().unwrap().parse().unwrap()
}

#[test]
fn report_html_is_self_contained_with_every_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let out = audit(
        &sample("claims.csv"),
        &sample("notes.csv"),
        &tmp.path().join("run"),
        &[],
    );
    let html = read(&out.join("report.html"));
    let svgs = assert_well_formed(&html);
    assert_no_external_reference(&html);
    assert!(svgs >= CHARTS.len(), "{svgs} inline charts");
    for name in CHARTS {
        assert!(
            html.contains(&format!("id=\"chart-{name}\"")),
            "{name} inline"
        );
        let svg_path = out.join("charts").join(format!("{name}.svg"));
        let svg = read(&svg_path);
        assert!(
            svg.contains("<svg") && svg.trim_end().ends_with("</svg>"),
            "{name}.svg"
        );
        assert!(!svg.contains("href"), "{name}.svg links nothing");
        let (w, h) = png_size(&out.join("charts").join(format!("{name}.png")));
        assert_eq!(w, 2 * svg_width(&svg), "{name}.png is twice the svg width");
        assert!(h > 200, "{name}.png height {h}");
    }
    // Header, per-check sections with rationale and findings, providers, rejects.
    for needle in [
        "Audited period: <b>all dates</b>",
        "SHA-256",
        "id=\"provider-table\"",
        "class=\"sortable\"",
        "percentile",
        "id=\"rejects\"",
        "No input row was rejected",
        "<h4>Why it matters</h4>",
        "@media print",
        "break-before:page",
    ] {
        assert!(html.contains(needle), "report.html lacks {needle:?}");
    }
    for check in [
        "excludes1-conflict",
        "m6281-no-reassessment",
        "r531-specificity",
    ] {
        assert!(html.contains(&format!("<section class=\"check\" id=\"{check}\">")));
        assert!(html.contains(&format!("<a href=\"#{check}\">")));
    }
    // Every finding of a check with at most 50 findings is listed with its evidence.
    assert!(html.contains("CLM") && html.contains("class=ev>"));

    // summary.json: the aggregates of CHECKS.md, stable across runs.
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    let providers = summary["providers"].as_array().unwrap();
    assert_eq!(providers.len(), 9);
    let ranked: Vec<_> = providers
        .iter()
        .filter(|p| !p["percentile"].is_null())
        .collect();
    assert_eq!(
        ranked.len(),
        8,
        "one sample provider has fewer than 11 claims"
    );
    let flagged: Vec<_> = providers.iter().filter(|p| p["outlier"] == true).collect();
    assert!(!flagged.is_empty());
    for p in &flagged {
        assert!(p["percentile"].as_f64().unwrap() >= 80.0);
    }
    let max = ranked
        .iter()
        .map(|p| p["percentile"].as_f64().unwrap())
        .fold(0.0, f64::max);
    assert_eq!(max, 100.0);
    assert!(summary["months"].as_array().unwrap().len() > 6);
    assert_eq!(
        summary["documentation"]["groups"][0]["group"],
        serde_json::json!("all")
    );
    assert!(
        summary["documentation"]["groups"][0]["elements"]["has_strength_grade"]["share"]
            .is_number()
    );
    let text = read(&out.join("summary.json"));
    assert!(!text.contains("ran_at") && !text.contains(":00Z"));

    let again = audit(
        &sample("claims.csv"),
        &sample("notes.csv"),
        &tmp.path().join("again"),
        &["--min-cell", "11"],
    );
    assert_eq!(
        text,
        read(&again.join("summary.json")),
        "summary.json is byte-identical across runs and --min-cell"
    );
    assert_eq!(
        read(&out.join("findings.csv")),
        read(&again.join("findings.csv")),
        "findings stay complete with --min-cell"
    );
    // Charts are deterministic (top-providers shows amounts only: --min-cell leaves it alone).
    for ext in ["svg", "png"] {
        let file = format!("top-providers.{ext}");
        assert_eq!(
            std::fs::read(out.join("charts").join(&file)).unwrap(),
            std::fs::read(again.join("charts").join(&file)).unwrap(),
            "{file} differs between runs"
        );
    }
}

#[test]
fn min_cell_suppresses_small_counts_in_the_report_and_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = audit(
        &sample("claims.csv"),
        &sample("notes.csv"),
        &tmp.path().join("run"),
        &["--min-cell", "11"],
    );
    let html = read(&out.join("report.html"));
    assert_well_formed(&html);
    assert_no_external_reference(&html);
    assert!(html.contains("Small cells suppressed"));
    // excludes1-conflict has 7 findings on 5 patients and 5 providers in sample_data.
    let row_start = html
        .find("<tr><td class=id><a href=\"#excludes1-conflict\">")
        .expect("summary row");
    let row = &html[row_start..row_start + html[row_start..].find("</tr>").unwrap()];
    assert_eq!(row.matches("&lt;11").count(), 3, "{row}");
    assert!(!row.contains(">7<") && !row.contains(">5<"), "{row}");
    // Its finding rows are withheld (they would tell the count).
    let section_start = html
        .find("<section class=\"check\" id=\"excludes1-conflict\">")
        .unwrap();
    let section =
        &html[section_start..section_start + html[section_start..].find("</section>").unwrap()];
    assert!(section.contains("withheld"), "rows withheld");
    assert!(!section.contains("class=ev>"), "no finding rows");
    // m6281-primary-with-specific (23 findings) still lists them.
    let big = html
        .find("<section class=\"check\" id=\"m6281-primary-with-specific\">")
        .unwrap();
    assert!(html[big..].contains("class=ev>"));
    // No count from 1 to 10 left in a count cell of the page.
    for n in 1..11 {
        assert!(
            !html.contains(&format!("<td class=num data-v=\"{n}\">")),
            "count {n} shown"
        );
    }
    // Charts: the suppressed value is written as <11, never drawn as 7.
    let svg = read(&out.join("charts").join("findings-by-check.svg"));
    assert!(
        svg.contains("&lt;11"),
        "findings-by-check marks suppressed bars"
    );
    let svg = read(&out.join("charts").join("findings-by-month.svg"));
    assert!(
        svg.contains("not shown"),
        "findings-by-month shows the band"
    );
}
