"""`manage.py reorganise --from 2025 --to current [--dry-run] [--on 2025-07-01] [--as USERNAME]`: the 2025
reorganisation (workflows.reorganisation); the dry run prints what moves where first."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from org.models import LOCAL_STRUCTURES, User
from workflows.reorganisation import reorganise, summary, work_rows


class Command(BaseCommand):
    help = _("Sắp xếp đơn vị hành chính: chuyển đơn vị cũ sang đơn vị kế thừa, chuyển việc đang mở, "
             "áp dụng cơ cấu mới.")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", choices=LOCAL_STRUCTURES, default="2025")
        parser.add_argument("--to", dest="target", choices=LOCAL_STRUCTURES, default="current")
        parser.add_argument("--on", type=date.fromisoformat, default=None,
                            help=_("Ngày cơ cấu mới có hiệu lực (mặc định 2025-07-01)."))
        parser.add_argument("--dry-run", action="store_true", help=_("Chỉ xem trước, không ghi gì."))
        parser.add_argument("--as", dest="username", default=None,
                            help=_("Tên đăng nhập của người thực hiện (ghi vào lịch sử)."))

    def handle(self, *args, source, target, on, dry_run, username, **options):
        actor = None
        if username:
            actor = User.objects.filter(username=username).first()
            if actor is None:
                raise CommandError(_("Không có người dùng %(u)s.") % {"u": username})
        try:
            result = reorganise(source=source, target=target, on=on, dry_run=dry_run, actor=actor)
        except ValidationError as e:
            raise CommandError("; ".join(e.messages)) from e
        if dry_run:
            self.stdout.write(_("Xem trước (không ghi gì):"))
            for link in result.plan.links:
                mark = " *" if link.divided else ""
                default = "" if link.is_default or not link.divided else _(" (không mặc định)")
                self.stdout.write(f"  {link.predecessor.code} {link.predecessor.name}{mark} → "
                                  f"{link.successor.code} {link.successor.name}{default}")
            self.stdout.write(_("  * xã/phường bị chia: việc đang mở chuyển cho đơn vị kế thừa mặc định."))
            rows = work_rows(result)
            if rows:
                self.stdout.write(_("Việc đang mở:"))
            for row in rows:
                arrow = f" → {row['to']}" if row["to"] else ""
                self.stdout.write(f"  {'! ' if row['conflict'] else ''}{row['what']}: {row['from']}{arrow} "
                                  f"({row['how']})")
        self.stdout.write(summary(result))
