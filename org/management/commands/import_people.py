"""`manage.py import_people FILE [--dry-run] [--skip-invalid]`: people and memberships from an XLSX or CSV sheet."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from common.table_commands import preview_lines, state_label, table_file_run
from org.imports import people_import_file, people_template


def summary(preview, *, dry_run: bool) -> str:
    result = preview.result
    if result:
        counts = _("tài khoản: tạo mới %(uc)s, cập nhật %(uu)s; phân công: tạo mới %(mc)s, cập nhật %(mu)s") % {
            "uc": result.users_created, "uu": result.users_updated, "mc": result.memberships_created,
            "mu": result.memberships_updated}
    else:
        counts = _("không có dòng hợp lệ")
    return _("%(state)s — %(rows)s dòng, %(valid)s hợp lệ, %(invalid)s lỗi; %(counts)s.") % {
        "state": state_label(preview, dry_run=dry_run), "rows": len(preview.rows), "valid": len(preview.valid),
        "invalid": len(preview.invalid), "counts": counts}


class Command(BaseCommand):
    help = _("Nhập người dùng và phân công từ tệp XLSX hoặc CSV (tiêu đề cột tiếng Việt).")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help=_("Tệp .xlsx hoặc .csv (dòng 1 là tiêu đề cột)."))
        parser.add_argument("--dry-run", action="store_true", help=_("Chỉ kiểm tra và xem trước, không ghi gì."))
        parser.add_argument("--skip-invalid", action="store_true", help=_("Bỏ qua các dòng lỗi, nhập các dòng đúng."))
        parser.add_argument("--errors-only", action="store_true", help=_("Chỉ in các dòng lỗi và phần tổng kết."))
        parser.add_argument("--template", metavar="OUT", help=_("Ghi tệp mẫu .xlsx ra OUT rồi dừng."))

    def handle(self, *args, file, dry_run, skip_invalid, errors_only, template, **options):
        if template:
            Path(template).write_bytes(people_template())
            self.stdout.write(_("Đã ghi tệp mẫu %(path)s.") % {"path": template})
            return
        preview = table_file_run(file, lambda data, extension: people_import_file(
            data, extension=extension, dry_run=dry_run, skip_invalid=skip_invalid))
        columns = [("unit_code", _("Mã đơn vị")), ("unit_name", _("Tên đơn vị")), ("role", _("Vai trò")),
                   ("full_name", _("Họ và tên")), ("email", _("Thư điện tử"))]
        self.stdout.write("\n".join(preview_lines(preview.invalid if errors_only else preview.rows, columns)))
        self.stdout.write(summary(preview, dry_run=dry_run))
        if preview.invalid and not skip_invalid and not dry_run:
            raise CommandError(_("%(count)s dòng lỗi nên không ghi gì. Sửa tệp, hoặc dùng --skip-invalid.")
                               % {"count": len(preview.invalid)})
