"""Retention (README, "Operations" → "Retention"): closed tickets and attachments past an
account's months are deleted by a daily task, always after a dry run of the settings."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.dbsession import account_context
from tests.factories import make_ticket
from tests.tickets.conftest import upload
from tickets.models import Attachment, Comment, RetentionPolicy, Ticket
from tickets.selectors import retention_policy_for
from tickets.services import comment_add
from tickets.services.retention import (
    months_before,
    retention_policy_update,
    retention_run,
    retention_sweep,
)
from tickets.tasks import retention_sweep_task

NOW = timezone.now()
LONG_AGO = NOW - dt.timedelta(days=800)


def aged_ticket(account, agent, *, status, with_file=False, subject="Old"):
    ticket = make_ticket(account=account, submitter=agent, subject=subject)
    if with_file:
        comment_add(ticket=ticket, author=agent, body="file", uploads=[upload("old.txt")])
    Ticket.objects.for_account(account).filter(pk=ticket.pk).update(
        status=status, last_activity_at=LONG_AGO
    )
    Attachment.objects.for_account(account).filter(comment__ticket=ticket).update(
        created_at=LONG_AGO
    )
    return ticket


@pytest.fixture
def aged(acme, acme_admin, acme_agent, globex, globex_agent):
    """acme: an old closed ticket with a file, an old solved one, a recent closed one, an
    old attachment on an open ticket; globex: an old closed ticket (and no policy)."""
    made = {
        "old_closed": aged_ticket(acme, acme_agent, status="closed", with_file=True),
        "old_solved": aged_ticket(acme, acme_agent, status="solved"),
        "recent_closed": make_ticket(account=acme, submitter=acme_agent, status="closed"),
        "open_with_old_file": aged_ticket(acme, acme_agent, status="open", with_file=True),
    }
    with account_context(globex):
        made["globex_closed"] = aged_ticket(globex, globex_agent, status="closed")
    return made


def set_policy(account, admin, tickets=None, attachments=None):
    return retention_policy_update(
        account=account, actor=admin, closed_ticket_months=tickets, attachment_months=attachments
    )


def test_a_dry_run_counts_and_deletes_nothing(acme, acme_admin, aged):
    set_policy(acme, acme_admin, tickets=12, attachments=24)
    before = Ticket.objects.for_account(acme).count()
    report = retention_run(account=acme, dry_run=True)
    assert (report.tickets, report.attachments) == (1, 1)
    assert Ticket.objects.for_account(acme).count() == before
    policy = retention_policy_for(account=acme)
    assert (policy.dry_run_tickets, policy.dry_run_attachments) == (1, 1)
    assert policy.dry_run_is_current


def test_a_run_deletes_old_closed_tickets_and_old_files_only(acme, acme_admin, aged, globex):
    set_policy(acme, acme_admin, tickets=12, attachments=24)
    files = [Path(a.file.path) for a in Attachment.objects.for_account(acme)]  # both old
    assert len(files) == 2 and all(f.exists() for f in files)

    report = retention_run(account=acme, dry_run=False)

    assert (report.tickets, report.attachments) == (1, 1)
    remaining = set(Ticket.objects.for_account(acme).values_list("pk", flat=True))
    assert aged["old_closed"].pk not in remaining
    assert {
        aged["old_solved"].pk,
        aged["recent_closed"].pk,
        aged["open_with_old_file"].pk,
    } <= remaining
    assert not any(f.exists() for f in files)
    # The old file's comment stays, without its attachment.
    kept = Comment.objects.for_account(acme).filter(ticket=aged["open_with_old_file"], body="file")
    assert kept.exists() and not Attachment.objects.for_account(acme).filter(comment__in=kept)
    # Another account's policy is its own.
    with account_context(globex):
        assert Ticket.objects.for_account(globex).filter(pk=aged["globex_closed"].pk).exists()


def test_empty_months_keep_everything(acme, acme_admin, aged):
    set_policy(acme, acme_admin)
    before = Ticket.objects.for_account(acme).count()
    assert retention_run(account=acme, dry_run=False).tickets == 0
    assert Ticket.objects.for_account(acme).count() == before


def test_the_scheduled_task_makes_a_dry_run_of_new_settings_before_it_deletes(
    acme, acme_admin, aged
):
    set_policy(acme, acme_admin, tickets=12)
    first = retention_sweep_task()
    assert first["acme"] == {"tickets": 1, "attachments": 0, "dry_run": True}
    assert Ticket.objects.for_account(acme).filter(pk=aged["old_closed"].pk).exists()

    second = retention_sweep()
    assert second["acme"].dry_run is False and second["acme"].tickets == 1
    assert not Ticket.objects.for_account(acme).filter(pk=aged["old_closed"].pk).exists()

    # A change of the months: a dry run again before anything more goes.
    set_policy(acme, acme_admin, tickets=1, attachments=1)
    assert retention_sweep()["acme"].dry_run is True


def test_retention_command_dry_run_prints_what_would_go(acme, acme_admin, aged):
    set_policy(acme, acme_admin, tickets=12, attachments=24)
    out = io.StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert "acme: would delete 1 closed tickets, 0 chats and 1 attachments" in out.getvalue()
    assert Ticket.objects.for_account(acme).filter(pk=aged["old_closed"].pk).exists()
    call_command("retention", "--account", "acme", stdout=out)
    assert "acme: deleted 1 closed tickets, 0 chats and 1 attachments" in out.getvalue()


def test_admin_sets_retention_and_sees_the_last_dry_run(acme, acme_admin, aged, client_for):
    client = client_for(acme_admin)
    url = "/agent/settings/retention/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"closed_ticket_months": "12", "attachment_months": ""})
    assert response.status_code == 302
    policy = RetentionPolicy.objects.for_account(acme).get()
    assert (policy.closed_ticket_months, policy.attachment_months) == (12, None)
    retention_run(account=acme, dry_run=True)
    page = client.get(url).content.decode()
    assert "1 closed tickets, 0 chats and 0 attachments would be deleted" in page

    refused = client.post(url, {"closed_ticket_months": "0"})
    assert refused.status_code == 200 and 'role="alert"' in refused.content.decode()
    assert RetentionPolicy.objects.for_account(acme).get().closed_ticket_months == 12


def test_agents_cannot_change_retention(acme, acme_agent):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        set_policy(acme, acme_agent, tickets=1)


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (dt.datetime(2026, 3, 31, 10), 1, dt.datetime(2026, 2, 28, 10)),
        (dt.datetime(2026, 1, 15), 13, dt.datetime(2024, 12, 15)),
        (dt.datetime(2024, 2, 29), 12, dt.datetime(2023, 2, 28)),
    ],
)
def test_months_are_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected


def test_beat_runs_the_retention_task_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["tickets-retention"]
    assert entry["task"] == retention_sweep_task.name
    assert entry["schedule"] == 24 * 60 * 60
