//! Accounts: roles, and the values a person types in when registering.

use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};

/// What an account may do. Always read from the database, never from a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Delivery,
    Admin,
    /// Dark-store staff who pick and pack orders; bound to one store, created by admins.
    Picker,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Delivery => "delivery",
            Role::Admin => "admin",
            Role::Picker => "picker",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "customer" => Some(Role::Customer),
            "delivery" => Some(Role::Delivery),
            "admin" => Some(Role::Admin),
            "picker" => Some(Role::Picker),
            _ => None,
        }
    }
}

/// Whether an account may sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    Active,
    Blocked,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Blocked => "blocked",
        }
    }

    pub fn parse(s: &str) -> Option<UserStatus> {
        match s {
            "active" => Some(UserStatus::Active),
            "blocked" => Some(UserStatus::Blocked),
            _ => None,
        }
    }
}

/// Whether a delivery partner may work: admins suspend and reinstate partners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerStatus {
    Active,
    Suspended,
}

impl PartnerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PartnerStatus::Active => "active",
            PartnerStatus::Suspended => "suspended",
        }
    }

    pub fn parse(s: &str) -> Option<PartnerStatus> {
        match s {
            "active" => Some(PartnerStatus::Active),
            "suspended" => Some(PartnerStatus::Suspended),
            _ => None,
        }
    }
}

/// A normalised (trimmed, lower-cased) e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, ValidationErrors> {
        let s = raw.trim().to_lowercase();
        let bad = |m: &str| Err(ValidationErrors::one("email", m));
        if s.is_empty() {
            return bad("is required");
        }
        if s.len() > 254 {
            return bad("must be at most 254 characters");
        }
        let Some((local, domain)) = s.split_once('@') else {
            return bad("must be a valid e-mail address");
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local
                .chars()
                .any(|c| c.is_whitespace() || c == '@' || c.is_control());
        if !(domain_ok && local_ok) {
            return bad("must be a valid e-mail address");
        }
        Ok(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A person's display name: 2–80 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    pub fn parse(raw: &str) -> Result<Name, ValidationErrors> {
        let s = raw.trim();
        let n = s.chars().count();
        if !(2..=80).contains(&n) {
            return Err(ValidationErrors::one("name", "must be 2 to 80 characters"));
        }
        if s.chars().any(char::is_control) {
            return Err(ValidationErrors::one(
                "name",
                "must not contain control characters",
            ));
        }
        Ok(Name(s.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A phone number: digits with an optional leading `+`, 7–15 digits (E.164 length).
/// Spaces, dashes and brackets are accepted on input and dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Phone, ValidationErrors> {
        let s = raw.trim();
        let plus = s.starts_with('+');
        let body = if plus { &s[1..] } else { s };
        let mut digits = String::with_capacity(body.len());
        for c in body.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '(' | ')' | '.' => {}
                _ => return Err(ValidationErrors::one("phone", "must contain only digits")),
            }
        }
        if !(7..=15).contains(&digits.len()) {
            return Err(ValidationErrors::one("phone", "must have 7 to 15 digits"));
        }
        Ok(Phone(if plus { format!("+{digits}") } else { digits }))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A new password: 8–128 characters, not all one kind (letters only or digits only).
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str, field: &str) -> Result<Password, ValidationErrors> {
        let n = raw.chars().count();
        if n < 8 {
            return Err(ValidationErrors::one(
                field,
                "must be at least 8 characters",
            ));
        }
        if n > 128 {
            return Err(ValidationErrors::one(
                field,
                "must be at most 128 characters",
            ));
        }
        let has_letter = raw.chars().any(char::is_alphabetic);
        let has_other = raw.chars().any(|c| !c.is_alphabetic());
        if !(has_letter && has_other) {
            return Err(ValidationErrors::one(
                field,
                "must contain a letter and a digit or symbol",
            ));
        }
        Ok(Password(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised() {
        assert_eq!(
            Email::parse("  John@Example.COM ").unwrap().as_str(),
            "john@example.com"
        );
    }

    #[test]
    fn bad_emails_are_refused() {
        for e in [
            "",
            "john",
            "john@",
            "@x.com",
            "john@localhost",
            "a b@x.com",
            "j@x..com",
            "j@.x.com",
        ] {
            assert!(Email::parse(e).is_err(), "{e:?} accepted");
        }
    }

    #[test]
    fn phone_keeps_digits_and_plus() {
        assert_eq!(
            Phone::parse("+91 98200-12345").unwrap().into_inner(),
            "+919820012345"
        );
        assert!(Phone::parse("12345").is_err());
        assert!(Phone::parse("98200abc45").is_err());
    }

    #[test]
    fn password_rules() {
        assert!(Password::parse("password123", "password").is_ok());
        assert!(Password::parse("short1", "password").is_err());
        assert!(Password::parse("onlyletters", "password").is_err());
        assert!(Password::parse("1234567890", "password").is_err());
        assert_eq!(
            format!("{:?}", Password::parse("secret123", "p").unwrap()),
            "Password(***)"
        );
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(Name::parse("  Asha  ").unwrap().into_inner(), "Asha");
        assert!(Name::parse("A").is_err());
        assert!(Name::parse(&"x".repeat(81)).is_err());
    }

    #[test]
    fn roles_round_trip() {
        for r in [Role::Customer, Role::Delivery, Role::Admin, Role::Picker] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("superuser"), None);
    }
}
