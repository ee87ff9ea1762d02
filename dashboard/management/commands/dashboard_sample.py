"""Generated work for the managers' dashboard demo (dashboard/sample.py): `--delete` removes it."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from org import selectors as org_selectors

from ...sample import work_sample_create, work_sample_delete


class Command(BaseCommand):
    help = "Tạo (hoặc xóa) dữ liệu mẫu cho bảng điều hành: N nhiệm vụ đơn vị trong năm."

    def add_arguments(self, parser):
        parser.add_argument("--assignments", type=int, default=10_000)
        parser.add_argument("--structure", choices=["2025", "current"], default=None)
        parser.add_argument("--delete", action="store_true")

    def handle(self, *args, assignments, structure, delete, **options):
        if not settings.DEBUG:
            raise CommandError("Chỉ dùng cho dữ liệu thử (DEBUG bật).")
        if delete:
            self.stdout.write(f"Đã xóa {work_sample_delete()} nhiệm vụ mẫu.")
            return
        result = work_sample_create(assignments=assignments, now=timezone.now(),
                                    structure=structure or org_selectors.structure_in_force())
        self.stdout.write(f"Đã tạo {result.directives} văn bản, {result.assignments} nhiệm vụ, "
                          f"{result.bulletins} bản tin, {result.events} sự kiện, {result.plans} lịch phát cụm loa.")
