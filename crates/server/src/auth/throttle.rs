//! Failed-login throttle: after N failures for one e-mail (or 4N from one address)
//! inside the window, further attempts get 429 until the window passes.
//!
//! Counted in Redis when the platform runs scaled out (so the limit holds across
//! instances), in memory otherwise — and in memory whenever Redis does not answer.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginThrottle {
    max_failures: u32,
    window: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
    redis: Option<redis::aio::ConnectionManager>,
    prefix: String,
}

impl LoginThrottle {
    pub fn new(max_failures: u32, window: Duration) -> LoginThrottle {
        LoginThrottle {
            max_failures: max_failures.max(1),
            window,
            failures: Mutex::new(HashMap::new()),
            redis: None,
            prefix: "qc".to_owned(),
        }
    }

    /// Share the counts through Redis.
    pub fn with_redis(
        mut self,
        conn: Option<redis::aio::ConnectionManager>,
        prefix: &str,
    ) -> LoginThrottle {
        self.redis = conn;
        prefix.clone_into(&mut self.prefix);
        self
    }

    /// `Err(seconds)` when this e-mail or address must wait.
    pub async fn check_shared(&self, email: &str, ip: &str) -> Result<(), u64> {
        let Some(conn) = &self.redis else {
            return self.check(email, ip);
        };
        let mut conn = conn.clone();
        for (key, factor) in Self::keys(email, ip) {
            let key = format!("{}:login:{key}", self.prefix);
            let res: redis::RedisResult<(Option<u32>, i64)> = redis::pipe()
                .get(&key)
                .ttl(&key)
                .query_async(&mut conn)
                .await;
            match res {
                Ok((Some(count), ttl)) if count >= self.max_failures * factor => {
                    return Err(u64::try_from(ttl).unwrap_or(1).max(1));
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "Redis throttle unavailable; using local counts");
                    return self.check(email, ip);
                }
            }
        }
        Ok(())
    }

    pub async fn record_failure_shared(&self, email: &str, ip: &str) {
        self.record_failure(email, ip);
        let Some(conn) = &self.redis else { return };
        let mut conn = conn.clone();
        let secs = i64::try_from(self.window.as_secs()).unwrap_or(900);
        for (key, _) in Self::keys(email, ip) {
            let key = format!("{}:login:{key}", self.prefix);
            let res: redis::RedisResult<()> = redis::pipe()
                .incr(&key, 1)
                .ignore()
                .cmd("EXPIRE")
                .arg(&key)
                .arg(secs)
                .arg("NX")
                .ignore()
                .query_async(&mut conn)
                .await;
            if let Err(e) = res {
                tracing::warn!(error = %e, "Redis throttle unavailable");
            }
        }
    }

    pub async fn record_success_shared(&self, email: &str) {
        self.record_success(email);
        if let Some(conn) = &self.redis {
            let mut conn = conn.clone();
            let _: redis::RedisResult<()> = redis::cmd("DEL")
                .arg(format!("{}:login:e:{email}", self.prefix))
                .query_async(&mut conn)
                .await;
        }
    }

    fn keys(email: &str, ip: &str) -> [(String, u32); 2] {
        [(format!("e:{email}"), 1), (format!("ip:{ip}"), 4)]
    }

    /// `Err(seconds)` when this e-mail or address must wait.
    pub fn check(&self, email: &str, ip: &str) -> Result<(), u64> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        for (key, factor) in Self::keys(email, ip) {
            if let Some((count, since)) = map.get(&key) {
                let elapsed = now.duration_since(*since);
                if elapsed < self.window && *count >= self.max_failures * factor {
                    return Err((self.window - elapsed).as_secs().max(1));
                }
            }
        }
        Ok(())
    }

    pub fn record_failure(&self, email: &str, ip: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if map.len() > 50_000 {
            map.retain(|_, (_, since)| now.duration_since(*since) < self.window);
        }
        for (key, _) in Self::keys(email, ip) {
            let entry = map.entry(key).or_insert((0, now));
            if now.duration_since(entry.1) >= self.window {
                *entry = (0, now);
            }
            entry.0 += 1;
        }
    }

    /// A successful login clears the e-mail's count (not the address's).
    pub fn record_success(&self, email: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&format!("e:{email}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_failures_and_success_resets() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(t.check("a@x.io", "1.1.1.1").is_ok());
            t.record_failure("a@x.io", "1.1.1.1");
        }
        assert!(t.check("a@x.io", "1.1.1.1").is_err());
        assert!(
            t.check("b@x.io", "1.1.1.1").is_ok(),
            "other accounts unaffected"
        );
        t.record_success("a@x.io");
        assert!(t.check("a@x.io", "1.1.1.1").is_ok());
    }

    #[test]
    fn one_address_spraying_many_accounts_is_limited() {
        let t = LoginThrottle::new(2, Duration::from_secs(60));
        for i in 0..8 {
            t.record_failure(&format!("u{i}@x.io"), "9.9.9.9");
        }
        assert!(t.check("fresh@x.io", "9.9.9.9").is_err());
        assert!(t.check("fresh@x.io", "8.8.8.8").is_ok());
    }
}
