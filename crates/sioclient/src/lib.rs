//! A small Socket.io client speaking Engine.IO v4 over WebSocket, for tests and the
//! load generator: connect with `auth`, emit (with or without an ack), and receive
//! events in order. Protocol: <https://socket.io/docs/v4/socket-io-protocol/>.

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::net::TcpSocket;
use tokio::sync::{Mutex, mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("connection failed: {0}")]
    Transport(String),
    /// The server refused the namespace connection (`connect_error`).
    #[error("connect_error: {0}")]
    Refused(String),
    #[error("timed out")]
    Timeout,
    #[error("disconnected")]
    Closed,
}

/// A received event: its name and first argument.
#[derive(Debug, Clone)]
pub struct Event {
    pub name: String,
    pub data: Value,
}

type Acks = Arc<Mutex<HashMap<u64, oneshot::Sender<Value>>>>;

/// One connected socket on the default namespace.
pub struct Client {
    out: mpsc::UnboundedSender<Message>,
    events: mpsc::Receiver<Event>,
    acks: Acks,
    next_ack: AtomicU64,
    dropped: Arc<AtomicU64>,
}

/// Received events kept waiting for `recv` when `Options::queue` is not set.
pub const DEFAULT_QUEUE: usize = 10_000;

/// Connection options.
#[derive(Default, Clone)]
pub struct Options {
    /// Sent as the handshake `auth` payload, e.g. `{"token": "…"}`.
    pub auth: Option<Value>,
    /// Extra HTTP headers on the upgrade request.
    pub headers: Vec<(String, String)>,
    /// Local address to connect from (many sockets need many source addresses).
    pub bind: Option<std::net::IpAddr>,
    /// At most this many received events wait for `recv` (default `DEFAULT_QUEUE`);
    /// past it, new ones are dropped and counted (`dropped`), so a reader that falls
    /// behind costs bounded memory.
    pub queue: Option<usize>,
}

fn parse_packet(text: &str) -> Option<(u64, Option<u64>, Value)> {
    // Socket.io packet: type digit, optional ack id digits, then JSON.
    let bytes = text.as_bytes();
    let kind = u64::from(bytes.first()?.checked_sub(b'0')?);
    let rest = &text[1..];
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let ack = if digits > 0 {
        rest[..digits].parse().ok()
    } else {
        None
    };
    let json = &rest[digits..];
    let value = if json.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(json).ok()?
    };
    Some((kind, ack, value))
}

impl Client {
    /// Connect to `base` (e.g. `http://127.0.0.1:5000`) and join the default namespace.
    pub async fn connect(base: &str, opts: Options) -> Result<Client, Error> {
        let url = format!(
            "{}/socket.io/?EIO=4&transport=websocket",
            base.replacen("http://", "ws://", 1)
                .replacen("https://", "wss://", 1)
        );
        let mut req = url
            .into_client_request()
            .map_err(|e| Error::Transport(e.to_string()))?;
        for (k, v) in &opts.headers {
            let name = tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(k.as_bytes())
                .map_err(|e| Error::Transport(e.to_string()))?;
            req.headers_mut().insert(
                name,
                v.parse()
                    .map_err(|_| Error::Transport("bad header".into()))?,
            );
        }
        let host = req.uri().host().unwrap_or("127.0.0.1").to_owned();
        let port = req.uri().port_u16().unwrap_or(80);
        let addr = tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(|e| Error::Transport(e.to_string()))?
            .next()
            .ok_or_else(|| Error::Transport("no address".into()))?;
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()
        } else {
            TcpSocket::new_v6()
        }
        .map_err(|e| Error::Transport(e.to_string()))?;
        if let Some(ip) = opts.bind {
            socket
                .bind((ip, 0).into())
                .map_err(|e| Error::Transport(e.to_string()))?;
        }
        let stream = socket
            .connect(addr)
            .await
            .map_err(|e| Error::Transport(e.to_string()))?;
        stream.set_nodelay(true).ok();
        let (ws, _) = tokio_tungstenite::client_async(req, stream)
            .await
            .map_err(|e| Error::Transport(e.to_string()))?;
        let (mut sink, mut stream) = ws.split();

        // Engine.IO open packet: "0{...}".
        match stream.next().await {
            Some(Ok(Message::Text(t))) if t.starts_with('0') => {}
            other => return Err(Error::Transport(format!("no open packet: {other:?}"))),
        }
        let connect = match &opts.auth {
            Some(auth) => format!("40{auth}"),
            None => "40".to_owned(),
        };
        sink.send(Message::text(connect))
            .await
            .map_err(|e| Error::Transport(e.to_string()))?;
        loop {
            match stream.next().await {
                Some(Ok(Message::Text(t))) => {
                    let t = t.to_string();
                    if t == "2" {
                        sink.send(Message::text("3"))
                            .await
                            .map_err(|e| Error::Transport(e.to_string()))?;
                        continue;
                    }
                    if let Some(body) = t.strip_prefix("40") {
                        let _ = body;
                        break;
                    }
                    if let Some(body) = t.strip_prefix("44") {
                        let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
                        let msg = v["message"].as_str().unwrap_or(body).to_owned();
                        return Err(Error::Refused(msg));
                    }
                }
                Some(Ok(_)) => {}
                _ => return Err(Error::Closed),
            }
        }

