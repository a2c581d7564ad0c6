//! Persisted credentials and prefetch (issue 17): what each launch costs in requests, and when
//! an earlier launch's credentials must not be used.

mod common;

use cognito_emulator::{Emulator, EmulatorConfig};
use cognito_native::{Config, CredentialsProvider, FileIdentityStore};
use common::*;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// GetId, GetCredentialsForIdentity.
fn requests(emu: &Emulator) -> (u64, u64) {
    (
        emu.request_count(Operation::GetId),
        emu.request_count(Operation::GetCredentialsForIdentity),
    )
}

fn launch_config(emu: &Emulator, dir: &Path) -> Config {
    let mut c = config(emu, DEFAULT_UNAUTH_POOL_ID)
        .with_identity_store(Arc::new(FileIdentityStore::new(dir)));
    c.persist_credentials = true;
    c
}

fn launch(emu: &Emulator, dir: &Path) -> CredentialsProvider {
    CredentialsProvider::new(launch_config(emu, dir)).unwrap()
}

fn entry_path(dir: &Path) -> std::path::PathBuf {
    FileIdentityStore::new(dir).credentials_path_for(DEFAULT_UNAUTH_POOL_ID)
}

fn entry(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(entry_path(dir)).expect("an entry")).unwrap()
}

/// Waits (bounded) until the store holds `credentials`: written on the runtime's blocking
/// threads after they are handed out.
async fn stored(dir: &Path, credentials: &cognito_native::Credentials) -> serde_json::Value {
    let path = entry_path(dir);
    until("the entry is written", || {
        std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .is_some_and(|e| e["session_token"] == credentials.session_token.expose())
    })
    .await;
    entry(dir)
}

/// A change made to a stored entry.
type Edit = dyn Fn(&mut serde_json::Value);

/// Edits the entry; its session token is marked too, so that only credentials fetched after the
/// edit count as [`stored`] (the emulator may issue the same token again within a second).
fn edit_entry(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut e = entry(dir);
    edit(&mut e);
    e["session_token"] = "edited".into();
    std::fs::write(entry_path(dir), e.to_string()).unwrap();
}

#[tokio::test]
async fn a_launch_with_valid_persisted_credentials_sends_no_request() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let first = launch(&emu, dir.path()).credentials().await.unwrap();
    assert_eq!(requests(&emu), (1, 1));
    stored(dir.path(), &first).await;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(entry_path(dir.path()))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // The next launch: the same credentials, from the store, at once and without I/O.
    let second = launch(&emu, dir.path());
    let cached = second
        .cached_credentials()
        .expect("usable before any request");
    assert_eq!(cached.access_key_id, first.access_key_id);
    assert_eq!(cached.secret_access_key, first.secret_access_key);
    assert_eq!(cached.identity_id, first.identity_id);
    assert_eq!(
        second.credentials().await.unwrap().session_token,
        first.session_token
    );
    assert_eq!(requests(&emu), (1, 1));

    // Without the option, nothing is persisted and a launch asks again.
    let other = tempfile::tempdir().unwrap();
    let mut c = launch_config(&emu, other.path());
    c.persist_credentials = false;
    CredentialsProvider::new(c)
        .unwrap()
        .credentials()
        .await
        .unwrap();
    assert!(!entry_path(other.path()).exists());
    emu.shutdown().await;
}

