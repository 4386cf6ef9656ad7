"""manage.py account_export / account_import / account_delete (README, "Operations" →
"Account export, import and delete")."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.dbsession import account_context, platform_access
from accounts.deletion_log import AccountDeletion
from accounts.import_mapping import ImportedRow
from accounts.models import Account, User
from accounts.portability.importing import account_import
from accounts.portability.tables import (
    EXCLUDED,
    JSON_KEYS,
    SECRETS,
    account_models,
    stored_fields,
)
from api.models import ApiToken
from macros.models import Macro, MacroAttachment
from notifications.models import Delivery
from reports.models import ReportTicket
from tests.operations.account_data import fill_account, snapshot
from tickets.conditions import FIELDS, RELATED
from tickets.models import Attachment, DeletedTicket, Ticket, View
from tickets.view_selectors import view_matching


@pytest.fixture
def filled(acme, globex):
    for account in (acme, globex):
        with account_context(account):
            fill_account(account)
    return acme


def export(account, tmp_path, *extra) -> Path:
    path = tmp_path / f"{account.subdomain}.tar.gz"
    call_command(
        "account_export", account.subdomain, "--output", str(path), *extra, stdout=io.StringIO()
    )
    return path


def members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def table_rows(path: Path, label: str) -> list[dict]:
    data = members(path)[f"tables/{label}.jsonl"].decode()
    return [json.loads(line) for line in data.splitlines()]


def test_every_account_table_is_exported_or_excluded_on_purpose(filled, tmp_path):
    with_account = {
        m._meta.label
        for m in apps.get_models()
        if not m._meta.proxy
        and any(f.name == "account" and f.many_to_one for f in m._meta.concrete_fields)
    }
    exported = {m._meta.label for m in account_models()}
    assert with_account == exported | set(EXCLUDED)
    manifest = json.loads(members(export(filled, tmp_path))["manifest.json"])
    assert set(manifest["tables"]) == exported
    # The fixture reaches every table, so the round trips below compare real rows.
    empty = [label for label, count in manifest["tables"].items() if not count]
    assert empty == []


def test_the_keys_in_view_conditions_are_all_declared_for_the_import():
    """Every condition field whose value is a key (tickets/conditions.py) is in JSON_KEYS,
    with the table it names: a new one left out would import naming the old account's rows."""
    declared = JSON_KEYS["tickets.View"]["conditions"]
    assert declared == {
        name: RELATED[field.kind]._meta.label
        for name, field in FIELDS.items()
        if field.kind in RELATED
    }


def test_export_holds_only_that_account_and_no_secrets_unless_asked(filled, globex, tmp_path):
    path = export(filled, tmp_path)
    data = members(path)
    assert b"globex" not in b"".join(data.values())
    users = table_rows(path, "accounts.User")
    assert users and all(row["fields"]["password"] is None for row in users)
    assert all(row["fields"]["digest"] is None for row in table_rows(path, "api.ApiToken"))
    [webhook] = table_rows(path, "webhooks.Webhook")
    assert webhook["fields"]["signing_secret"] is None and webhook["fields"]["auth_secret"] is None
    [attachment] = Attachment.objects.for_account(filled)
    assert data[f"files/{attachment.file.name}"] == b"acme notes\n"
    settings = json.loads(data["account.json"])
    assert settings["subdomain"] == "acme" and settings["name"] == filled.name

    with_secrets = export(filled, tmp_path, "--with-passwords")
    hashes = {row["fields"]["password"] for row in table_rows(with_secrets, "accounts.User")}
    assert hashes == set(User.objects.filter(account=filled).values_list("password", flat=True))


