//! Where the AWS SigV4 test suite is: the `aws-signing-test-suite/v4` folder shipped inside the
//! `aws-sigv4` crate this workspace builds against. Shared by the emulator's verifier tests and
//! the library's signer tests; not part of the emulator's API.

use std::path::PathBuf;
use std::process::Command;

/// The suite's `v4` folder. Panics with the reason when it cannot be found: a test whose vectors
/// are missing must fail, never pass by running nothing.
///
/// Asks `cargo metadata` for the packages of this machine's platform only: those are the ones
/// a build here downloads, so the lookup works wherever `cargo test` does (offline included). A
/// lookup of every platform's packages needs manifests (Windows, macOS crates) that a Linux
/// build never fetched.
pub fn aws_sigv4_test_suite_dir() -> PathBuf {
    let cargo = env!("CARGO");
    let host = host_triple(cargo);
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .args(["--filter-platform", &host, "--manifest-path", manifest])
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{cargo} metadata`: {e}"));
    if !out.status.success() {
        panic!(
            "`cargo metadata --filter-platform {host}` failed ({}), so the SigV4 test suite \
             shipped in aws-sigv4 cannot be found:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("`cargo metadata` printed no JSON: {e}"));
    let suites: Vec<PathBuf> = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["name"] == "aws-sigv4")
        .filter_map(|p| p["manifest_path"].as_str())
        .filter_map(|m| Some(PathBuf::from(m).parent()?.join("aws-signing-test-suite/v4")))
        .collect();
    match suites.iter().find(|s| s.is_dir()) {
        Some(dir) => dir.clone(),
        None if suites.is_empty() => {
            panic!("aws-sigv4 is not in the dependency graph of {manifest}")
        }
        None => panic!("the aws-sigv4 package holds no SigV4 test suite (looked in {suites:?})"),
    }
}

/// The platform cargo builds for by default (`host:` in `cargo -vV`).
fn host_triple(cargo: &str) -> String {
    let out = Command::new(cargo)
        .arg("-vV")
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{cargo} -vV`: {e}"));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .unwrap_or_else(|| panic!("`{cargo} -vV` names no host platform"))
        .trim()
        .to_owned()
}
