//! Who is connected to this instance: each user's sockets, oldest first (a user with
//! three tabs counts once), and when each socket's session ends.

use qc_domain::Role;
use socketioxide::socket::Sid;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Mutex;

#[derive(Default)]
pub struct Presence {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    users: HashMap<String, (Role, VecDeque<Sid>)>,
    /// Sockets by the moment their session ends (Unix seconds).
    ends: BTreeSet<(i64, Sid)>,
}

impl Presence {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// This instance's connected users.
    pub fn users(&self) -> HashMap<String, Role> {
        self.lock()
            .users
            .iter()
            .map(|(id, (role, _))| (id.clone(), *role))
            .collect()
    }

    /// The role of each user connected to this instance.
    pub fn roles(&self) -> Vec<Role> {
        self.lock().users.values().map(|(role, _)| *role).collect()
    }

    /// Admins connected to this instance.
    pub fn local_admins(&self) -> usize {
        self.lock()
            .users
            .values()
            .filter(|(r, _)| *r == Role::Admin)
            .count()
    }

    /// Open sockets, all users together.
    pub fn sockets(&self) -> usize {
        self.lock().users.values().map(|(_, s)| s.len()).sum()
    }

    /// A socket of `user_id` connected; its session ends at `ends_at`. When the user
    /// now holds more than `max_per_user` sockets here, the oldest ones are returned:
    /// the caller closes them.
    pub fn connect(
        &self,
        user_id: &str,
        role: Role,
        sid: Sid,
        ends_at: i64,
        max_per_user: usize,
    ) -> Vec<Sid> {
        let mut m = self.lock();
        m.ends.insert((ends_at, sid));
        let (_, sockets) = m
            .users
            .entry(user_id.to_owned())
            .or_insert_with(|| (role, VecDeque::new()));
        sockets.push_back(sid);
        let mut evicted = Vec::new();
        while sockets.len() > max_per_user.max(1) {
            if let Some(old) = sockets.pop_front() {
                evicted.push(old);
            }
        }
        evicted
    }

    /// A socket closed, for whatever reason.
    pub fn disconnect(&self, user_id: &str, sid: Sid, ends_at: i64) {
        let mut m = self.lock();
        m.ends.remove(&(ends_at, sid));
        if let Some((_, sockets)) = m.users.get_mut(user_id) {
            sockets.retain(|s| *s != sid);
            if sockets.is_empty() {
                m.users.remove(user_id);
            }
        }
    }

    /// Sockets whose session has ended by `now` (Unix seconds), earliest first; they
    /// are forgotten here (the caller closes them).
    pub fn ended(&self, now: i64) -> Vec<Sid> {
        let mut m = self.lock();
        let mut out = Vec::new();
        while let Some(&(at, sid)) = m.ends.first() {
            if at > now {
                break;
            }
            m.ends.pop_first();
            out.push(sid);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::OnlineCounts;

    #[test]
    fn a_user_with_many_tabs_counts_once() {
        let p = Presence::default();
        let (a1, a2, b1) = (Sid::new(), Sid::new(), Sid::new());
        assert!(p.connect("a", Role::Customer, a1, 100, 10).is_empty());
        assert!(p.connect("a", Role::Customer, a2, 100, 10).is_empty());
        assert!(p.connect("b", Role::Delivery, b1, 100, 10).is_empty());
        let counts = OnlineCounts::of(p.users().into_values());
        assert_eq!(
            counts,
            OnlineCounts {
                customers: 1,
                delivery: 1,
                admin: 0,
                pickers: 0,
                total: 2
            }
        );
        assert_eq!(p.sockets(), 3);
        p.disconnect("a", a1, 100);
        assert!(p.users().contains_key("a"), "still online in one tab");
        p.disconnect("a", a2, 100);
        assert!(!p.users().contains_key("a"));
        assert_eq!(OnlineCounts::of(p.users().into_values()).total, 1);
    }

    #[test]
    fn past_the_cap_the_oldest_sockets_go() {
        let p = Presence::default();
        let sids: Vec<Sid> = (0..4).map(|_| Sid::new()).collect();
        for s in &sids[..3] {
            assert!(p.connect("u", Role::Customer, *s, 100, 3).is_empty());
        }
        assert_eq!(
            p.connect("u", Role::Customer, sids[3], 100, 3),
            vec![sids[0]]
        );
        assert_eq!(p.sockets(), 3);
    }

    #[test]
    fn sessions_end_in_order() {
        let p = Presence::default();
        let (a, b, c) = (Sid::new(), Sid::new(), Sid::new());
        p.connect("u", Role::Customer, a, 10, 10);
        p.connect("u", Role::Customer, b, 5, 10);
        p.connect("v", Role::Customer, c, 50, 10);
        p.disconnect("v", c, 50);
        assert_eq!(p.ended(4), Vec::<Sid>::new());
        assert_eq!(p.ended(10), vec![b, a]);
        assert_eq!(
            p.ended(100),
            Vec::<Sid>::new(),
            "a closed socket is not ended again"
        );
    }
}
