"""``account_export``: everything of one account in one archive."""

from __future__ import annotations

import io
import json
import logging
import tarfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files.storage import Storage
from django.db import connections, transaction
from django.db.models import Model
from django.utils import timezone

from accounts.audit import audit_record
from accounts.dbsession import account_context, platform_access
from accounts.identity_models import AuditEntry
from accounts.models import Account
from accounts.portability.tables import Encoder, account_models, file_fields, row_to_json

logger = logging.getLogger("sportello.operations")

FORMAT = 1
BATCH = 2000


def table_member(model: type[Model]) -> str:
    return f"tables/{model._meta.label}.jsonl"


def file_member(name: str) -> str:
    return f"files/{name}"


def account_settings(account: Account) -> dict[str, object]:
    return {
        f.attname: f.value_from_object(account)
        for f in account._meta.concrete_fields
        if not f.primary_key
    }


def _rows(model: type[Model], account: Account) -> Iterator[Model]:
    queryset = model._default_manager.filter(account=account).order_by("pk")
    yield from queryset.iterator(chunk_size=BATCH)


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def account_export(*, account: Account, path: Path, with_passwords: bool = False) -> dict:
    """Write ``path`` (a tar.gz): ``manifest.json``, ``account.json`` (the settings), one
    ``tables/<app>.<Model>.jsonl`` per account table (a row per line: its old id and
    fields, foreign keys as old ids) and ``files/<stored name>`` for every file a row
    names. Users' password hashes and API tokens' digests only ``with_passwords``.
    Returns the manifest."""
    manifest: dict = {
        "format": FORMAT,
        "export_id": str(uuid.uuid4()),
        "subdomain": account.subdomain,
        "exported_at": timezone.now().isoformat(),
        "with_passwords": with_passwords,
        "tables": {},
        "files": 0,
        "missing_files": [],
    }
    # The account's admins see in their audit log that their data left (by the platform);
    # written first, so the archive carries it too and an import matches the source.
    with account_context(account):
        audit_record(
            account=account,
            actor=None,
            action=AuditEntry.Action.EXPORTED,
            target=account.subdomain,
            changes={"with_passwords": [None, with_passwords]},
        )
    with platform_access(), _snapshot(), tarfile.open(path, "w:gz") as archive:
        settings = json.dumps(account_settings(account), cls=Encoder, indent=2)
        _add_bytes(archive, "account.json", settings.encode())
        for model in account_models():
            lines: list[str] = []
            names = file_fields(model)
            for obj in _rows(model, account):
                lines.append(row_to_json(obj, with_secrets=with_passwords))
                for attname in names:
                    stored = getattr(obj, attname)
                    if stored and not _add_file(archive, stored.storage, stored.name):
                        manifest["missing_files"].append(stored.name)
                    elif stored:
                        manifest["files"] += 1
            _add_bytes(archive, table_member(model), "".join(f"{x}\n" for x in lines).encode())
            manifest["tables"][model._meta.label] = len(lines)
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
    logger.info(
        "account exported",
        extra={"account": account.subdomain, "archive": str(path), "rows": manifest["tables"]},
    )
    return manifest


@contextmanager
def _snapshot() -> Iterator[None]:
    """Every table read at one instant: a comment written during a long export must not
    be in the archive while its ticket, read earlier, is not."""
    connection = connections["default"]  # inside platform_access: the platform's
    outermost = not connection.in_atomic_block  # else the caller's transaction decides
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _add_file(archive: tarfile.TarFile, storage: Storage, name: str) -> bool:
    if not storage.exists(name):
        return False
    with storage.open(name, "rb") as handle:
        info = tarfile.TarInfo(file_member(name))
        info.size = storage.size(name)
        info.mtime = int(timezone.now().timestamp())
        archive.addfile(info, handle)
    return True
