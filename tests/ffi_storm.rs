//! A login storm through the C ABI against an emulator that enforces Cognito's request quotas:
//! 2,000 players (one provider each) ask for credentials at once. The library keeps to the quota
//! (requests wait for their slot in order) and ends with every player signed in, nearly nothing
//! throttled; when the quota is lower than the library was told, it steps down and still ends
//! with every player signed in. (How long a storm takes against the quota's bound is measured by
//! the benchmark, not asserted here.) Its own test binary: the quota buckets are the process's.

mod common;

use cognito_native::ffi::*;
use common::ffi::*;
use common::storm::*;
use common::*;

const PLAYERS: usize = 2_000;

#[test]
fn a_storm_within_the_quota_signs_every_player_in() {
    let (_rt, emu) = emulator_with_quotas(500.0, 1_000.0);
    let s = storm(
        &emu,
        PLAYERS,
        r#"{"limiting":"always","rates":{"GetId":500,"GetCredentialsForIdentity":1000}}"#,
    );
    assert!(
        s.failed.is_empty(),
        "{} failed: {:?}",
        s.failed.len(),
        &s.failed[..s.failed.len().min(5)]
    );
    assert_eq!(s.ok, PLAYERS);
    let share = throttled_share(&emu);
    assert!(share < 0.01, "{:.2} % of requests throttled", share * 100.0);
    // The statistics saw it: slots waited for, nothing given up.
    let mut json = None;
    assert_eq!(cognito_statistics_json(&mut json), cognito_status::Ok);
    let stats: serde_json::Value = serde_json::from_str(json.unwrap().to_str()).unwrap();
    let get_id = &stats["operations"]["GetId"];
    assert!(
        get_id["sent"].as_u64().unwrap() >= PLAYERS as u64,
        "{stats}"
    );
    assert!(get_id["waited"].as_u64().unwrap() > 0, "{stats}");
    assert_eq!(get_id["wait_timeouts"], 0, "{stats}");
    assert_eq!(stats["queued"], 0, "{stats}");
}

#[test]
fn misconfigured_limits_are_refused_at_creation() {
    let (_rt, emu) = emulator_with_quotas(1_000.0, 1_000.0);
    for bad in [
        r#"{"rates":{"GetId":0}}"#,
        r#"{"rates":{"GetId":-1}}"#,
        r#"{"rates":{"GetId":1e12}}"#,
        r#"{"rates":{"GetIdd":10}}"#,
        r#"{"limiting":"sometimes"}"#,
        r#"{"max_wait_ms":0}"#,
        r#"{"rate":{"GetId":10}}"#,
    ] {
        let options = emulator_options(&emu.url(), &format!(r#","rate_limits":{bad}"#));
        let pool = cstr(DEFAULT_UNAUTH_POOL_ID);
        let mut p = std::ptr::null_mut();
        assert_eq!(
            cognito_provider_new(arg(&pool), arg(&options), &mut p),
            cognito_status::ErrInvalidArgument,
            "{bad}"
        );
        assert!(!last_error().is_empty(), "{bad}");
    }
}
