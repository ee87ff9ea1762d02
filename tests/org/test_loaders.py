from django.core.management import call_command

from org.models import Structure, Unit, UnitKind


def _counts(structure):
    units = Unit.objects.filter(structure=structure)
    return units.filter(kind=UnitKind.DISTRICT).count(), units.filter(kind=UnitKind.COMMUNE).count()


def test_load_units_current_prints_126_communes_and_is_idempotent(db, capsys):
    call_command("load_units", structure="current")
    first = capsys.readouterr().out
    assert "districts=0 communes=126" in first
    call_command("load_units", structure="current")
    second = capsys.readouterr().out
    assert "districts=0 communes=126" in second
    assert "tạo mới 0, cập nhật 0" in second
    assert _counts(Structure.CURRENT) == (0, 126)


def test_load_units_2025_prints_30_districts_526_communes_and_is_idempotent(db, capsys):
    call_command("load_units", structure="2025")
    assert "districts=30 communes=526" in capsys.readouterr().out
    before = Unit.objects.count()
    call_command("load_units", structure="2025")
    out = capsys.readouterr().out
    assert "districts=30 communes=526" in out and "tạo mới 0, cập nhật 0" in out
    assert Unit.objects.count() == before


def test_load_units_updates_in_place_when_the_data_changes(db, capsys):
    commune = Unit.objects.filter(structure=Structure.Y2025, kind=UnitKind.COMMUNE).first()
    real_name, pk = commune.name, commune.pk
    Unit.objects.filter(pk=pk).update(name="Tên cũ")
    call_command("load_units", structure="2025")
    assert "cập nhật 1" in capsys.readouterr().out
    commune.refresh_from_db()
    assert (commune.pk, commune.name) == (pk, real_name)


def test_tree_paths_and_urban_flag(db):
    ba_dinh = Unit.objects.get(structure=Structure.Y2025, codename="quan_ba_dinh")
    phuc_xa = Unit.objects.get(structure=Structure.Y2025, codename="phuong_phuc_xa")
    assert phuc_xa.parent == ba_dinh and phuc_xa.path.startswith(ba_dinh.path)
    assert phuc_xa.is_urban
    rural = Unit.objects.filter(structure=Structure.Y2025, kind=UnitKind.COMMUNE, name__startswith="Xã ").first()
    assert rural is not None and not rural.is_urban
    town = Unit.objects.filter(structure=Structure.Y2025, name__startswith="Thị trấn ").first()
    assert town is not None and town.is_urban
