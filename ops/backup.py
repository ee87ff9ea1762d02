"""One consistent archive of the database and the files, and its restore (`manage.py backup DIR`,
`manage.py restore ARCHIVE`). The archive is a .tar.gz holding:
- `database.sqlite3` (SQLite's online backup API: a consistent copy while the site runs) or `database.dump`
  (PostgreSQL: `pg_dump --format=custom`, one snapshot);
- `media/` and `private/` (MEDIA_ROOT and PRIVATE_MEDIA_ROOT);
- `manifest.json`: when, the product version, the engine, the applied migrations, the row count of every
  model and the SHA-256 of every file.
A restore goes into an empty database and empty file folders (refused otherwise unless `force`), then checks
every count and checksum against the manifest."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1


class BackupError(Exception):
    """Said to the operator (Vietnamese)."""


def _roots() -> dict[str, Path]:
    return {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_MEDIA_ROOT)}


def _files(root: Path) -> dict[str, str]:
    out = {}
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            h = hashlib.sha256()
            with path.open("rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            out[path.relative_to(root).as_posix()] = h.hexdigest()
    return out


def _counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in apps.get_models()
            if m._meta.managed and not m._meta.proxy}


def state() -> dict:
    """What a manifest records of the running system (counts, files, migrations)."""
    return {"counts": _counts(), "files": {name: _files(root) for name, root in _roots().items()},
            "migrations": sorted(f"{app}.{name}" for app, name in
                                 MigrationRecorder.Migration.objects.values_list("app", "name"))}


def _pg_env() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432), "-U", db.get("USER") or "postgres"]
    return args, {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}


def _db_name() -> str:
    return connection.settings_dict["NAME"]


def backup(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = directory / f"ttcs-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="ttcs-backup-") as tmp:
        work = Path(tmp)
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            dest = sqlite3.connect(work / "database.sqlite3")
            connection.connection.backup(dest)
            dest.close()
        elif connection.vendor == "postgresql":
            args, env = _pg_env()
            subprocess.run(["pg_dump", *args, "--format=custom", "--no-owner", "-f", str(work / "database.dump"),
                            _db_name()], check=True, env=env, capture_output=True)
        else:
            raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.")
        manifest = {"format": FORMAT, "created_at": timezone.now().isoformat(), "engine": connection.vendor,
                    "version": settings.PRODUCT_VERSION, **state()}
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        with tarfile.open(target, "w:gz") as tar:
            tar.add(work / "manifest.json", "manifest.json")
            for name in ("database.sqlite3", "database.dump"):
                if (work / name).exists():
                    tar.add(work / name, name)
            for name, root in _roots().items():
                if root.exists():
                    tar.add(root, name)
    return target


@dataclass
class RestoreReport:
    manifest: dict
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def _is_empty() -> bool:
    tables = set(connection.introspection.table_names())
    user_table = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    if user_table not in tables:
        return True
    return not apps.get_model(settings.AUTH_USER_MODEL)._base_manager.exists()


def _safe_members(tar: tarfile.TarFile, prefix: str):
    for member in tar.getmembers():
        if member.name == prefix or member.name.startswith(prefix + "/"):
            if member.issym() or member.islnk() or ".." in Path(member.name).parts:
                raise BackupError(f"Tệp sao lưu có đường dẫn không an toàn: {member.name}")
            yield member


def restore(archive: Path, *, force: bool = False) -> RestoreReport:
    if not archive.exists():
        raise BackupError(f"Không có tệp {archive}.")
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read().decode("utf-8"))
        if manifest.get("format") != FORMAT:
            raise BackupError("Tệp sao lưu không đúng định dạng.")
        if manifest["engine"] != connection.vendor:
            raise BackupError(f"Tệp sao lưu của {manifest['engine']}, cơ sở dữ liệu hiện tại là {connection.vendor}.")
        if not force and not _is_empty():
            raise BackupError("Cơ sở dữ liệu không trống: hãy khôi phục vào cơ sở dữ liệu mới, hoặc dùng --force.")
        for root in _roots().values():
            if not force and root.exists() and any(root.iterdir()):
                raise BackupError(f"Thư mục {root} không trống: hãy dùng thư mục mới, hoặc --force.")
        with tempfile.TemporaryDirectory(prefix="ttcs-restore-") as tmp:
            work = Path(tmp)
            names = tar.getnames()
            if manifest["engine"] == "sqlite":
                tar.extract("database.sqlite3", work, filter="data")
                source = sqlite3.connect(work / "database.sqlite3")
                connection.ensure_connection()
                source.backup(connection.connection)
                source.close()
            else:
                tar.extract("database.dump", work, filter="data")
                connection.close()
                args, env = _pg_env()
                subprocess.run(["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "-d", _db_name(),
                                str(work / "database.dump")], check=True, env=env, capture_output=True)
            for name, root in _roots().items():
                if force and root.exists():
                    shutil.rmtree(root)
                root.mkdir(parents=True, exist_ok=True)
                if any(n == name or n.startswith(name + "/") for n in names):
                    members = list(_safe_members(tar, name))
                    tar.extractall(work / "files", members=members, filter="data")
                    source = work / "files" / name
                    if source.exists():
                        shutil.copytree(source, root, dirs_exist_ok=True)
    report = RestoreReport(manifest=manifest)
    now = state()
    for label, count in manifest["counts"].items():
        if now["counts"].get(label) != count:
            report.differences.append(f"{label}: {count} → {now['counts'].get(label)}")
    for name, files in manifest["files"].items():
        for path, digest in files.items():
            if now["files"].get(name, {}).get(path) != digest:
                report.differences.append(f"{name}/{path}: tệp thiếu hoặc khác")
    if now["migrations"] != manifest["migrations"]:
        report.differences.append("migrations khác")
    return report
