"""`manage.py import_plan FILE [--dry-run] [--skip-invalid]`: the plan's topics from an XLSX or CSV sheet."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from common.table_commands import preview_lines, state_label, table_file_run
from editorial.imports import plan_import_file, plan_template


class Command(BaseCommand):
    help = _("Nhập danh mục chủ đề của kế hoạch tuyên truyền từ tệp XLSX hoặc CSV (tiêu đề cột tiếng Việt).")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help=_("Tệp .xlsx hoặc .csv (dòng 1 là tiêu đề cột)."))
        parser.add_argument("--dry-run", action="store_true", help=_("Chỉ kiểm tra và xem trước, không ghi gì."))
        parser.add_argument("--skip-invalid", action="store_true", help=_("Bỏ qua các dòng lỗi, nhập các dòng đúng."))
        parser.add_argument("--template", metavar="OUT", help=_("Ghi tệp mẫu .xlsx ra OUT rồi dừng."))

    def handle(self, *args, file, dry_run, skip_invalid, template, **options):
        if template:
            Path(template).write_bytes(plan_template())
            self.stdout.write(_("Đã ghi tệp mẫu %(path)s.") % {"path": template})
            return
        preview = table_file_run(file, lambda data, extension: plan_import_file(
            data, extension=extension, dry_run=dry_run, skip_invalid=skip_invalid))
        columns = [("year", _("Năm")), ("number", _("Số thứ tự")), ("title", _("Chủ đề")),
                   ("month_from", _("Từ tháng")), ("month_to", _("Đến tháng"))]
        self.stdout.write("\n".join(preview_lines(preview.rows, columns)))
        result = preview.result
        counts = (_("chủ đề: tạo mới %(c)s, cập nhật %(u)s, không đổi %(n)s") % {
            "c": result.created, "u": result.updated, "n": result.unchanged} if result else _("không có dòng hợp lệ"))
        self.stdout.write(_("%(state)s — %(rows)s dòng, %(valid)s hợp lệ, %(invalid)s lỗi; %(counts)s.") % {
            "state": state_label(preview, dry_run=dry_run), "rows": len(preview.rows), "valid": len(preview.valid),
            "invalid": len(preview.invalid), "counts": counts})
        if preview.invalid and not skip_invalid and not dry_run:
            raise CommandError(_("%(count)s dòng lỗi nên không ghi gì. Sửa tệp, hoặc dùng --skip-invalid.")
                               % {"count": len(preview.invalid)})
