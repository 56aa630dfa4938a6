#!/usr/bin/env bash
# Two QuickCommerce instances on PostgreSQL + Redis behind nginx, on this machine, and
# qc-bench against them through nginx (docs/BENCHMARKS.md, "A city day").
#
#   crates/bench/scripts/two-instances.sh --only city --city-sockets 8000
#
# Every argument goes to qc-bench. QC_INSTANCES=1 runs the same set-up with one instance
# behind nginx (the comparison: same proxy, database and Redis). Needs PostgreSQL (QC_BENCH_PG, default
# postgres://postgres@127.0.0.1:5432), Redis (QC_BENCH_REDIS, default
# redis://127.0.0.1:6379), Debian's nginx and release builds of quickcommerce and qc-bench.
# A new database `qc_bench_two` is made for each run. nginx balances by fewest open
# connections: qc-bench opens Socket.io on the WebSocket transport at once (no polling
# requests to keep on one instance), and its HTTP calls all come from one address, which
# a hash of the client's address would send to a single instance. nginx holds two descriptors per
# proxied socket, so keep sockets under half the open-files limit.
set -euo pipefail
cd "$(dirname "$0")/../../.."
PG=${QC_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
REDIS=${QC_BENCH_REDIS:-redis://127.0.0.1:6379}
BIN=target/release/quickcommerce
DIR=$(mktemp -d /tmp/qc-two-XXXX)
DB=qc_bench_two
ADMIN=bench-admin@bench.example.com
ADMIN_PW=bench-admin-password-123
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
export APP_ENV=test DATABASE_URL="$PG/$DB" REDIS_URL="$REDIS" QC_DATA_DIR="$DIR" \
  QC_WEB_DIR="$DIR/no-web" JWT_SECRET=qc-bench-jwt-secret-0123456789-abcdefghij \
  QC_MAX_ACTIVE_ORDERS=1000000 QC_LOGIN_MAX_FAILURES=1000000 QC_REGISTRATIONS_PER_HOUR=0 \
  QC_ORDERS_PER_MIN=0 QC_MAX_OPEN_ORDERS=0 QC_SOCKET_HANDSHAKES_PER_MIN=0 \
  QC_SOCKET_REFUSED_PER_MIN=0 QC_MAX_SOCKETS_PER_USER=1000000 QC_PENDING_TIMEOUT_MIN=1440 \
  QC_ADMIN_PASSWORD="$ADMIN_PW" QC_DB_MAX_CONNECTIONS=16 RUST_LOG=warn
"$BIN" seed >"$DIR/seed.log" 2>&1
"$BIN" create-admin --email "$ADMIN" >>"$DIR/seed.log" 2>&1
PORT=5081 "$BIN" serve >"$DIR/a.log" 2>&1 & A=$!
INSTANCES=${QC_INSTANCES:-2}
UPSTREAM="server 127.0.0.1:5081;"
B=
if [ "$INSTANCES" = 2 ]; then
  PORT=5082 "$BIN" serve >"$DIR/b.log" 2>&1 & B=$!
  UPSTREAM="$UPSTREAM server 127.0.0.1:5082;"
fi
mkdir -p "$DIR/nginx"
cat >"$DIR/nginx.conf" <<CONF
daemon off;
worker_processes 1;
worker_rlimit_nofile 20000;
user root;
pid $DIR/nginx.pid;
error_log $DIR/nginx-error.log warn;
events { worker_connections 19000; }
http {
  access_log off;
  client_body_temp_path $DIR/nginx; proxy_temp_path $DIR/nginx; fastcgi_temp_path $DIR/nginx;
  uwsgi_temp_path $DIR/nginx; scgi_temp_path $DIR/nginx;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  upstream quickcommerce { least_conn; $UPSTREAM keepalive 256; }
  server {
    listen 127.0.0.1:5080;
    location /socket.io/ {
      proxy_pass http://quickcommerce; proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade; proxy_set_header Connection \$connection_upgrade;
      proxy_read_timeout 75s;
    }
    location / {
      proxy_pass http://quickcommerce; proxy_http_version 1.1;
      proxy_set_header Connection ""; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }
}
CONF
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
"$NGINX" -c "$DIR/nginx.conf" -p "$DIR" & N=$!
trap 'kill $A $B $N 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -fs http://127.0.0.1:5080/health/ready >/dev/null && break
  sleep 0.2
done
ulimit -n 65536 2>/dev/null || true
echo "instances: $INSTANCES (pids $A on 5081${B:+, $B on 5082}), nginx on 5080; logs in $DIR"
target/release/qc-bench --url http://127.0.0.1:5080 --server-pid "$A" \
  --admin-email "$ADMIN" --admin-password "$ADMIN_PW" \
  --jwt-secret qc-bench-jwt-secret-0123456789-abcdefghij --no-reference "$@"
if [ -n "$B" ]; then
  echo "instance B ($B) RSS: $(grep VmRSS /proc/$B/status 2>/dev/null || echo gone), CPU: $(ps -o times= -p "$B" 2>/dev/null || echo ?) s"
fi
