"""``account_import``: an archive of ``account_export`` loaded under a subdomain.

Primary keys are new, foreign keys remapped through ``ImportedRow``, and so are the keys
JSON columns hold (``tables.JSON_KEYS``: a view's conditions); per-account numbers,
the counters behind them (``Sequence``) and every other value stay as they are. Each batch
of rows and its mapping commit together, so an interrupted import run again carries on
where it stopped and loads no row twice; run again after it finished, it changes nothing.
"""

from __future__ import annotations

import json
import logging
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Max, Model
from django.dispatch import Signal

from accounts.dbsession import account_context, platform_access
from accounts.import_mapping import ImportedRow
from accounts.models import Account
from accounts.portability.exporting import FORMAT, file_member, table_member
from accounts.portability.tables import (
    account_models,
    auto_now_fields,
    file_fields,
    foreign_keys,
    json_key_targets,
    remap_json_keys,
    row_from_json,
)
from accounts.selectors import account_for_subdomain

logger = logging.getLogger("sportello.operations")

# Sent once an archive is loaded (account=): tables an export leaves out because they are
# derived from others (tables.EXCLUDED, e.g. the reports' rollups) are rebuilt by their
# apps' receivers.
account_imported = Signal()

BATCH = 500

# Work a row stands for that the new installation must not do: an email the old one had
# not sent yet is marked failed (an admin may send it again from Email deliveries) rather
# than sent twice, or from two installations. (column, unfinished values, replacement)
ON_IMPORT: dict[str, tuple[str, set[str], dict[str, Any]]] = {
    "notifications.Delivery": (
        "state",
        {"queued", "sending"},
        {
            "state": "failed",
            "last_error": "moved to another installation before it was sent",
            "claim_token": "",
            "claimed_at": None,
        },
    ),
    # A moved webhook calls nothing until an admin has checked its secrets and endpoint.
    "webhooks.Webhook": (
        "status",
        {"active"},
        {"status": "inactive", "deactivated_reason": "moved from another installation"},
    ),
}
ACCOUNT_LABEL = "accounts.Account"
# Tables whose primary key is not drawn by the database but taken from another table's
# (a deleted ticket keeps its ticket's id, never reused): an import draws a new one from
# that table's sequence, so it stays unused by any row there.
KEY_FROM: dict[str, str] = {
    "tickets.DeletedTicket": "tickets.Ticket",
    "accounts.DeletedUser": "accounts.User",
}


class ImportRefused(Exception):
    """The archive cannot be loaded here; the message says why."""


def account_import(*, archive: Path, subdomain: str) -> tuple[Account, dict[str, int]]:
    """Load ``archive`` as the account at ``subdomain`` (new, or one this same archive
    already started). Returns the account and the rows loaded per table by this run."""
    with tempfile.TemporaryDirectory(prefix="sportello-import-") as folder:
        root = Path(folder)
        try:
            with tarfile.open(archive, "r:*") as tar:
                tar.extractall(root, filter="data")
            manifest = json.loads((root / "manifest.json").read_text())
            settings = json.loads((root / "account.json").read_text())
        except (OSError, tarfile.TarError, ValueError) as error:
            raise ImportRefused(f"{archive} is not an account archive: {error}") from error
        if manifest.get("format") != FORMAT:
            raise ImportRefused(f"archive format {manifest.get('format')!r}, expected {FORMAT}")
        with platform_access():
            account = _account(manifest, settings, subdomain)
            loaded: dict[str, int] = {}
            with account_context(account):
                for model in account_models():
                    loaded[model._meta.label] = _load_table(model, root, account, manifest)
    account_imported.send(sender=Account, account=account)
    logger.info(
        "account imported",
        extra={"account": account.subdomain, "archive": str(archive), "rows": loaded},
    )
    return account, loaded


def _account(manifest: dict, settings: dict[str, Any], subdomain: str) -> Account:
    export_id = manifest["export_id"]
    existing = account_for_subdomain(subdomain.strip().lower())
    if existing is not None:
        started = ImportedRow.objects.filter(
            account=existing, export_id=export_id, model=ACCOUNT_LABEL
        ).exists()
        if not started:
            raise ImportRefused(
                f"the subdomain {subdomain!r} is taken by an account this archive did not create"
            )
        return existing
    fields = row_from_json(Account, settings)
    fields["subdomain"] = subdomain.strip().lower()
    account = Account(**fields)
    try:
        account.full_clean(validate_unique=False)
    except ValidationError as error:
        raise ImportRefused("; ".join(error.messages)) from error
    if connection.vendor == "postgresql":
        # As account_create does: its id first, its row written while working for it.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Account._meta.db_table]
            )
            account.pk = cursor.fetchone()[0]
    with transaction.atomic(), account_context(account.pk):
        # bulk_create: no post_save, so no default triggers beside the archive's own.
        Account.objects.bulk_create([account])
        ImportedRow.objects.create(
            account=account, export_id=export_id, model=ACCOUNT_LABEL, old_id=0, new_id=account.pk
        )
    return account


