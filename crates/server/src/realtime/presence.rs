//! Who is connected: distinct users per role (a user with three tabs counts once).

use qc_domain::Role;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Mutex;
use utoipa::ToSchema;

#[derive(Default)]
pub struct Presence {
    users: Mutex<HashMap<String, (Role, usize)>>,
}

impl OnlineCounts {
    /// Counts of distinct users by role.
    pub fn of(roles: impl Iterator<Item = Role>) -> OnlineCounts {
        let mut c = OnlineCounts::default();
        for role in roles {
            match role {
                Role::Customer => c.customers += 1,
                Role::Delivery => c.delivery += 1,
                Role::Admin => c.admin += 1,
            }
        }
        c.total = c.customers + c.delivery + c.admin;
        c
    }
}

impl Presence {
    /// This instance's connected users.
    pub fn users(&self) -> HashMap<String, Role> {
        let m = self.users.lock().unwrap_or_else(|p| p.into_inner());
        m.iter()
            .map(|(id, (role, _))| (id.clone(), *role))
            .collect()
    }

    /// Admins connected to this instance.
    pub fn local_admins(&self) -> usize {
        let m = self.users.lock().unwrap_or_else(|p| p.into_inner());
        m.values().filter(|(r, _)| *r == Role::Admin).count()
    }

    /// Open sockets, all users together.
    pub fn sockets(&self) -> usize {
        self.users
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .map(|(_, n)| n)
            .sum()
    }
}

/// The brief's `onlineUsers` shape.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct OnlineCounts {
    pub customers: usize,
    pub delivery: usize,
    pub admin: usize,
    pub total: usize,
}

impl Presence {
    pub fn connect(&self, user_id: &str, role: Role) {
        let mut m = self.users.lock().unwrap_or_else(|p| p.into_inner());
        m.entry(user_id.to_owned()).or_insert((role, 0)).1 += 1;
    }

    pub fn disconnect(&self, user_id: &str) {
        let mut m = self.users.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(entry) = m.get_mut(user_id) {
            entry.1 = entry.1.saturating_sub(1);
            if entry.1 == 0 {
                m.remove(user_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_with_many_tabs_counts_once() {
        let p = Presence::default();
        p.connect("a", Role::Customer);
        p.connect("a", Role::Customer);
        p.connect("b", Role::Delivery);
        let counts = OnlineCounts::of(p.users().into_values());
        assert_eq!(
            counts,
            OnlineCounts {
                customers: 1,
                delivery: 1,
                admin: 0,
                total: 2
            }
        );
        assert_eq!(p.sockets(), 3);
        p.disconnect("a");
        assert!(p.users().contains_key("a"), "still online in one tab");
        p.disconnect("a");
        assert!(!p.users().contains_key("a"));
        assert_eq!(OnlineCounts::of(p.users().into_values()).total, 1);
    }
}
