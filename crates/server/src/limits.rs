//! Rate limits: fixed-window counters by key (a client address, a user id), held by the
//! instance. Used for registrations per address, order placement per customer, Socket.io
//! handshakes (all, and refused ones) per address, and socket events per user. Each
//! instance counts its own traffic; the README lists every limit with its variable.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The key of a client address: the address itself, or its /64 for IPv6 (one host
/// there usually holds a whole /64).
pub fn client_key(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// At most `max` events per `window` for each key. `max` 0 turns the limit off.
pub struct RateLimiter {
    max: u32,
    window: Duration,
    counts: Mutex<HashMap<String, (Instant, u32)>>,
}

/// Past this many keys, windows that have ended are swept out when a key is added.
const SWEEP_ABOVE: usize = 10_000;

impl RateLimiter {
    pub fn new(max: u32, window: Duration) -> RateLimiter {
        RateLimiter {
            max,
            window: window.max(Duration::from_millis(1)),
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Count one event for `key`: `Err(seconds to wait)` when this one is over the limit
    /// (it is not counted then, so a client that waits gets through).
    pub fn hit(&self, key: &str) -> Result<(), u64> {
        self.add(key, true)
    }

    /// Whether `key` is over the limit now, without counting anything.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        self.add(key, false)
    }

    fn add(&self, key: &str, count: bool) -> Result<(), u64> {
        if self.max == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut map = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((start, n)) = map.get_mut(key) {
            let elapsed = now.duration_since(*start);
            if elapsed >= self.window {
                *start = now;
                *n = 0;
            } else if *n >= self.max {
                let wait = self.window - elapsed;
                return Err(wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
            }
            if count {
                *n += 1;
            }
            return Ok(());
        }
        if !count {
            return Ok(());
        }
        if map.len() >= SWEEP_ABOVE {
            let window = self.window;
            map.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        map.insert(key.to_owned(), (now, 1));
        Ok(())
    }

    /// Keys currently tracked (for tests and the sweep bound).
    pub fn len(&self) -> usize {
        self.counts.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_key_and_window() {
        let l = RateLimiter::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(l.hit("a").is_ok());
        }
        let wait = l.hit("a").expect_err("fourth in the window");
        assert!((1..=60).contains(&wait));
        assert!(l.check("a").is_err());
        assert!(l.hit("b").is_ok(), "keys are apart");
        assert!(l.check("c").is_ok());
        assert_eq!(l.len(), 2, "a check alone adds nothing");

        let short = RateLimiter::new(1, Duration::from_millis(20));
        assert!(short.hit("a").is_ok());
        assert!(short.hit("a").is_err());
        std::thread::sleep(Duration::from_millis(30));
        assert!(short.hit("a").is_ok(), "a new window");

        let off = RateLimiter::new(0, Duration::from_secs(1));
        for _ in 0..100 {
            assert!(off.hit("a").is_ok());
        }
    }
}
