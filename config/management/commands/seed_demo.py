from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.demo import DEMO_PEOPLE, seed_demo
from org.loaders import LOADERS


class Command(BaseCommand):
    help = "Nạp dữ liệu trình diễn: đơn vị, 32 chủ đề kế hoạch, tài khoản mẫu (chỉ khi DEBUG bật)."

    def add_arguments(self, parser):
        parser.add_argument("--structure", choices=sorted(LOADERS), default="2025")

    def handle(self, *args, structure: str, **options):
        if not settings.DEBUG:
            raise CommandError("Từ chối: seed_demo chỉ dùng cho bản trình diễn (DEBUG=on).")
        result = seed_demo(structure)
        self.stdout.write(
            f"Đơn vị: {result.units} (cơ cấu {structure}: {result.districts} quận/huyện, {result.communes} xã/phường); "
            f"chủ đề mới: {result.topics_created}; tài khoản mới: {result.accounts_created}."
        )
        self.stdout.write(f"Tài khoản mẫu (mật khẩu: {settings.DEMO_PASSWORD}):")
        for username, name, _unit, role, _leader, _title in DEMO_PEOPLE:
            self.stdout.write(f"  {username:<12} {role.label} — {name}")
        example = "quan_ba_dinh, phuong_phuc_xa" if structure == "2025" else "phuong_hoan_kiem"
        self.stdout.write(
            f"  và một cán bộ cho mỗi quận/huyện và xã/phường, tên đăng nhập = tên mã đơn vị ({example})."
        )
