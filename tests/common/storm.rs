//! Login storms against an emulator that enforces Cognito's request quotas (tests/ffi_storm*.rs).

use super::emulator_with;
use super::ffi::*;
use cognito_emulator::{Emulator, EmulatorConfig, Operation, DEFAULT_UNAUTH_POOL_ID};
use cognito_native::ffi::*;
use std::collections::BTreeMap;
use std::sync::mpsc;
use std::time::Duration;

pub struct Storm {
    pub ok: usize,
    pub failed: Vec<(cognito_status, Option<(u32, String)>)>,
}

/// `players` providers with `rate_limits`, all asking for credentials at once.
pub fn storm(emu: &Emulator, players: usize, rate_limits: &str) -> Storm {
    let extra = format!(r#","rate_limits":{rate_limits}"#);
    let providers: Vec<_> = (0..players)
        .map(|_| new_provider(&emu.url(), DEFAULT_UNAUTH_POOL_ID, &extra))
        .collect();
    let (tx, rx) = mpsc::channel::<Done>();
    for &p in &providers {
        let ud = Box::into_raw(Box::new(tx.clone())).cast();
        assert_eq!(
            cognito_provider_get_credentials(p, Some(on_credentials), ud, std::ptr::null_mut()),
            cognito_status::Ok
        );
    }
    let mut result = Storm {
        ok: 0,
        failed: vec![],
    };
    for _ in 0..players {
        let (status, _, err) = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("every call completes");
        match status {
            cognito_status::Ok => result.ok += 1,
            _ => result.failed.push((status, err)),
        }
    }
    for p in providers {
        assert_eq!(cognito_provider_free(p), cognito_status::Ok);
    }
    result
}

pub fn emulator_with_quotas(
    get_id: f64,
    get_credentials: f64,
) -> (tokio::runtime::Runtime, Emulator) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let emu = rt.block_on(emulator_with(EmulatorConfig {
        quotas: BTreeMap::from([
            ("GetId".to_owned(), get_id),
            ("GetCredentialsForIdentity".to_owned(), get_credentials),
        ]),
        ..Default::default()
    }));
    (rt, emu)
}

/// Requests throttled and requests received, of both operations.
pub fn throttled_of_sent(emu: &Emulator) -> (u64, u64) {
    let throttled = emu.throttled_count(Operation::GetId)
        + emu.throttled_count(Operation::GetCredentialsForIdentity);
    let sent = emu.request_count(Operation::GetId)
        + emu.request_count(Operation::GetCredentialsForIdentity);
    (throttled, sent)
}

pub fn throttled_share(emu: &Emulator) -> f64 {
    let (throttled, sent) = throttled_of_sent(emu);
    throttled as f64 / sent as f64
}
