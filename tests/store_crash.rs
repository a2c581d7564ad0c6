//! The identity file survives a process killed while writing it: afterwards it holds the old or
//! the new identity id, never a torn file. A child process (this test binary, re-run on its
//! ignored `writer` test) saves ids in a tight loop; the parent kills it with SIGKILL at random
//! moments and reads the file back each time.
#![cfg(unix)]

use cognito_native::{FileIdentityStore, IdentityStore};
use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const POOL: &str = "us-east-1:00000000-0000-4000-8000-000000000001";
const DIR_ENV: &str = "COGNITO_STORE_CRASH_DIR";
const KILLS: usize = 40;

/// Distinct valid ids; the writer cycles through them.
fn ids() -> Vec<String> {
    (0..16)
        .map(|i| format!("us-east-1:{i:08x}-2222-4333-8444-555555555555"))
        .collect()
}

/// Run by the parent as a child process: saves forever (until killed).
#[test]
#[ignore = "child process of killed_writer_leaves_old_or_new_file"]
fn writer() {
    let dir = std::env::var(DIR_ENV).expect("run by killed_writer_leaves_old_or_new_file");
    let store = FileIdentityStore::new(dir);
    let ids = ids();
    // Bounded even if the parent dies: about a minute of saves at most.
    for i in 0..1_000_000 {
        store.save(POOL, &ids[i % ids.len()]).unwrap();
    }
}

fn wait_for(path: &Path) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !path.exists() {
        assert!(Instant::now() < deadline, "the writer never wrote");
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn killed_writer_leaves_old_or_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileIdentityStore::new(dir.path());
    let path = store.path_for(POOL);
    let ids = ids();
    let mut seen = HashMap::<String, usize>::new();
    for round in 0..KILLS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["writer", "--exact", "--ignored", "--test-threads=1"])
            .env(DIR_ENV, dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if round == 0 {
            wait_for(&path);
        }
        // Let it run for a random moment, then kill it mid-loop (SIGKILL: no clean-up runs).
        std::thread::sleep(Duration::from_micros(fastrand::u64(2_000..40_000)));
        child.kill().unwrap();
        assert!(!child.wait().unwrap().success());

        // Whole JSON, a valid id we wrote, and still private to the user.
        let bytes = std::fs::read(&path).unwrap();
        let parsed: HashMap<String, String> = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("round {round}: torn file ({e}): {bytes:?}"));
        assert_eq!(parsed.len(), 1);
        let loaded = store.load(POOL).unwrap().expect("an id");
        assert!(ids.contains(&loaded), "round {round}: unknown id {loaded}");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "round {round}: mode {mode:o}");
        *seen.entry(loaded).or_default() += 1;
    }
    // The kills landed at different points of the loop, not always after the same save.
    println!("{KILLS} kills; ids found: {seen:?}");
    assert!(seen.len() > 1, "kills should land at different moments");
    // A kill can leave only temporary files behind; a later save removes the old ones.
    let leftovers = |dir: &Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| *p != path)
            .collect()
    };
    let left = leftovers(dir.path());
    println!("temporary files left by the kills: {}", left.len());
    for file in &left {
        let name = file.file_name().unwrap().to_string_lossy();
        assert!(
            name.starts_with(".cognito-identity-") && name.ends_with(".tmp"),
            "unexpected file {name}"
        );
        let two_minutes_ago = std::time::SystemTime::now() - Duration::from_secs(120);
        std::fs::File::options()
            .write(true)
            .open(file)
            .unwrap()
            .set_modified(two_minutes_ago)
            .unwrap();
    }
    let young = dir.path().join(".cognito-identity-inprogress.tmp");
    std::fs::write(&young, b"another process writing").unwrap();
    store.save(POOL, &ids[0]).unwrap();
    assert_eq!(
        leftovers(dir.path()),
        vec![young],
        "only the young one stays"
    );
}
