//! Routes the library's tracing events to a host callback (Unity's `Debug.Log`, a server's logger).

use super::callbacks::CallbackGate;
use super::types::*;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Once, RwLock};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

#[derive(Clone)]
struct Sink {
    callback: cognito_log_cb,
    user_data: UserData,
    gate: Arc<CallbackGate>,
}

static SINK: RwLock<Option<Sink>> = RwLock::new(None);
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

/// Callsites cache whether our layer wants them (`Layer::register_callsite` asks `enabled` once):
/// after a level change, ask again, or events first seen under a lower level stay off for good.
fn level_changed() {
    tracing::callsite::rebuild_interest_cache();
}

/// Sets (or with `None` removes) the sink and its level. After it returns, the previous sink is
/// not called any more.
pub(crate) fn set_sink(callback: Option<cognito_log_cb>, user_data: UserData, level: i32) {
    install_once();
    let new = callback.map(|callback| Sink {
        callback,
        user_data,
        gate: CallbackGate::new(),
    });
    LEVEL.store(
        if new.is_some() { level.clamp(0, 5) } else { 0 },
        Ordering::Relaxed,
    );
    level_changed();
    let old = std::mem::replace(&mut *SINK.write().unwrap_or_else(|p| p.into_inner()), new);
    if let Some(old) = old {
        old.gate.close();
    }
}

/// Our layer becomes the process's default subscriber, unless the host (a Rust program) set its own.
fn install_once() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let _ =
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(HostLayer));
    });
}

struct HostLayer;

impl<S: Subscriber> Layer<S> for HostLayer {
    fn enabled(&self, metadata: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        level_number(metadata.level()) <= LEVEL.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let level = level_number(event.metadata().level());
        if level > LEVEL.load(Ordering::Relaxed) {
            return;
        }
        let mut message = MessageVisitor(String::new());
        event.record(&mut message);
        let target = c_string(event.metadata().target());
        let text = c_string(&message.0);
        // Not under the lock: the callback may replace the sink.
        let sink = SINK.read().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(Sink {
            callback,
            user_data,
            gate,
        }) = sink
        {
            // SAFETY: both strings are valid for the call; the host registered this callback.
            gate.call(|| unsafe {
                callback(
                    user_data.ptr(),
                    level,
                    target.as_ptr().cast(),
                    text.as_ptr().cast(),
                )
            });
        }
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