def _lines(root: Path, model: type[Model]) -> Iterator[dict[str, Any]]:
    path = root / table_member(model)
    if not path.exists():
        return
    with path.open() as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except ValueError as error:
                # The rows before it are loaded and mapped: run again with a sound copy
                # of the same archive and the import carries on from here.
                raise ImportRefused(
                    f"{table_member(model)}, line {number}, is damaged ({error}); the rows "
                    "before it are loaded, and the same command with a sound copy of the "
                    "archive carries on"
                ) from error


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _mapping(account: Account, export_id: str, label: str) -> dict[int, int]:
    rows = ImportedRow.objects.filter(account=account, export_id=export_id, model=label)
    return dict(rows.values_list("old_id", "new_id"))


def _load_table(model: type[Model], root: Path, account: Account, manifest: dict) -> int:
    export_id = manifest["export_id"]
    label = model._meta.label
    keys = foreign_keys(model)
    targets = set(keys.values()) | json_key_targets(model)
    maps = {target: _mapping(account, export_id, target) for target in targets}
    done = _mapping(account, export_id, label)
    loaded = 0
    for batch in _batches(_lines(root, model)):
        pending = [row for row in batch if row["id"] not in done]
        if not pending:
            continue
        objects = [_build(model, row, keys, maps, account, root) for row in pending]
        if label in KEY_FROM:
            _draw_keys(objects, KEY_FROM[label])
        stamped = auto_now_fields(model)
        kept = [[getattr(obj, name) for name in stamped] for obj in objects]
        with transaction.atomic():
            model._default_manager.bulk_create(objects)
            if stamped:
                # bulk_create stamped them with the time of the import; the archive's win.
                for obj, values in zip(objects, kept, strict=True):
                    for name, value in zip(stamped, values, strict=True):
                        setattr(obj, name, value)
                model._default_manager.filter(account=account).bulk_update(objects, stamped)
            ImportedRow.objects.bulk_create(
                ImportedRow(
                    account=account,
                    export_id=export_id,
                    model=label,
                    old_id=row["id"],
                    new_id=obj.pk,
                )
                for row, obj in zip(pending, objects, strict=True)
            )
        for row, obj in zip(pending, objects, strict=True):
            done[row["id"]] = obj.pk
        if label in maps:
            maps[label].update(done)
        loaded += len(objects)
    return loaded


def _draw_keys(objects: list[Model], label: str) -> None:
    source = apps.get_model(label)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for obj in objects:
                table = source._meta.db_table
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
                obj.pk = cursor.fetchone()[0]
        return
    # SQLite hands out max(id) + 1: above every id either table holds.
    top = max(
        m._base_manager.aggregate(top=Max("pk"))["top"] or 0
        for m in (source, *{type(o) for o in objects})
    )
    for offset, obj in enumerate(objects, start=1):
        obj.pk = top + offset


def _build(
    model: type[Model],
    row: dict[str, Any],
    keys: dict[str, str],
    maps: dict[str, dict[int, int]],
    account: Account,
    root: Path,
) -> Model:
    values = row_from_json(model, row["fields"])
    for attname, target in keys.items():
        old = values.get(attname)
        if old is not None:
            # A key to a row the archive does not hold (deleted meanwhile): left empty
            # where the column allows it, which is what deleting that row would have done.
            values[attname] = maps.get(target, {}).get(old)
    # A key in JSON to a row the archive does not hold: 0, which no row has, so that
    # "group is <deleted group>" still matches nothing (none would mean "no group").
    remap_json_keys(model, values, lambda target, old: maps.get(target, {}).get(old, 0))
    adjust = ON_IMPORT.get(model._meta.label)
    if adjust is not None:
        column, unfinished, replacement = adjust
        if values.get(column) in unfinished:
            values.update(replacement)
    obj = model(account=account, **values)
    for attname in file_fields(model):
        if values.get(attname):
            setattr(obj, attname, _store_file(obj, attname, root, values[attname]))
    return obj


def _store_file(obj: Model, attname: str, root: Path, name: str) -> str:
    """The archived file saved under a name this account's rows would get (upload_to
    names the account), and that name for the row. An interrupted run may leave a copy
    saved before its row committed: an unreferenced file, never a row without one."""
    source = root / file_member(name)
    if not source.exists():
        return name
    field = obj._meta.get_field(attname)
    new_name = field.generate_filename(obj, PurePath(name).name)  # type: ignore[union-attr]  # a FileField
    with source.open("rb") as handle:
        return str(field.storage.save(new_name, File(handle)))  # type: ignore[union-attr]  # a FileField