def test_import_under_a_new_subdomain_gives_the_same_tables(filled, tmp_path, settings):
    path = export(filled, tmp_path)
    with account_context(filled):
        deleted_before = set(DeletedTicket.objects.for_account(filled).values_list("pk", flat=True))
    copy, loaded = account_import(archive=path, subdomain="acme-moved")
    assert copy.pk != filled.pk and copy.subdomain == "acme-moved" and copy.name == filled.name
    with connection.cursor() as cursor:
        before, after = snapshot(cursor, filled.pk), snapshot(cursor, copy.pk)
    # Secrets left out of the archive (accounts/portability/tables.py: SECRETS): users'
    # passwords, API token digests, webhooks' secrets, mailbox passwords and the writing
    # help's key come back unusable; every other column identical.
    for label, names in SECRETS.items():
        hidden = {
            i for i, f in enumerate(stored_fields(apps.get_model(label))) if f.attname in names
        }
        for rows in (before[label], after[label]):
            rows[:] = [tuple(v for i, v in enumerate(row) if i not in hidden) for row in rows]
    assert after == before
    with account_context(copy):
        assert not any(u.has_usable_password() for u in User.objects.filter(account=copy))
        # Numbers stay as they were; files are copies, readable under their rows.
        assert sorted(Ticket.objects.for_account(copy).values_list("number", flat=True)) == [1, 2]
        # The reports' rollups, left out of the archive, are counted from its history.
        assert ReportTicket.objects.for_account(copy).count() == 2
        # A deleted ticket's record keeps its number under an id of its own, one no
        # ticket has (the incremental export orders tickets and deletions by id).
        [deleted] = DeletedTicket.objects.for_account(copy)
        assert deleted.number == 3 and deleted.pk not in deleted_before
        assert not Ticket.all_accounts.filter(pk=deleted.pk).exists()
        [attachment] = Attachment.objects.for_account(copy)
        assert attachment.file.read() == b"acme notes\n"
        [macro_file] = MacroAttachment.objects.for_account(copy)
        assert macro_file.file.read() == b"acme refund\n"
        assert macro_file.file.name.startswith(f"macros/{copy.pk}/")
        # Macro actions name groups and agents by number: as they were.
        [shared] = Macro.objects.for_account(copy).filter(owner=None)
        assert shared.actions[0]["value"] == shared.groups.get().number
    # The view's conditions name the copy's group, agent, customer and organization: it
    # lists the same tickets for the same agent there as here.
    title = "Billing, mine or the customer's"
    matching = {}
    for account in (filled, copy):
        with account_context(account):
            view = View.objects.for_account(account).get(title=title)
            agent = view.group_links.get().group.memberships.get().user
            numbers = view_matching(view=view, viewer=agent).values_list("number", flat=True)
            matching[account.subdomain] = (agent.email, sorted(numbers))
    assert matching["acme-moved"] == matching["acme"] and matching["acme"][1] == [1]


def test_import_again_loads_nothing_twice(filled, tmp_path):
    path = export(filled, tmp_path)
    copy, first = account_import(archive=path, subdomain="again")
    copy, second = account_import(archive=path, subdomain="again")
    assert sum(first.values()) > 0 and sum(second.values()) == 0
    with connection.cursor() as cursor:
        assert (
            snapshot(cursor, copy.pk)["tickets.Comment"]
            == snapshot(cursor, filled.pk)["tickets.Comment"]
        )


