//! The HTML report as a real browser sees it (headless Chromium): it loads without console
//! errors, and its filters hide what they should. Skips with a message where Chromium is absent.

mod support;

use std::path::Path;
use std::process::Command;

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|name| {
        Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Loads `url` headless; returns the DOM after scripts ran and what the browser logged.
fn load(browser: &str, url: &str) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            &format!("--user-data-dir={}", profile.path().display()),
            "--dump-dom",
            url,
        ])
        .output()
        .expect("chromium runs");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn finding_rows(dom: &str) -> Vec<&str> {
    dom.split("<tr class=\"finding\"")
        .skip(1)
        .map(|row| row.split('>').next().unwrap())
        .collect()
}

#[test]
fn the_html_report_loads_cleanly_and_filters() {
    let Some(browser) = chromium() else {
        eprintln!(
            "skipped: headless Chromium is not installed (.ci/run installs Debian's chromium)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.html");
    let status = Command::new(env!("CARGO_BIN_EXE_threatflow"))
        .args(["report", "--format", "html", "-o"])
        .arg(&report)
        .arg(support::repo_root().join("examples/orders-api/orders.flow"))
        .status()
        .unwrap();
    assert!(status.success());
    let url = |hash: &str| format!("file://{}{hash}", Path::new(&report).display());

    let (dom, log) = load(browser, &url(""));
    let console: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(console.is_empty(), "the page logged: {console:?}");
    let rows = finding_rows(&dom);
    assert_eq!(rows.len(), 9, "every finding has a row");
    let shown = |rows: &[&str]| rows.iter().filter(|r| !r.contains("hidden")).count();
    assert_eq!(shown(&rows), 7, "accepted risks are hidden by default");
    assert!(dom.contains("7 of 9 shown"));

    let (dom, _) = load(browser, &url("#severity=info"));
    let rows = finding_rows(&dom);
    assert_eq!(shown(&rows), 1, "only the info finding stays");
    assert!(
        rows.iter()
            .filter(|r| !r.contains("hidden"))
            .all(|r| r.contains("data-severity=\"info\""))
    );

    let (dom, _) = load(browser, &url("#stride=denial_of_service&accepted=1"));
    let rows = finding_rows(&dom);
    assert!(
        rows.iter()
            .filter(|r| !r.contains("hidden"))
            .all(|r| r.contains("denial_of_service"))
    );
    assert_eq!(shown(&rows), 3);
}
