//! The server's integration tests, one binary: the real app on port 0 with a fresh
//! database, driven over HTTP and Socket.io (`common` has the shared helpers).
#![allow(clippy::unwrap_used)]

mod addresses;
mod admin;
mod auth;
mod catalog;
mod common;
mod db_outage;
mod dispatch;
mod fulfilment;
mod hardening;
mod http_basics;
mod integrations;
mod layers;
mod official_client;
mod order_races;
mod orders;
mod password_reset;
mod ratings;
mod realtime;
mod scale_out;
mod stores;
mod webhooks;
