#!/usr/bin/env bash
# Installs the Debian packages the product or its tests need, when missing. As root it uses apt-get;
# otherwise it says what to install and fails.
set -euo pipefail
missing=()
for pkg in "$@"; do
  case "$pkg" in
    gettext) cmd=msgfmt ;;
    espeak-ng) cmd=espeak-ng ;;
    chromium) cmd=chromium ;;
    mosquitto) cmd=/usr/sbin/mosquitto ;;
    nginx|nginx-light) cmd=/usr/sbin/nginx ;;
    *) cmd=$pkg ;;
  esac
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Cài gói hệ thống: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Thiếu gói hệ thống: ${missing[*]}. Hãy cài: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
