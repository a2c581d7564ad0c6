//! A login storm through the C ABI against an emulator whose quota is lower than the library was
//! told (as when other processes share the account's): see tests/ffi_storm.rs, whose helpers this
//! shares. Its own test binary: the quota buckets are the process's.
//!
//! (tests/ffi_storm.rs:) A login storm through the C ABI against an emulator that enforces Cognito's request quotas:
//! 2,000 players (one provider each) ask for credentials at once. The library keeps to the quota
//! (requests wait for their slot in order) and ends with every player signed in, nearly nothing
//! throttled; when the quota is lower than the library was told, it steps down and still ends
//! with every player signed in. (How long a storm takes against the quota's bound is measured by
//! the benchmark, not asserted here.) Its own test binary: the quota buckets are the process's.

mod common;

use common::storm::*;

#[test]
fn a_quota_lower_than_configured_is_stepped_down_to() {
    // The account's quota is a tenth of what the library was told.
    let (_rt, emu) = emulator_with_quotas(100.0, 200.0);
    let s = storm(
        &emu,
        1_000,
        r#"{"limiting":"always","rates":{"GetId":1000,"GetCredentialsForIdentity":2000}}"#,
    );
    assert!(
        s.failed.is_empty(),
        "{} failed: {:?}",
        s.failed.len(),
        &s.failed[..s.failed.len().min(5)]
    );
    let (throttled, sent) = throttled_of_sent(&emu);
    eprintln!("{throttled} of {sent} requests throttled");
    // Throttled while it learns the quota: the second's burst it was told it could send, then
    // little more (without pacing, every player would be throttled several times).
    assert!(
        throttled > 0 && throttled < 1_000,
        "{throttled} of {sent} requests throttled"
    );
}
