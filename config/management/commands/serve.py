import threading

from daphne.cli import CommandLineInterface
from django.conf import settings
from django.core.management.base import BaseCommand

from broadcast.gateway import Gateway
from config.embedded import start_embedded_consumer
from workflows.broadcast.services import play_logs_ingest


class Command(BaseCommand):
    help = "Chạy máy chủ daphne; ở cấu hình nhúng chạy kèm tiến trình xử lý nền huey trong cùng tiến trình."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument(
            "--with-worker", choices=["auto", "yes", "no"], default="auto",
            help="auto: chạy huey trong tiến trình khi không dùng Redis.",
        )

    def handle(self, *args, host: str, port: str, with_worker: str, **options):
        embedded = with_worker == "yes" or (with_worker == "auto" and not settings.REDIS_URL)
        consumer = start_embedded_consumer() if embedded else None
        gateway, stop = self._gateway() if embedded else (None, None)
        self.stdout.write(f"Đang phục vụ tại http://{host}:{port}/ (Ctrl-C để dừng)")
        try:
            CommandLineInterface().run(["-b", host, "-p", str(port), "config.asgi:application"])
        finally:
            if consumer is not None:
                consumer.stop(graceful=True)
            if gateway is not None:
                stop.set()
                gateway.close()
            self.stdout.write("Đã dừng.")

    def _gateway(self):
        """The loudspeaker gateway in this process (embedded profile), when MQTT_URL names a broker."""
        if not settings.MQTT_URL:
            self.stdout.write("Cổng cụm loa (MQTT): tắt. Đặt MQTT_URL=mqtt://127.0.0.1:1883 để bật.")
            return None, None
        try:
            gateway = Gateway(on_play_logs=play_logs_ingest).connect()
        except OSError as exc:
            self.stdout.write(f"Cổng cụm loa (MQTT): không kết nối được {settings.MQTT_URL}: {exc}")
            return None, None
        stop = threading.Event()
        threading.Thread(target=gateway.run, args=(stop,), daemon=True, name="mqtt-gateway").start()
        self.stdout.write(f"Cổng cụm loa (MQTT): đang chạy với {settings.MQTT_URL}.")
        return gateway, stop