        let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Message>();
        let (ev_tx, ev_rx) = mpsc::channel::<Event>(opts.queue.unwrap_or(DEFAULT_QUEUE).max(1));
        let dropped = Arc::new(AtomicU64::new(0));
        let reader_dropped = dropped.clone();
        let acks: Acks = Arc::default();
        tokio::spawn(async move {
            while let Some(m) = out_rx.recv().await {
                if sink.send(m).await.is_err() {
                    break;
                }
            }
            let _ = sink.close().await;
        });
        let pong = out_tx.clone();
        let reader_acks = acks.clone();
        tokio::spawn(async move {
            while let Some(Ok(msg)) = stream.next().await {
                let Message::Text(t) = msg else {
                    if matches!(msg, Message::Close(_)) {
                        break;
                    }
                    continue;
                };
                let t = t.to_string();
                if t == "2" {
                    let _ = pong.send(Message::text("3"));
                    continue;
                }
                if t == "1" || t == "41" {
                    break;
                }
                let Some(body) = t.strip_prefix('4') else {
                    continue;
                };
                let Some((kind, ack, value)) = parse_packet(body) else {
                    continue;
                };
                match kind {
                    2 => {
                        let mut args = match value {
                            Value::Array(a) => a.into_iter(),
                            _ => continue,
                        };
                        let name = args
                            .next()
                            .and_then(|n| n.as_str().map(str::to_owned))
                            .unwrap_or_default();
                        let data = args.next().unwrap_or(Value::Null);
                        match ev_tx.try_send(Event { name, data }) {
                            Ok(()) => {}
                            Err(mpsc::error::TrySendError::Full(_)) => {
                                reader_dropped.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(mpsc::error::TrySendError::Closed(_)) => break,
                        }
                    }
                    3 => {
                        if let Some(id) = ack
                            && let Some(tx) = reader_acks.lock().await.remove(&id)
                        {
                            let first = match value {
                                Value::Array(mut a) if !a.is_empty() => a.remove(0),
                                other => other,
                            };
                            let _ = tx.send(first);
                        }
                    }
                    1 => break,
                    _ => {}
                }
            }
            // Dropping ev_tx tells the receiver the socket is gone.
        });
        Ok(Client {
            out: out_tx,
            events: ev_rx,
            acks,
            next_ack: AtomicU64::new(1),
            dropped,
        })
    }

    /// Events dropped because `Options::queue` of them were already waiting.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Fire an event without an acknowledgement.
    pub fn emit(&self, event: &str, data: &Value) -> Result<(), Error> {
        let packet = format!("42{}", Value::Array(vec![Value::from(event), data.clone()]));
        self.out
            .send(Message::text(packet))
            .map_err(|_| Error::Closed)
    }

    /// Fire an event and wait for its acknowledgement's first argument.
    pub async fn emit_with_ack(
        &self,
        event: &str,
        data: &Value,
        timeout: Duration,
    ) -> Result<Value, Error> {
        let id = self.next_ack.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.acks.lock().await.insert(id, tx);
        let packet = format!(
            "42{id}{}",
            Value::Array(vec![Value::from(event), data.clone()])
        );
        self.out
            .send(Message::text(packet))
            .map_err(|_| Error::Closed)?;
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(_)) => Err(Error::Closed),
            Err(_) => {
                self.acks.lock().await.remove(&id);
                Err(Error::Timeout)
            }
        }
    }

    /// The next event of any name, or `None` on timeout / disconnect.
    pub async fn recv(&mut self, timeout: Duration) -> Result<Event, Error> {
        match tokio::time::timeout(timeout, self.events.recv()).await {
            Ok(Some(e)) => Ok(e),
            Ok(None) => Err(Error::Closed),
            Err(_) => Err(Error::Timeout),
        }
    }

    /// Wait for the next event called `name`, skipping others.
    pub async fn expect(&mut self, name: &str, timeout: Duration) -> Result<Value, Error> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let e = self.recv(left).await?;
            if e.name == name {
                return Ok(e.data);
            }
        }
    }

    /// Every event received within `window` (for "nothing arrived" checks).
    pub async fn drain(&mut self, window: Duration) -> Vec<Event> {
        let mut out = Vec::new();
        while let Ok(e) = self.recv(window).await {
            out.push(e);
        }
        out
    }

    /// `true` once the server has closed the socket (within `timeout`).
    pub async fn closed_within(&mut self, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.recv(left).await {
                Err(Error::Closed) => return true,
                Err(_) => return false,
                Ok(_) => {}
            }
        }
    }

    /// Close the connection.
    pub fn close(&self) {
        let _ = self.out.send(Message::text("41"));
        let _ = self.out.send(Message::Close(None));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packets_parse() {
        assert_eq!(parse_packet(r#"2["a",1]"#).map(|p| p.0), Some(2));
        let (k, ack, v) = parse_packet(r#"312[{"ok":true}]"#).unwrap_or((0, None, Value::Null));
        assert_eq!((k, ack), (3, Some(12)));
        assert_eq!(v[0]["ok"], true);
    }
}
