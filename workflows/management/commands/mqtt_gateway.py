"""`manage.py mqtt_gateway`: the loudspeaker gateway (broadcast.gateway) with the flows' play-log intake, so that
play logs confirm units' broadcasts. Needs MQTT_URL (mqtt://host:1883); one per deployment is enough, two are
safe (a command is claimed by one of them)."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from broadcast.gateway import Gateway
from workflows.broadcast.services import play_logs_ingest


class Command(BaseCommand):
    help = _("Cổng MQTT tới cụm loa: gửi lịch phát, nhận tín hiệu và nhật ký phát.")

    def add_arguments(self, parser):
        parser.add_argument("--url", default=None, help=_("Địa chỉ máy chủ MQTT (mặc định: MQTT_URL)."))

    def handle(self, *args, url, **options):
        url = url or settings.MQTT_URL
        if not url:
            raise CommandError(_("Cổng cụm loa đang tắt: hãy đặt MQTT_URL (ví dụ mqtt://127.0.0.1:1883)."))
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_args: stop.set())
        gateway = Gateway(on_play_logs=play_logs_ingest, url=url).connect()
        self.stdout.write(_("Cổng cụm loa đang chạy (%(url)s).") % {"url": url})
        try:
            gateway.run(stop)
        except KeyboardInterrupt:
            pass
        finally:
            gateway.close()
