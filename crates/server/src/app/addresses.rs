//! A customer's saved delivery addresses. Every call is scoped to the caller.

use super::AppState;
use crate::api::{AddressRequest, SavedAddressView};
use crate::auth::AuthUser;
use crate::error::{AppError, Result};
use qc_domain::{Address, AddressInput, ValidationErrors};
use qc_store::StoreError;

/// Validate an address sent by a client; `prefix` names the field in errors.
pub fn parse_address(a: &AddressRequest, prefix: &str) -> Result<Address, ValidationErrors> {
    Address::parse(
        AddressInput {
            label: a.label.as_deref(),
            street: &a.street,
            city: &a.city,
            state: &a.state,
            zip_code: &a.zip_code,
            lat: a.lat,
            lng: a.lng,
        },
        prefix,
    )
}

/// Whether any store serves an address (its point, else its zip code): an address
/// nobody serves is refused when it is saved and when an order is placed, so no
/// delivery (and no payout) is ever priced across a city. A store that is closed or busy
/// right now still serves the address.
pub fn check_serviceable(state: &AppState, address: &qc_domain::Address) -> Result<()> {
    let place = super::stores::Place::of(address);
    match state.stores.quote(
        place.point,
        place.zip.as_deref(),
        qc_domain::store::TYPICAL_ITEMS,
        chrono::Utc::now(),
    ) {
        Ok(_) | Err((_, Some(_))) => Ok(()),
        Err((_, None)) => Err(AppError::unprocessable(
            "not_serviceable",
            "We don't deliver to this address yet: it is outside the area our stores serve.",
        )),
    }
}

fn not_found() -> AppError {
    AppError::not_found("address_not_found", "No such address.")
}

fn map_err(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound => not_found(),
        StoreError::LimitReached(m) => AppError::conflict("address_limit_reached", m),
        other => other.into(),
    }
}

pub async fn list(state: &AppState, who: &AuthUser) -> Result<Vec<SavedAddressView>> {
    let all = state.store.list_addresses(&who.id).await?;
    Ok(all.iter().map(SavedAddressView::from).collect())
}

pub async fn create(
    state: &AppState,
    who: &AuthUser,
    req: AddressRequest,
) -> Result<SavedAddressView> {
    let address = parse_address(&req, "")?;
    check_serviceable(state, &address)?;
    let saved = state
        .store
        .create_address(
            &who.id,
            address,
            req.is_default.unwrap_or(false),
            state.config.max_addresses,
        )
        .await
        .map_err(map_err)?;
    Ok(SavedAddressView::from(&saved))
}

pub async fn update(
    state: &AppState,
    who: &AuthUser,
    id: &str,
    req: AddressRequest,
) -> Result<SavedAddressView> {
    let address = parse_address(&req, "")?;
    check_serviceable(state, &address)?;
    let mut saved = state
        .store
        .update_address(&who.id, id, address)
        .await
        .map_err(map_err)?;
    if req.is_default == Some(true) && !saved.is_default {
        saved = state
            .store
            .set_default_address(&who.id, id)
            .await
            .map_err(map_err)?;
    }
    Ok(SavedAddressView::from(&saved))
}

pub async fn delete(state: &AppState, who: &AuthUser, id: &str) -> Result<()> {
    state
        .store
        .delete_address(&who.id, id)
        .await
        .map_err(map_err)
}

pub async fn set_default(state: &AppState, who: &AuthUser, id: &str) -> Result<SavedAddressView> {
    let saved = state
        .store
        .set_default_address(&who.id, id)
        .await
        .map_err(map_err)?;
    Ok(SavedAddressView::from(&saved))
}
