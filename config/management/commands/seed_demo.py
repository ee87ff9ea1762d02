from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.demo import DEMO_PEOPLE, seed_demo
from org.loaders import LOADERS


class Command(BaseCommand):
    help = ("Nạp dữ liệu trình diễn: đơn vị của một cơ cấu (hiện hành, hoặc 2025) và đặt cơ cấu đó đang áp dụng, "
            "32 chủ đề kế hoạch, tài khoản mẫu (chỉ khi DEBUG bật).")

    def add_arguments(self, parser):
        parser.add_argument("--structure", choices=sorted(LOADERS), default="current")

    def handle(self, *args, structure: str, **options):
        if not settings.DEBUG:
            raise CommandError("Từ chối: seed_demo chỉ dùng cho bản trình diễn (DEBUG=on).")
        result = seed_demo(structure)
        local = (f"{result.districts} quận/huyện, {result.communes} xã/phường" if result.districts
                 else f"{result.communes} xã/phường trực thuộc thành phố")
        self.stdout.write(
            f"Đơn vị: {result.units} (cơ cấu {structure}, đang áp dụng: {local}); "
            f"chủ đề mới: {result.topics_created}; tài khoản mới: {result.accounts_created}."
        )
        self.stdout.write(f"Tài khoản mẫu (mật khẩu: {settings.DEMO_PASSWORD}):")
        for username, name, _unit, role, _leader, _title in DEMO_PEOPLE:
            self.stdout.write(f"  {username:<12} {role.label} — {name}")
        if result.districts:
            self.stdout.write("  và một cán bộ cho mỗi quận/huyện và xã/phường, tên đăng nhập = tên mã đơn vị "
                              "(quan_ba_dinh, phuong_phuc_xa).")
        else:
            self.stdout.write("  và một cán bộ cho mỗi xã/phường, tên đăng nhập = tên mã đơn vị "
                              "(phuong_ba_dinh, phuong_hoan_kiem, xa_soc_son).")
