"""`manage.py reorganise --from 2025 --to current [--dry-run] [--on 2025-07-01]`: the 2025 reorganisation."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from org.models import LOCAL_STRUCTURES
from workflows.reorganisation import reorganise


class Command(BaseCommand):
    help = _("Sắp xếp đơn vị hành chính: chuyển đơn vị cũ sang đơn vị kế thừa, chuyển việc đang mở, "
             "áp dụng cơ cấu mới.")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", choices=LOCAL_STRUCTURES, default="2025")
        parser.add_argument("--to", dest="target", choices=LOCAL_STRUCTURES, default="current")
        parser.add_argument("--on", type=date.fromisoformat, default=None,
                            help=_("Ngày cơ cấu mới có hiệu lực (mặc định 2025-07-01)."))
        parser.add_argument("--dry-run", action="store_true", help=_("Chỉ xem trước, không ghi gì."))

    def handle(self, *args, source, target, on, dry_run, **options):
        try:
            result = reorganise(source=source, target=target, on=on, dry_run=dry_run)
        except ValidationError as e:
            raise CommandError("; ".join(e.messages)) from e
        plan, moves = result.plan, result.assignments
        if dry_run:
            self.stdout.write(_("Xem trước (không ghi gì):"))
            for link in plan.links:
                mark = " *" if link.divided else ""
                default = "" if link.is_default or not link.divided else _(" (không mặc định)")
                self.stdout.write(f"  {link.predecessor.code} {link.predecessor.name}{mark} → "
                                  f"{link.successor.code} {link.successor.name}{default}")
            self.stdout.write(_("  * xã/phường bị chia: việc đang mở chuyển cho đơn vị kế thừa mặc định."))
            for move in moves.moves:
                if move.merged:
                    self.stdout.write(_("  Hợp nhất (văn bản %(d)s): %(units)s → %(new)s, trạng thái %(status)s") % {
                        "d": move.directive_id, "units": ", ".join(u.name for u in move.predecessor_units),
                        "new": move.successor.name, "status": move.status})
        self.stdout.write(_(
            "%(prefix)s%(pred)d đơn vị cũ → %(succ)d đơn vị mới (%(divided)d bị chia); %(links)d liên kết mới; "
            "%(located)d đơn vị được cập nhật vị trí; %(moved)d nhiệm vụ chuyển (%(merged)d hợp nhất, "
            "%(conflicts)d xung đột); %(tasks)d việc trong hàng chờ chuyển; %(left)d nhiệm vụ của quận/huyện "
            "giữ nguyên; %(members)d phân công chuyển, %(ended)d kết thúc, %(notified)d người được thông báo; "
            "cơ cấu đang áp dụng: %(target)s từ %(on)s.") % {
            "prefix": _("Sẽ thực hiện: ") if dry_run else _("Đã thực hiện: "),
            "pred": plan.predecessor_count, "succ": plan.successor_count, "divided": plan.divided_count,
            "links": plan.links_created, "located": plan.units_located, "moved": len(moves.moves),
            "merged": len(moves.merged), "conflicts": len(moves.conflicts), "tasks": result.tasks_moved,
            "left": result.open_without_successor, "members": len(result.memberships.moved),
            "ended": len(result.memberships.ended), "notified": result.people_notified,
            "target": plan.target, "on": plan.on.isoformat()})
