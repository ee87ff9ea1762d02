#!/usr/bin/env bash
# The production shape on one machine, from the files in deploy/: nginx (deploy/nginx) in front of 2 daphne
# processes, 2 huey consumers, on the PostgreSQL and Redis named by DATABASE_URL and REDIS_URL.
#   DATABASE_URL=postgres://... REDIS_URL=redis://... deploy/prod-local.sh start [PORT]   (default 8080)
#   deploy/prod-local.sh stop
# State, logs and pids under var/prod/ (PROD_RUN_DIR= another folder; the multi-process test uses its own).
# Every other variable of the environment reaches the processes. `make prod-local` runs `start`.
set -euo pipefail
cd "$(dirname "$0")/.."
run=${PROD_RUN_DIR:-var/prod}
mkdir -p "$run"
stop() {
  local pids=() pid alive
  for f in "$run"/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null && pids+=("$pid")
    rm -f "$f"
  done
  # daphne waits for its open websockets before it exits (minutes, with browsers connected): 15 s, then KILL.
  for _ in $(seq 30); do
    alive=0
    for pid in ${pids[@]+"${pids[@]}"}; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pid in ${pids[@]+"${pids[@]}"}; do kill -9 "$pid" 2>/dev/null || true; done
  [ -e "$run/nginx/nginx.pid" ] && nginx -p "$(realpath "$run")/nginx" -c nginx.conf -s stop 2>/dev/null || true
}
if [ "${1:-start}" = "stop" ]; then stop; echo "Đã dừng."; exit 0; fi
: "${DATABASE_URL:?đặt DATABASE_URL (PostgreSQL)}" "${REDIS_URL:?đặt REDIS_URL}"
port=${2:-8080} web1=${WEB1_PORT:-8101} web2=${WEB2_PORT:-8102}
export DEBUG=${DEBUG:-off} ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost} SENDFILE_BACKEND=nginx \
       STATIC_ROOT=$(realpath -m "$run")/static PRIVATE_MEDIA_ROOT=${PRIVATE_MEDIA_ROOT:-$(realpath -m "$run")/private} \
       DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')} \
       SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-off} SESSION_COOKIE_SECURE=${SESSION_COOKIE_SECURE:-off} \
       CSRF_COOKIE_SECURE=${CSRF_COOKIE_SECURE:-off} CSRF_TRUSTED_ORIGINS=${CSRF_TRUSTED_ORIGINS:-http://127.0.0.1:$port}
stop
.venv/bin/python manage.py collectstatic --noinput -v0
mkdir -p "$run/nginx/logs" "$PRIVATE_MEDIA_ROOT"
deploy/render.sh "$run/nginx/site.conf" "127.0.0.1:$port" 127.0.0.1 "$STATIC_ROOT" "$PRIVATE_MEDIA_ROOT" "$web1" "$web2"
cat > "$run/nginx/nginx.conf" <<CONF
worker_processes 2;
# A websocket holds two connections of a worker (the browser's and daphne's): 10,240 each serve ~10,000 browsers.
worker_rlimit_nofile ${NGINX_NOFILE:-20000};
pid nginx.pid;
error_log logs/error.log;
events { worker_connections ${NGINX_WORKER_CONNECTIONS:-10240}; }
http {
    include /etc/nginx/mime.types;
    access_log logs/access.log;
    client_body_temp_path tmp-body; proxy_temp_path tmp-proxy; fastcgi_temp_path tmp-fcgi;
    uwsgi_temp_path tmp-uwsgi; scgi_temp_path tmp-scgi;
    include site.conf;
}
CONF
for p in $web1 $web2; do
  .venv/bin/daphne --proxy-headers -b 127.0.0.1 -p "$p" config.asgi:application >"$run/web-$p.log" 2>&1 &
  echo $! > "$run/web-$p.pid"
done
for i in 1 2; do
  .venv/bin/python manage.py run_huey >"$run/worker-$i.log" 2>&1 &
  echo $! > "$run/worker-$i.pid"
done
# nginx only once both daphne processes answer: an upstream refused at startup counts as failed (max_fails=1)
# and would be left out for fail_timeout, so the first requests would find "no live upstreams".
for p in $web1 $web2; do
  for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$p/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
done
nginx -p "$(realpath "$run")/nginx" -c nginx.conf
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && { echo "Đang chạy: http://127.0.0.1:$port/ (nginx → daphne :$web1, :$web2; 2 tiến trình nền)"; exit 0; }
  sleep 0.2
done
echo "Không khởi động được; xem $run/*.log" >&2
exit 1
