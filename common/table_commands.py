"""What the sheet-import management commands share: reading the file named on the command line, and printing the
per-row preview (the sheet's row number, a few cells, what happens or what is wrong)."""

from collections.abc import Callable, Sequence
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from .tables import TableError
from .uploads import extension_of

TABLE_TYPES = ("xlsx", "csv")


def table_file_run(file: str | None, do: Callable[[bytes, str], object]):
    """Read `file` (.xlsx or .csv) and hand its bytes and extension to `do`; a file that cannot be read is a
    CommandError with the reason."""
    if not file:
        raise CommandError(_("Cần tên tệp .xlsx hoặc .csv."))
    path = Path(file)
    extension = extension_of(path.name)
    if extension not in TABLE_TYPES:
        raise CommandError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
    try:
        return do(path.read_bytes(), extension)
    except (OSError, TableError) as exc:
        raise CommandError(str(exc)) from exc


def preview_lines(rows, columns: Sequence[tuple[str, str]]) -> list[str]:
    """Tab-separated lines: a header, then per row its number, the cells of `columns` (key, label) and either its
    errors or its `change_label`."""
    lines = ["\t".join([_("Dòng"), *(label for _key, label in columns), _("Kết quả")])]
    for row in rows:
        outcome = _("LỖI: %(errors)s") % {"errors": "; ".join(row.errors)} if row.errors else row.change_label
        lines.append("\t".join([str(row.number), *(str(row.values.get(key, "")) for key, _label in columns),
                                outcome]))
    return lines


def state_label(preview, *, dry_run: bool) -> str:
    return _("Đã ghi") if preview.written else _("Xem trước, chưa ghi gì") if dry_run else _("Không ghi gì")
