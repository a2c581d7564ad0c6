//! Routes the library's tracing events to a host callback (Unity's `Debug.Log`, a server's logger).

use super::gate::CallbackGate;
use super::types::*;
use std::ffi::CStr;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::{Arc, Once, RwLock};
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// Log lines waiting for the host at most; more are dropped (and counted).
const MAX_QUEUED_LINES: usize = 10_000;
/// How long replacing the sink waits for the old one's queued lines.
const FLUSH_LIMIT: Duration = Duration::from_secs(2);

/// The host's log callback. Its lines are posted to its gate, in order, on a callback thread:
/// a slow logger never holds up a request.
struct Sink {
    callback: cognito_log_cb,
    user_data: UserData,
    gate: Arc<CallbackGate>,
    queued: AtomicUsize,
    dropped: AtomicUsize,
}

impl Sink {
    fn deliver(&self, level: i32, target: &CStr, text: &CStr) {
        // SAFETY: both strings are valid for the call; the host registered this callback.
        unsafe {
            (self.callback)(
                self.user_data.ptr(),
                level,
                target.as_ptr().cast(),
                text.as_ptr().cast(),
            )
        }
    }
}

static SINK: RwLock<Option<Arc<Sink>>> = RwLock::new(None);
/// 0 off, 1 error, 2 warn, 3 info, 4 debug, 5 trace.
static LEVEL: AtomicI32 = AtomicI32::new(0);

fn level_number(level: &Level) -> i32 {
    match *level {
        Level::ERROR => 1,
        Level::WARN => 2,
        Level::INFO => 3,
        Level::DEBUG => 4,
        Level::TRACE => 5,
    }
}

pub(crate) fn set_level(level: i32) {
    install_once();
    LEVEL.store(level.clamp(0, 5), Ordering::Relaxed);
    level_changed();
}

/// Callsites cache whether the subscriber wants them (`register_callsite` asks `enabled` once):
/// after a level change, ask again, or events first seen under a lower level stay off for good.
fn level_changed() {
    tracing::callsite::rebuild_interest_cache();
}

/// Sets (or with `None` removes) the sink and its level. The previous sink gets the lines logged
/// before (within [`FLUSH_LIMIT`]); after this returns, it is not called any more.
pub(crate) fn set_sink(callback: Option<cognito_log_cb>, user_data: UserData, level: i32) {
    install_once();
    let new = callback.map(|callback| {
        Arc::new(Sink {
            callback,
            user_data,
            gate: CallbackGate::new(),
            queued: AtomicUsize::new(0),
            dropped: AtomicUsize::new(0),
        })
    });
    LEVEL.store(
        if new.is_some() { level.clamp(0, 5) } else { 0 },
        Ordering::Relaxed,
    );
    level_changed();
    let old = std::mem::replace(&mut *SINK.write().unwrap_or_else(|p| p.into_inner()), new);
    if let Some(old) = old {
        // The lines logged before this call still reach the old sink; none after it returns.
        old.gate.flush(FLUSH_LIMIT);
        old.gate.close();
    }
}

/// Ours becomes the process's default subscriber, unless the host (a Rust program) set its own.
fn install_once() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let _ = tracing::subscriber::set_global_default(HostSubscriber);
    });
}

/// Events to the host's sink. Spans carry nothing the host sees (the library's events hold all
/// they say), so none is stored: a span registry would be code and memory for nothing.
struct HostSubscriber;

/// The one id every span gets (ids must be non-zero; nothing looks a span up by it).
const SPAN_ID: u64 = 1;

impl Subscriber for HostSubscriber {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        level_number(metadata.level()) <= LEVEL.load(Ordering::Relaxed)
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(SPAN_ID)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let level = level_number(event.metadata().level());
        if level > LEVEL.load(Ordering::Relaxed) {
            return;
        }
        let mut message = MessageVisitor(String::new());
        event.record(&mut message);
        let Some(sink) = SINK.read().unwrap_or_else(|p| p.into_inner()).clone() else {
            return;
        };
        // A host that cannot keep up loses lines, counted, rather than the process its memory.
        if sink.queued.fetch_add(1, Ordering::Relaxed) >= MAX_QUEUED_LINES {
            sink.queued.fetch_sub(1, Ordering::Relaxed);
            sink.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let target = c_string(event.metadata().target());
        let text = c_string(&message.0);
        let gate = sink.gate.clone();
        gate.post(move || {
            sink.queued.fetch_sub(1, Ordering::Relaxed);
            let dropped = sink.dropped.swap(0, Ordering::Relaxed);
            if dropped > 0 {
                let note = c_string(&format!(
                    "{dropped} log lines dropped: the sink was too slow"
                ));
                sink.deliver(2, &c_string("cognito_native"), &note);
            }
            sink.deliver(level, &target, &text);
        });
    }
}

/// Formats an event as `message key=value ...`. Our events never carry secrets.
struct MessageVisitor(String);

impl Visit for MessageVisitor {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0.insert_str(0, &format!("{value:?}"));
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.insert_str(0, value);
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }
}
