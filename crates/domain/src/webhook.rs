//! Webhook rules: which addresses a webhook may be sent to, and when a failed delivery
//! is tried again.

use std::net::IpAddr;
use std::time::Duration;

/// Webhook event types besides the order events (`order.*`).
pub const OTHER_EVENTS: [&str; 5] = [
    "inventory.updated",
    "dispatch.offered",
    "dispatch.declined",
    "dispatch.expired",
    "dispatch.escalated",
];

/// How long a delivery is retried before it is given up.
pub const RETRY_FOR: Duration = Duration::from_secs(24 * 3600);

/// Addresses a webhook must never reach (unless private targets are allowed for
/// development): loopback, private, link-local, shared (CGNAT), unspecified, multicast,
/// broadcast, documentation and unique-local ranges, and IPv6 forms of them.
pub fn is_blocked(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && v4.octets()[2] == 0)
                || a >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_blocked(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8
        }
    }
}

/// The wait before attempt `attempt + 1` after `attempt` failed ones: doubling from
/// `base` up to an hour, with up to a fifth added at random (`jitter` in 0..1) so
/// endpoints that fail together are not retried together.
pub fn retry_delay(base: Duration, attempt: u32, jitter: f64) -> Duration {
    let doubled = base.saturating_mul(1u32 << attempt.min(16));
    let capped = doubled.min(Duration::from_secs(3600));
    capped.mul_f64(1.0 + jitter.clamp(0.0, 1.0) / 5.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_blocked() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_blocked(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert!(!is_blocked(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn retries_back_off_and_stop_growing() {
        let base = Duration::from_secs(5);
        assert_eq!(retry_delay(base, 0, 0.0), Duration::from_secs(5));
        assert_eq!(retry_delay(base, 3, 0.0), Duration::from_secs(40));
        assert_eq!(retry_delay(base, 30, 0.0), Duration::from_secs(3600));
        assert_eq!(retry_delay(base, 0, 1.0), Duration::from_secs(6));
    }
}
