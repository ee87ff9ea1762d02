from django.core.management.base import BaseCommand

from org.loaders import LOADERS
from org.models import Unit, UnitKind
from org.services import units_sync


class Command(BaseCommand):
    help = "Nạp đơn vị hành chính của Hà Nội: cơ cấu hiện hành (126 xã/phường) hoặc cơ cấu năm 2025."

    def add_arguments(self, parser):
        parser.add_argument("--structure", choices=sorted(LOADERS), default="2025")

    def handle(self, *args, structure: str, **options):
        result = units_sync(LOADERS[structure]())
        units = Unit.objects.filter(structure=structure)
        districts = units.filter(kind=UnitKind.DISTRICT).count()
        communes = units.filter(kind=UnitKind.COMMUNE).count()
        self.stdout.write(
            f"Cơ cấu {structure}: {districts} quận/huyện/thị xã, {communes} xã/phường/thị trấn "
            f"(tạo mới {result.created}, cập nhật {result.updated}, giữ nguyên {result.unchanged})."
        )
        self.stdout.write(f"districts={districts} communes={communes}")
