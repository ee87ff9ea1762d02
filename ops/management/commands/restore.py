"""`manage.py restore ARCHIVE [--force]`: into an empty database and empty file folders, then every count and
checksum is compared with the archive's manifest (ops/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Khôi phục từ tệp sao lưu vào cơ sở dữ liệu và thư mục tệp trống, rồi kiểm tra số bản ghi và tệp."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--force", action="store_true", help="Ghi đè dữ liệu đang có.")

    def handle(self, *args, archive, force, **options):
        try:
            report = restore(archive, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = report.manifest["counts"]
        files = sum(len(f) for f in report.manifest["files"].values())
        if not report.ok:
            raise CommandError("Khôi phục xong nhưng khác bản sao lưu:\n" + "\n".join(report.differences[:50]))
        self.stdout.write(f"Đã khôi phục và kiểm tra: {sum(counts.values())} bản ghi ({len(counts)} bảng), "
                          f"{files} tệp, đúng như bản sao lưu {report.manifest['created_at']}.")
