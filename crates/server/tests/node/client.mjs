// Usage: node client.mjs <baseUrl> <token> [orderId]
// Connects with the official socket.io-client using the brief's `auth: { token }`,
// optionally accepts an order with an acknowledgement, and prints one JSON line.
// QC_TRANSPORTS=polling,websocket: start on long-polling as browsers without a direct
// WebSocket do, and accept only once the connection is upgraded to WebSocket.
import { io } from "socket.io-client";

const [base, token, orderId] = process.argv.slice(2);
const transports = (process.env.QC_TRANSPORTS ?? "websocket").split(",");
const socket = io(base, { auth: { token }, transports, reconnection: false, timeout: 5000 });
const transport = () => socket.io.engine?.transport?.name;
const done = (result) => {
  console.log(JSON.stringify({ ...result, transport: transport() }));
  socket.close();
  process.exit(0);
};
setTimeout(() => done({ connected: false, error: "timeout" }), 8000);
socket.on("connect_error", (err) => done({ connected: false, error: err.message }));
const accept = () => {
  if (!orderId) return done({ connected: true });
  socket.emit("order:accept", { orderId }, (ack) => done({ connected: true, ack }));
};
socket.on("connect", () => {
  if (transport() === "websocket") return accept();
  socket.io.engine.once("upgrade", accept);
});
