#!/usr/bin/env bash
# Makes sure an MQTT broker answers on 127.0.0.1:1883 for the loudspeaker tests: starts Debian's Mosquitto in the
# background when nothing listens there (the machine's own service, if any, is left alone).
set -uo pipefail
port=${MQTT_PORT:-1883}
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }
listening && exit 0
if [ -x /usr/sbin/mosquitto ]; then
  /usr/sbin/mosquitto -d -p "$port" 2>/dev/null || /usr/sbin/mosquitto -p "$port" >/dev/null 2>&1 &
  for _ in $(seq 1 50); do listening && exit 0; sleep 0.1; done
fi
echo "Không khởi động được máy chủ MQTT (Mosquitto) trên 127.0.0.1:$port." >&2
exit 1
