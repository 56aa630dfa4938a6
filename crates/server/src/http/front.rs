//! A synchronous check in front of a service, for the middleware every request passes.
//!
//! `axum::middleware::from_fn` boxes the service inside it on every request (its `Next`
//! is type-erased), so a `from_fn` near the outside of the stack allocates a copy of the
//! whole stack below it per request. The handshake gate and admission decide from the
//! request alone, without awaiting anything, so they are this: a check that answers at
//! once or lets the (possibly rewritten) request on, with no allocation of its own.

use axum::extract::Request;
use axum::response::Response;
use futures_util::future::Either;
use std::convert::Infallible;
use std::future::{Ready, ready};
use std::task::{Context, Poll};
use tower::{Layer, Service};

/// Wraps a service in [`Front`] with the check `F`.
#[derive(Clone)]
pub struct FrontLayer<F>(pub F);

impl<S, F: Clone> Layer<S> for FrontLayer<F> {
    type Service = Front<S, F>;

    fn layer(&self, inner: S) -> Front<S, F> {
        Front {
            inner,
            check: self.0.clone(),
        }
    }
}

/// What a check decided.
pub enum Verdict {
    /// Hand the (possibly rewritten) request on.
    On(Request),
    /// Answer the request with this, now.
    Answer(Response),
}

/// `check` answers the request itself or hands it on.
#[derive(Clone)]
pub struct Front<S, F> {
    inner: S,
    check: F,
}

impl<S, F> Service<Request> for Front<S, F>
where
    S: Service<Request, Response = Response, Error = Infallible>,
    F: Fn(Request) -> Verdict,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<Ready<Result<Response, Infallible>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        match (self.check)(req) {
            Verdict::On(req) => Either::Right(self.inner.call(req)),
            Verdict::Answer(res) => Either::Left(ready(Ok(res))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::StatusCode;
    use tower::ServiceExt as _;

    #[tokio::test]
    async fn a_check_answers_itself_or_hands_the_rewritten_request_on() {
        let inner = tower::service_fn(|req: Request| async move {
            let seen = req.headers().get("x-seen").cloned();
            let mut res = Response::new(Body::empty());
            if let Some(v) = seen {
                res.headers_mut().insert("x-seen", v);
            }
            Ok::<_, Infallible>(res)
        });
        let front = FrontLayer(|mut req: Request| {
            if req.uri().path() == "/refused" {
                let mut res = Response::new(Body::empty());
                *res.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
                return Verdict::Answer(res);
            }
            req.headers_mut()
                .insert("x-seen", axum::http::HeaderValue::from_static("yes"));
            Verdict::On(req)
        })
        .layer(inner);

        let refused = front
            .clone()
            .oneshot(Request::get("/refused").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(refused.headers().get("x-seen").is_none());

        let passed = front
            .oneshot(Request::get("/on").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(passed.status(), StatusCode::OK);
        assert_eq!(passed.headers()["x-seen"], "yes");
    }
}
