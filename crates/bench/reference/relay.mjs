// Reference relay for qc-bench (scenarios 4-5): the smallest socket.io 4 server with
// QuickCommerce's handshake (HS256 JWT in `auth.token`), its rooms, and the location
// relay (`delivery:location-update` -> `delivery:location` to the order's customer and
// admins, with an ack). No database: a partner socket names its order and customer in
// the handshake (`auth.orderId`, `auth.customerId`).
//
// Env: RELAY_PORT (required), RELAY_JWT_SECRET (when empty, tokens are decoded unverified).
import { createServer } from "node:http";
import { createHmac, timingSafeEqual } from "node:crypto";
import { Server } from "socket.io";

const port = Number(process.env.RELAY_PORT || 0);
const secret = process.env.RELAY_JWT_SECRET || "";

function verify(token) {
  if (typeof token !== "string") return null;
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  if (secret) {
    const sig = createHmac("sha256", secret).update(`${parts[0]}.${parts[1]}`).digest();
    const given = Buffer.from(parts[2], "base64url");
    if (given.length !== sig.length || !timingSafeEqual(given, sig)) return null;
  }
  try {
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    if (typeof claims.exp === "number" && claims.exp * 1000 < Date.now()) return null;
    return claims;
  } catch {
    return null;
  }
}

const http = createServer((req, res) => {
  if (req.url === "/health/ready") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"success":true}');
    return;
  }
  res.writeHead(404);
  res.end();
});

const io = new Server(http, { maxHttpBufferSize: 16384, cors: { origin: false } });
const orders = new Map(); // orderId -> { partnerId, customerId }

io.use((socket, next) => {
  const claims = verify(socket.handshake.auth && socket.handshake.auth.token);
  if (!claims || !claims.sub) {
    const err = new Error("invalid_token: The token is invalid.");
    next(err);
    return;
  }
  socket.data.user = claims.sub;
  socket.data.role = claims.role;
  next();
});

io.on("connection", (socket) => {
  const { user, role } = socket.data;
  socket.join([`user:${user}`, `role:${role}`]);
  if (role === "delivery") {
    socket.join("partners:available");
    const { orderId, customerId } = socket.handshake.auth;
    if (typeof orderId === "string" && typeof customerId === "string") {
      orders.set(orderId, { partnerId: user, customerId });
    }
  }
  if (role === "admin") socket.join("admins");
  // Same per-socket fixed window as the Rust server: 5 locations per second.
  let windowStart = 0;
  let count = 0;
  socket.on("delivery:location-update", (data, ack) => {
    const reply = typeof ack === "function" ? ack : () => {};
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      count = 0;
    }
    count += 1;
    if (count > 5) {
      reply({ success: false, error: { code: "too_many_requests", message: "Slow down." } });
      return;
    }
    if (!data || typeof data.lat !== "number" || typeof data.lng !== "number"
      || Math.abs(data.lat) > 90 || Math.abs(data.lng) > 180 || typeof data.orderId !== "string") {
      reply({ success: false, error: { code: "validation_error", message: "Bad location." } });
      return;
    }
    const order = orders.get(data.orderId);
    if (!order || order.partnerId !== user) {
      reply({ success: false, error: { code: "order_not_found", message: "No such order." } });
      return;
    }
    const at = new Date().toISOString();
    io.to([`user:${order.customerId}`, "admins"]).emit("delivery:location", {
      lat: data.lat, lng: data.lng, orderId: data.orderId, partnerId: user, at,
    });
    reply({ success: true, data: { lat: data.lat, lng: data.lng, at } });
  });
});

http.listen(port, "127.0.0.1", () => {
  console.log(`relay ready on 127.0.0.1:${http.address().port}`);
});
