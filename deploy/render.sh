#!/usr/bin/env bash
# Writes the nginx site for this machine from deploy/nginx/ttcs.conf.template.
#   deploy/render.sh OUT LISTEN SERVER_NAME STATIC_ROOT PRIVATE_MEDIA_ROOT PORT [PORT...]
set -euo pipefail
out=$1 listen=$2 name=$3 static=$4 private=$5; shift 5
upstreams=""
for port in "$@"; do upstreams+="server 127.0.0.1:${port} max_fails=1 fail_timeout=5s; "; done
LISTEN=$listen SERVER_NAME=$name STATIC_ROOT=$static PRIVATE_MEDIA_ROOT=$private UPSTREAMS=$upstreams \
  envsubst '${LISTEN} ${SERVER_NAME} ${STATIC_ROOT} ${PRIVATE_MEDIA_ROOT} ${UPSTREAMS}' \
  < "$(dirname "$0")/nginx/ttcs.conf.template" > "$out"
