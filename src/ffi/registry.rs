//! Objects handed to C as opaque handles. A handle is a number, never reused (not even after a
//! shutdown and a new init) and never a pointer: it is looked up on every use, so a freed or
//! forged handle is an error status, never a crash.

use super::guard::{Failure, FfiResult};
use super::types::cognito_status;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

static NEXT_HANDLE: AtomicUsize = AtomicUsize::new(1);

pub(crate) struct Registry<T> {
    /// What the handles are, for error messages ("provider").
    what: &'static str,
    items: RwLock<HashMap<usize, Arc<T>>>,
}

impl<T> Registry<T> {
    pub fn new(what: &'static str) -> Registry<T> {
        Registry {
            what,
            items: RwLock::new(HashMap::new()),
        }
    }

    /// Registers `item`; its handle.
    pub fn add(&self, item: T) -> usize {
        let id = NEXT_HANDLE.fetch_add(1, Ordering::Relaxed);
        self.items
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, Arc::new(item));
        id
    }

    /// The object of a live handle; NULL and unknown handles are errors.
    pub fn get<H>(&self, handle: *const H) -> FfiResult<Arc<T>> {
        self.check(handle)?;
        self.items
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(handle as usize))
            .cloned()
            .ok_or_else(|| self.not_live())
    }

    /// Unregisters a handle; its object (which others may still hold).
    pub fn remove<H>(&self, handle: *const H) -> FfiResult<Arc<T>> {
        self.check(handle)?;
        self.items
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&(handle as usize))
            .ok_or_else(|| self.not_live())
    }

    /// Unregisters every handle (shutdown); their objects.
    pub fn drain(&self) -> Vec<Arc<T>> {
        self.items
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .drain()
            .map(|(_, item)| item)
            .collect()
    }

    fn check<H>(&self, handle: *const H) -> FfiResult {
        if handle.is_null() {
            return Err(Failure::new(
                cognito_status::ErrNullArgument,
                format!("{} is NULL", self.what),
            ));
        }
        Ok(())
    }

    fn not_live(&self) -> Failure {
        Failure::new(
            cognito_status::ErrInvalidHandle,
            format!("not a live {} handle", self.what),
        )
    }
}
