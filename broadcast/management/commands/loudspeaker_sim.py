"""`manage.py loudspeaker_sim --clusters 126 [--offline 3] [--fast]`: simulated clusters on the communes of the
structure in force (registered when missing, one per commune first), so the demo closes the loop: schedules
are played at their time (at once with --fast), emergencies at once, and play logs confirm broadcasts."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from org import selectors as org_selectors
from org.models import UnitKind

from ...services import cluster_register
from ...simulator import Simulator


class Command(BaseCommand):
    help = _("Mô phỏng cụm loa: nhận lịch, phát, gửi nhật ký phát và tín hiệu hoạt động.")

    def add_arguments(self, parser):
        parser.add_argument("--clusters", type=int, default=126)
        parser.add_argument("--offline", type=int, default=0, help=_("Số cụm ngừng gửi tín hiệu."))
        parser.add_argument("--fast", action="store_true", help=_("Phát ngay khi nhận lịch."))
        parser.add_argument("--heartbeat", type=float, default=30, help=_("Giây giữa hai lần gửi tín hiệu."))
        parser.add_argument("--url", default=None)

    def handle(self, *args, clusters, offline, fast, heartbeat, url, **options):
        url = url or settings.MQTT_URL
        if not url:
            raise CommandError(_("Hãy đặt MQTT_URL (ví dụ mqtt://127.0.0.1:1883) hoặc --url."))
        units = list(org_selectors.units_in_force().filter(kind=UnitKind.COMMUNE).order_by("path"))
        if not units:
            raise CommandError(_("Chưa có xã/phường trong cơ cấu đang áp dụng."))
        codes = []
        for i in range(clusters):
            unit = units[i % len(units)]
            code = f"SIM-{unit.code}-{i // len(units) + 1}"
            cluster_register(unit=unit, code=code, vendor="Mô phỏng", latitude=unit.latitude,
                             longitude=unit.longitude)
            codes.append(code)
        simulator = Simulator(codes, url=url, silent=set(codes[:offline]), fast=fast).start()
        self.stdout.write(_("%(n)d cụm loa mô phỏng đang chạy (%(off)d ngừng gửi tín hiệu).") % {
            "n": len(codes), "off": offline})
        try:
            while True:
                simulator.heartbeat()
                time.sleep(heartbeat)
        except KeyboardInterrupt:
            pass
        finally:
            simulator.stop()
            self.stdout.write(_("Đã phát %(n)d lần.") % {"n": simulator.plays})
