//! Identity-changed notifications: delivered in order, once per change, outside the provider's lock,
//! and safe against listeners that call back into the provider.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

/// The provider's identity id changed: first obtained (`old` is `None`), recovered after the old one
/// was deleted or forbidden server-side, or merged into another by Cognito after a sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityChange {
    pub old: Option<String>,
    pub new: String,
}

/// Identifies a listener, to remove it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SubscriptionId(u64);

type Listener = Arc<dyn Fn(&IdentityChange) + Send + Sync>;

#[derive(Default)]
pub(crate) struct Listeners {
    listeners: Mutex<Vec<(SubscriptionId, Listener)>>,
    queue: Mutex<VecDeque<IdentityChange>>,
    /// Held by the one thread delivering; others leave their events in the queue for it.
    delivering: Mutex<()>,
    next_id: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Listeners {
    pub fn subscribe(&self, f: Listener) -> SubscriptionId {
        let id = SubscriptionId(self.next_id.fetch_add(1, Ordering::Relaxed));
        lock(&self.listeners).push((id, f));
        id
    }

    pub fn unsubscribe(&self, id: SubscriptionId) -> bool {
        let mut l = lock(&self.listeners);
        let before = l.len();
        l.retain(|(i, _)| *i != id);
        l.len() != before
    }

    /// Queues a change. Called under the provider's state lock, so queue order is change order.
    pub fn push(&self, change: IdentityChange) {
        lock(&self.queue).push_back(change);
    }

    /// Delivers queued changes. Called without the provider's lock. If another thread (or a
    /// listener further up this thread's stack) is delivering, it will deliver ours too.
    pub fn deliver(&self) {
        loop {
            let guard = match self.delivering.try_lock() {
                Ok(g) => g,
                Err(TryLockError::Poisoned(p)) => p.into_inner(),
                Err(TryLockError::WouldBlock) => return,
            };
            loop {
                let Some(change) = lock(&self.queue).pop_front() else {
                    break;
                };
                let listeners: Vec<Listener> = lock(&self.listeners)
                    .iter()
                    .map(|(_, f)| f.clone())
                    .collect();
                for f in listeners {
                    if catch_unwind(AssertUnwindSafe(|| f(&change))).is_err() {
                        tracing::error!("an identity-changed listener panicked");
                    }
                }
            }
            drop(guard);
            // An event pushed after our last look but before we let go would be stranded.
            if lock(&self.queue).is_empty() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(n: u32) -> IdentityChange {
        IdentityChange {
            old: None,
            new: format!("id-{n}"),
        }
    }

    #[test]
    fn delivers_in_order_and_survives_panicking_listeners() {
        let l = Listeners::default();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        l.subscribe(Arc::new(|_| panic!("bad listener")));
        let id = l.subscribe(Arc::new(move |c| s.lock().unwrap().push(c.new.clone())));
        l.push(change(1));
        l.push(change(2));
        l.deliver();
        assert_eq!(*seen.lock().unwrap(), vec!["id-1", "id-2"]);
        assert!(l.unsubscribe(id));
        assert!(!l.unsubscribe(id));
        l.push(change(3));
        l.deliver();
        assert_eq!(seen.lock().unwrap().len(), 2);
    }

    #[test]
    fn reentrant_pushes_are_delivered_by_the_outer_delivery() {
        let l = Arc::new(Listeners::default());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (l2, s) = (l.clone(), seen.clone());
        l.subscribe(Arc::new(move |c| {
            s.lock().unwrap().push(c.new.clone());
            if c.new == "id-1" {
                l2.push(change(2));
                l2.deliver(); // must not deadlock
            }
        }));
        l.push(change(1));
        l.deliver();
        assert_eq!(*seen.lock().unwrap(), vec!["id-1", "id-2"]);
    }

    #[test]
    fn concurrent_deliveries_lose_nothing() {
        let l = Arc::new(Listeners::default());
        let count = Arc::new(AtomicU64::new(0));
        let c = count.clone();
        l.subscribe(Arc::new(move |_| {
            c.fetch_add(1, Ordering::SeqCst);
        }));
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let l = l.clone();
                std::thread::spawn(move || {
                    for i in 0..500 {
                        l.push(change(t * 1000 + i));
                        l.deliver();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        l.deliver();
        assert_eq!(count.load(Ordering::SeqCst), 4000);
    }
}
