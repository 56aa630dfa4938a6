//! What can go wrong in the store, in terms the service layer can act on.

/// Store failures. Backend error text stays inside `Other`/`Unavailable` (logged, never
/// shown to clients).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken; the text says which, in client-safe words.
    #[error("{0}")]
    Conflict(String),
    /// A per-user cap was reached (addresses, …); the text says which.
    #[error("{0}")]
    LimitReached(String),
    /// The customer already has this many open orders.
    #[error("too many open orders")]
    TooManyOpenOrders(i64),
    /// The partner may not take orders now; the text says why (`partner_not_verified`,
    /// `partner_unavailable`, `partner_suspended`).
    #[error("partner not eligible: {0}")]
    Ineligible(&'static str),
    /// A business rule refused the operation: a client-facing code and message.
    #[error("{0}: {1}")]
    Refused(&'static str, String),
    /// The row exists but is not in a state that allows the operation.
    #[error("invalid state: {0}")]
    InvalidState(String),
    /// Lines that could not be filled, with what is left of each.
    #[error("insufficient stock")]
    OutOfStock(Vec<crate::models::Shortfall>),
    /// A CHECK constraint refused the values (the caller knows which rule it guards).
    #[error("a check constraint refused the values")]
    CheckViolation,
    /// Products whose price or availability changed since they were quoted.
    #[error("products changed")]
    StaleProducts(Vec<String>),
    /// A serialization failure or deadlock: the whole transaction may be re-run.
    #[error("transient conflict: {0}")]
    Transient(anyhow::Error),
    /// The database could not be reached in time.
    #[error("database unavailable: {0}")]
    Unavailable(anyhow::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_) => StoreError::Unavailable(e.into()),
            sqlx::Error::Database(ref db)
                if matches!(db.code().as_deref(), Some("40001") | Some("40P01")) =>
            {
                StoreError::Transient(e.into())
            }
            // Connection exceptions, shutdown, "cannot connect now", too many clients,
            // a database closed to connections: the database is unavailable, not broken.
            sqlx::Error::Database(ref db)
                if db.code().is_some_and(|c| {
                    c.starts_with("08") || c.starts_with("57P") || c == "53300" || c == "55000"
                }) =>
            {
                StoreError::Unavailable(e.into())
            }
            sqlx::Error::Database(ref db) if db.is_unique_violation() => {
                StoreError::Conflict("already exists".to_owned())
            }
            sqlx::Error::Database(ref db) if db.is_check_violation() => StoreError::CheckViolation,
            other => StoreError::Other(other.into()),
        }
    }
}