def test_an_interrupted_import_completes_when_run_again(filled, tmp_path):
    path = export(filled, tmp_path)
    # The same archive cut short inside the comments' table: the load fails there.
    broken = tmp_path / "broken.tar.gz"
    with tarfile.open(path) as source, tarfile.open(broken, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "tables/tickets.Comment.jsonl":
                data = data[: len(data) // 2 + 5]
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="line .* is damaged"):
        call_command("account_import", str(broken), "--subdomain", "resumed")
    resumed = Account.objects.get(subdomain="resumed")
    with account_context(resumed):
        assert Ticket.objects.for_account(resumed).count() == 2  # loaded before the cut
    account_import(archive=path, subdomain="resumed")
    with connection.cursor() as cursor:
        assert (
            snapshot(cursor, resumed.pk)["tickets.Comment"]
            == snapshot(cursor, filled.pk)["tickets.Comment"]
        )
        assert (
            snapshot(cursor, resumed.pk)["tickets.Ticket"]
            == snapshot(cursor, filled.pk)["tickets.Ticket"]
        )


def test_import_refuses_a_subdomain_another_account_holds(filled, globex, tmp_path):
    path = export(filled, tmp_path)
    with pytest.raises(CommandError, match="taken"):
        call_command("account_import", str(path), "--subdomain", "globex")
    with pytest.raises(CommandError, match="not an account archive"):
        bad = tmp_path / "bad.tar.gz"
        bad.write_bytes(b"not a tar")
        call_command("account_import", str(bad), "--subdomain", "fresh")


def test_unsent_emails_are_not_sent_again_by_the_new_installation(filled, tmp_path):
    with account_context(filled):
        Delivery.objects.for_account(filled).update(state=Delivery.State.QUEUED)
    copy, _ = account_import(archive=export(filled, tmp_path), subdomain="moved")
    with account_context(copy):
        states = set(Delivery.objects.for_account(copy).values_list("state", flat=True))
    assert states == {Delivery.State.FAILED}


def test_delete_needs_confirmation_and_then_removes_everything(filled, globex, tmp_path):
    with account_context(filled):
        [attachment] = Attachment.objects.for_account(filled)
        [macro_file] = MacroAttachment.objects.for_account(filled)
    stored = Path(attachment.file.path)
    assert stored.exists()
    macro_stored = Path(macro_file.file.path)
    assert macro_stored.exists()
    with pytest.raises(CommandError, match="--yes-delete-everything"):
        call_command("account_delete", "acme")
    assert Account.objects.filter(pk=filled.pk).exists()

    cache.set(f"api-throttle:{filled.pk}", [1.0])
    cache.set(f"api-throttle:{globex.pk}", [1.0])
    Delivery.objects.for_account(filled).update(state=Delivery.State.QUEUED)  # outbox
    out = io.StringIO()
    call_command(
        "account_delete", "acme", "--yes-delete-everything", "--operator", "ops-anna", stdout=out
    )
    assert "deleted by ops-anna" in out.getvalue()
    assert not Account.objects.filter(pk=filled.pk).exists()
    # Recorded for the operators, on the platform's side: who, when, which, how much.
    with platform_access():
        [record] = AccountDeletion.objects.all()
    assert (record.subdomain, record.former_id, record.deleted_by) == (
        "acme",
        filled.pk,
        "ops-anna",
    )
    assert record.rows["tickets.Ticket"] == 2 and record.rows["notifications.Delivery"] > 0
    # 2 attachments, 1 article image, 1 chat file.
    assert record.files == 4 and record.cache_keys >= 1
    assert record.total_rows == sum(record.rows.values())
    assert cache.get(f"api-throttle:{filled.pk}") is None
    assert cache.get(f"api-throttle:{globex.pk}") == [1.0]
    for model in [*account_models(), ImportedRow]:
        assert not model._default_manager.filter(account_id=filled.pk).exists(), model
    assert not stored.exists() and not macro_stored.exists()
    # The other account is untouched.
    with account_context(globex):
        assert Ticket.objects.for_account(globex).count() == 2
        assert ApiToken.objects.for_account(globex).count() == 1


def test_the_commands_take_the_platform_road_when_the_application_role_is_bound(
    filled, globex, platform_role, app_role, tmp_path
):
    """As production runs them: the application's role, bound by every policy, and the
    platform's login (here its stand-in role) for the commands' own queries."""
    app_role.activate()
    try:
        path = export(filled, tmp_path)
        assert len(table_rows(path, "tickets.Ticket")) == 2
        copy, loaded = account_import(archive=path, subdomain="moved")
        assert loaded["tickets.Ticket"] == 2 and loaded["accounts.User"] > 0
        with platform_access():
            assert ImportedRow.objects.filter(account_id=copy.pk).exists()
        call_command("account_delete", "moved", "--yes-delete-everything", stdout=io.StringIO())
        # The application's login cannot read the operators' record.
        assert not AccountDeletion.objects.exists()
    finally:
        app_role.deactivate()
    assert not Account.objects.filter(subdomain="moved").exists()
    with platform_access():
        # The import's id mappings went with the account; the record stays.
        assert not ImportedRow.objects.filter(account_id=copy.pk).exists()
        assert AccountDeletion.objects.get().subdomain == "moved"


def test_the_operators_admin_shows_the_record_and_deletes_no_account(
    filled, client, platform_role, app_role
):
    """Deleting an account is the command's job (files, cache, record); the operators'
    admin lists the deletions, read only, through the platform's connection."""
    call_command(
        "account_delete",
        "acme",
        "--yes-delete-everything",
        "--operator",
        "ops-anna",
        stdout=io.StringIO(),
    )
    operator = User.objects.create_superuser(email="op@platform.example", password="x" * 20)
    client.force_login(operator)
    globex = Account.objects.get(subdomain="globex")
    app_role.activate()
    try:
        listed = client.get("/admin/accounts/accountdeletion/", HTTP_HOST="localhost")
        assert listed.status_code == 200 and "ops-anna" in listed.content.decode()
        refused = client.get(f"/admin/accounts/account/{globex.pk}/delete/", HTTP_HOST="localhost")
        assert refused.status_code == 403
    finally:
        app_role.deactivate()
