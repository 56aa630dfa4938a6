// Usage: node client.mjs <baseUrl> <token> [orderId]
// Connects with the official socket.io-client using the brief's `auth: { token }`,
// optionally accepts an order with an acknowledgement, and prints one JSON line.
import { io } from "socket.io-client";

const [base, token, orderId] = process.argv.slice(2);
const socket = io(base, { auth: { token }, transports: ["websocket"], reconnection: false, timeout: 5000 });
const done = (result) => {
  console.log(JSON.stringify(result));
  socket.close();
  process.exit(0);
};
setTimeout(() => done({ connected: false, error: "timeout" }), 8000);
socket.on("connect_error", (err) => done({ connected: false, error: err.message }));
socket.on("connect", () => {
  if (!orderId) return done({ connected: true });
  socket.emit("order:accept", { orderId }, (ack) => done({ connected: true, ack }));
});