#[tokio::test]
async fn expired_skewed_or_corrupt_entries_are_not_used() {
    // The server's clock is two hours ahead of ours: expirations are two hours "later".
    let emu = emulator_with(EmulatorConfig {
        clock_skew_secs: 7200,
        ..Default::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let first = launch(&emu, dir.path()).credentials().await.unwrap();
    let offset = stored(dir.path(), &first).await["clock_offset_ms"]
        .as_i64()
        .unwrap();
    assert!((offset - 7_200_000).abs() < 2000, "{offset}");
    // With the saved offset the next launch judges them right: valid.
    launch(&emu, dir.path()).credentials().await.unwrap();
    assert_eq!(requests(&emu), (1, 1));

    let cases: [(&str, Box<Edit>); 4] = [
        (
            "expired",
            Box::new(|e| e["expiration"] = (e["expiration"].as_u64().unwrap() - 7200).into()),
        ),
        // Valid by the device clock, expired by the server's as the saved offset says.
        (
            "server clock",
            Box::new(|e| e["clock_offset_ms"] = (3 * 3_600_000i64 + 60_000).into()),
        ),
        (
            "clock moved back",
            Box::new(|e| e["saved_at"] = (e["saved_at"].as_u64().unwrap() + 3600).into()),
        ),
        (
            "another identity",
            Box::new(|e| {
                e["identity_id"] = "us-east-1:99999999-2222-4333-8444-555555555555".into()
            }),
        ),
    ];
    let mut expected = requests(&emu).1;
    for (what, edit) in cases {
        edit_entry(dir.path(), edit);
        let p = launch(&emu, dir.path());
        assert!(p.cached_credentials().is_none(), "{what}: must not be used");
        let fresh = p.credentials().await.unwrap();
        expected += 1;
        assert_eq!(
            requests(&emu).1,
            expected,
            "{what}: new credentials were fetched"
        );
        // And the new ones replaced the entry.
        let e = stored(dir.path(), &fresh).await;
        assert!(
            (e["clock_offset_ms"].as_i64().unwrap() - 7_200_000).abs() < 2000,
            "{what}"
        );
    }
    // The identity id itself is kept throughout: one GetId.
    assert_eq!(requests(&emu).0, 1);

    for garbage in [&b""[..], b"{", b"\xff\xfe", b"[1,2]", b"{\"v\":1}"] {
        std::fs::write(entry_path(dir.path()), garbage).unwrap();
        let p = launch(&emu, dir.path());
        assert!(p.cached_credentials().is_none());
        let fresh = p.credentials().await.unwrap();
        assert_eq!(
            stored(dir.path(), &fresh).await["v"],
            1,
            "a fetch repairs the entry"
        );
    }
    emu.shutdown().await;
}

/// Waits (bounded) until the store has settled: writes run on the runtime's blocking threads.
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting until {what}");
}

#[tokio::test]
async fn sign_out_login_and_identity_changes_remove_them() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let path = entry_path(dir.path());

    // Clear (sign-out): gone from the store before the call returns.
    let p = launch(&emu, dir.path());
    stored(dir.path(), &p.credentials().await.unwrap()).await;
    p.clear();
    assert!(!path.exists());

    // Clearing the credentials or the identity id: gone too.
    stored(dir.path(), &p.credentials().await.unwrap()).await;
    p.clear_credentials();
    assert!(!path.exists());
    stored(dir.path(), &p.credentials().await.unwrap()).await;
    p.clear_identity_cache();
    assert!(!path.exists());

    // Credentials for a login are kept for that login only.
    p.set_login("graph.facebook.com", "player-1").unwrap();
    let player1 = p.credentials().await.unwrap();
    stored(dir.path(), &player1).await;
    // The next launch signs in again as the same player: the entry applies.
    let again = launch(&emu, dir.path());
    again.set_login("graph.facebook.com", "player-1").unwrap();
    let before = requests(&emu);
    assert_eq!(
        again.credentials().await.unwrap().access_key_id,
        player1.access_key_id
    );
    assert_eq!(requests(&emu), before);
    // A launch where another player signs in: not theirs; dropped from the store at once.
    let other = launch(&emu, dir.path());
    other.set_login("graph.facebook.com", "player-2").unwrap();
    until("the entry is removed", || !path.exists()).await;
    assert!(other.cached_credentials().is_none());
    // A launch as a guest: not a guest's either.
    again.clear_credentials();
    stored(dir.path(), &again.credentials().await.unwrap()).await;
    let guest = launch(&emu, dir.path());
    assert!(guest.cached_credentials().is_none());
    until("the entry is removed", || !path.exists()).await;

    // A login removed while they are cached: they go.
    again.clear_credentials();
    stored(dir.path(), &again.credentials().await.unwrap()).await;
    again.remove_login("graph.facebook.com");
    until("the entry is removed", || !path.exists()).await;
    emu.shutdown().await;
}

#[tokio::test]
async fn developer_identities_are_not_persisted() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let p = launch(&emu, dir.path());
    // A login supplier that cannot say who it is for: its credentials are not kept.
    let supplier = |_: &str| -> futures_util::future::BoxFuture<
        'static,
        cognito_native::Result<cognito_native::Secret>,
    > { Box::pin(async { Ok(cognito_native::Secret::new("player-9")) }) };
    p.set_logins_provider("graph.facebook.com", Arc::new(supplier))
        .unwrap();
    p.credentials().await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!entry_path(dir.path()).exists());
    emu.shutdown().await;
}

#[tokio::test]
async fn prefetch_gets_credentials_before_the_ask_and_costs_nothing_when_persisted() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let mut c = launch_config(&emu, dir.path());
    c.prefetch = true;
    let p = CredentialsProvider::new(c).unwrap();
    // No call yet: the requests go out on their own.
    until("prefetched", || p.cached_credentials().is_some()).await;
    assert_eq!(requests(&emu), (1, 1));
    p.credentials().await.unwrap();
    p.prefetch();
    assert_eq!(requests(&emu), (1, 1));
    // Written after the credentials are handed out (a disk write must not delay them).
    until("the entry is written", || entry_path(dir.path()).exists()).await;

    // Persisted and valid: a prefetching launch sends nothing.
    let mut c = launch_config(&emu, dir.path());
    c.prefetch = true;
    let again = CredentialsProvider::new(c).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(again.cached_credentials().is_some());
    assert_eq!(requests(&emu), (1, 1));

    // Explicit prefetch after a sign-in, while the "game" loads; the ask joins it.
    let fresh = tempfile::tempdir().unwrap();
    let q = launch(&emu, fresh.path());
    q.set_login("graph.facebook.com", "player-7").unwrap();
    q.prefetch();
    q.prefetch();
    let got = q.credentials().await.unwrap();
    assert_eq!(
        requests(&emu),
        (2, 2),
        "one GetId and one GetCredentialsForIdentity more"
    );
    assert_eq!(
        q.cached_credentials().unwrap().access_key_id,
        got.access_key_id
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn a_failed_prefetch_is_tried_again_by_the_ask() {
    let emu = emulator().await;
    // A 500 on every attempt of the prefetch (3 attempts).
    emu.inject(FaultRule {
        op: Some(Operation::GetId),
        fault: Fault::ServerError(500),
        times: Some(3),
    });
    let dir = tempfile::tempdir().unwrap();
    let p = launch(&emu, dir.path());
    p.prefetch();
    until("the prefetch failed", || {
        emu.request_count(Operation::GetId) >= 3
    })
    .await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(p.cached_credentials().is_none());
    p.credentials().await.expect("the ask tries again");
    assert_eq!(emu.request_count(Operation::GetId), 4);
    emu.shutdown().await;
}
