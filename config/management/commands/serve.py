from daphne.cli import CommandLineInterface
from django.conf import settings
from django.core.management.base import BaseCommand

from config.embedded import start_embedded_consumer


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
        self.stdout.write(f"Đang phục vụ tại http://{host}:{port}/ (Ctrl-C để dừng)")
        try:
            CommandLineInterface().run(["-b", host, "-p", str(port), "config.asgi:application"])
        finally:
            if consumer is not None:
                consumer.stop(graceful=True)
            self.stdout.write("Đã dừng.")
