//! A store kept by the host, as the C ABI's `cognito_store` callbacks (tests/ffi_persisted.rs,
//! tests/ffi_user_pool_emulator.rs).

use cognito_native::ffi::cognito_store;
use std::collections::HashMap;
use std::ffi::{c_void, CStr};
use std::sync::Mutex;

/// A host store: values by key, and a log of the calls.
#[derive(Default)]
pub struct HostMap {
    values: Mutex<HashMap<String, String>>,
    calls: Mutex<Vec<String>>,
}

impl HostMap {
    pub fn leaked() -> &'static HostMap {
        Box::leak(Box::default())
    }

    pub fn set(&self, key: &str, value: String) {
        self.values.lock().unwrap().insert(key.to_owned(), value);
    }

    pub fn get(&self, pool: &str) -> Option<String> {
        self.values.lock().unwrap().get(pool).cloned()
    }

    pub fn calls(&self, kind: &str) -> usize {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .filter(|c| *c == kind)
            .count()
    }

    pub fn as_store(&'static self) -> cognito_store {
        cognito_store {
            load: Some(load),
            save: Some(save),
            clear: Some(clear),
            user_data: (self as *const HostMap).cast_mut().cast(),
        }
    }
}

unsafe fn host<'a>(ud: *mut c_void) -> &'a HostMap {
    &*ud.cast::<HostMap>()
}

unsafe extern "C" fn load(
    ud: *mut c_void,
    pool: *const safer_ffi::c_char,
    buf: *mut safer_ffi::c_char,
    cap: usize,
) -> usize {
    let h = host(ud);
    h.calls.lock().unwrap().push("load".into());
    let pool = CStr::from_ptr(pool.cast()).to_str().unwrap();
    let Some(value) = h.get(pool) else {
        return 0;
    };
    // The length even when it does not fit: the library asks again with room for it.
    if value.len() < cap {
        std::ptr::copy_nonoverlapping(value.as_ptr(), buf.cast::<u8>(), value.len());
        *buf.add(value.len()).cast::<u8>() = 0;
    }
    value.len()
}

unsafe extern "C" fn save(
    ud: *mut c_void,
    pool: *const safer_ffi::c_char,
    value: *const safer_ffi::c_char,
) {
    let h = host(ud);
    h.calls.lock().unwrap().push("save".into());
    let pool = CStr::from_ptr(pool.cast()).to_str().unwrap().to_owned();
    let value = CStr::from_ptr(value.cast()).to_str().unwrap().to_owned();
    h.values.lock().unwrap().insert(pool, value);
}

unsafe extern "C" fn clear(ud: *mut c_void, pool: *const safer_ffi::c_char) {
    let h = host(ud);
    h.calls.lock().unwrap().push("clear".into());
    let pool = CStr::from_ptr(pool.cast()).to_str().unwrap();
    h.values.lock().unwrap().remove(pool);
}
