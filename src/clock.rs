//! The server's idea of "now". Device clocks are often wrong by hours; credentials' expirations are
//! in server time, so the offset learned from each response's `Date` header converts them into a
//! local monotonic deadline that later clock changes on the device cannot move.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The offset between the server's clock and ours, learned from `Date` headers.
#[derive(Debug, Default)]
pub struct ServerClock {
    /// Server time minus local time, in milliseconds.
    offset_ms: AtomicI64,
}

impl ServerClock {
    /// Learns the offset from a `Date` header value (ignored when it does not parse).
    pub fn observe_date_header(&self, value: &str) {
        if let Ok(date) = httpdate::parse_http_date(value) {
            self.observe_date(date, SystemTime::now());
        }
    }

    /// `Date` is truncated to the second: the middle of that second is the best estimate of the
    /// server's time (with the truncation alone, a late answer looks like a server a second behind).
    fn observe_date(&self, date: SystemTime, local: SystemTime) {
        self.observe(date + Duration::from_millis(500), local);
    }

    fn observe(&self, server: SystemTime, local: SystemTime) {
        let offset = signed_millis(server) - signed_millis(local);
        // `Date` has one-second resolution: ignore sub-second differences rather than jitter.
        let offset = if offset.abs() < 1000 { 0 } else { offset };
        self.offset_ms.store(offset, Ordering::Relaxed);
    }

    /// Server time minus local time.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// The server's current time, as best known.
    pub fn now(&self) -> SystemTime {
        shift(SystemTime::now(), self.offset_ms())
    }

    /// How long until `server_time` by the server's clock (zero if past), and the local instant it
    /// corresponds to.
    pub fn deadline(&self, server_time: SystemTime) -> (Duration, Instant) {
        let remaining = server_time
            .duration_since(self.now())
            .unwrap_or(Duration::ZERO);
        (remaining, Instant::now() + remaining)
    }
}

fn signed_millis(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

fn shift(t: SystemTime, ms: i64) -> SystemTime {
    let d = Duration::from_millis(ms.unsigned_abs());
    if ms >= 0 {
        t.checked_add(d).unwrap_or(t)
    } else {
        t.checked_sub(d).unwrap_or(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_skew_in_both_directions() {
        let clock = ServerClock::default();
        let local = SystemTime::now();
        clock.observe(local + Duration::from_secs(7200), local);
        assert_eq!(clock.offset_ms(), 7_200_000);
        clock.observe(local - Duration::from_secs(3600), local);
        assert_eq!(clock.offset_ms(), -3_600_000);
        clock.observe(local + Duration::from_millis(400), local);
        assert_eq!(clock.offset_ms(), 0);
    }

    #[test]
    fn a_truncated_date_on_a_late_answer_is_no_skew() {
        // Stamped at 10.95 s ("10 s" in the header), received 300 ms later at 11.25 s.
        let clock = ServerClock::default();
        let second = UNIX_EPOCH + Duration::from_secs(1_700_000_010);
        clock.observe_date(second, second + Duration::from_millis(1250));
        assert_eq!(clock.offset_ms(), 0);
        // A real skew still counts.
        clock.observe_date(second, second + Duration::from_secs(30));
        assert_eq!(clock.offset_ms(), -29_500);
    }

    #[test]
    fn deadlines_are_judged_by_the_server_clock() {
        let clock = ServerClock::default();
        // The server is two hours behind us: an expiration one hour ahead of the server is an hour
        // away, although by our clock it lies in the past.
        let now = SystemTime::now();
        clock.observe(now - Duration::from_secs(7200), now);
        let expiration = now - Duration::from_secs(3600);
        let (remaining, _) = clock.deadline(expiration);
        assert!(remaining > Duration::from_secs(3590) && remaining <= Duration::from_secs(3600));
    }

    #[test]
    fn parses_real_date_headers_and_ignores_garbage() {
        let clock = ServerClock::default();
        clock.observe_date_header("Sun, 06 Nov 1994 08:49:37 GMT");
        assert!(clock.offset_ms() < -900_000_000_000);
        clock.observe_date_header("yesterday-ish");
        assert!(clock.offset_ms() < -900_000_000_000);
    }
}
