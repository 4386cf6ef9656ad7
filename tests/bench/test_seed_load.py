"""seed_load (bench/seed.py): a tiny load, checked through the application's own
selectors and services: who sees what, numbering, and what the app creates next."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, models

from accounts.models import Account, Organization, User
from accounts.services import organization_create, user_create
from bench.seed import HEAVY_EMAIL, LONG_THREAD_COMMENTS, MANAGER_EMAIL
from portal.selectors import search_requests
from tests.commands import manage
from tests.test_deploy import clean_env
from tickets.models import Comment, Ticket
from tickets.search import matching_comments, prefix_tsquery, search_terms
from tickets.selectors import comments_visible_to, tickets_visible_to
from tickets.services import ticket_create

TICKETS = 600  # 570 in the first account, 30 in the second


@pytest.fixture
def loaded(transactional_db):
    call_command(
        "seed_load", accounts=2, tickets=TICKETS, comments=3, prefix="load", stdout=_Null()
    )
    return Account.objects.get(subdomain="load"), Account.objects.get(subdomain="load2")


class _Null:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


def _user(account, email):
    return User.objects.for_account(account).get(email=email)


def test_counts_numbers_and_long_thread(loaded):
    first, second = loaded
    tickets = Ticket.objects.for_account(first)
    assert tickets.count() == 570
    assert Ticket.objects.for_account(second).count() == 30
    numbers = sorted(tickets.values_list("number", flat=True))
    assert numbers == list(range(1, 571))
    long_thread = tickets.get(number=1)
    assert long_thread.comments.count() == LONG_THREAD_COMMENTS
    assert Comment.objects.for_account(first).count() >= 570
    # Every ticket starts with its description; comments belong to their ticket's account.
    assert not tickets.filter(comments__isnull=True).exists()
    assert not Comment.objects.for_account(first).exclude(ticket__account=first).exists()


def test_visibility_through_selectors(loaded):
    first, second = loaded
    heavy = _user(first, HEAVY_EMAIL)
    visible = tickets_visible_to(viewer=heavy)
    requested = Ticket.objects.for_account(first).filter(requester=heavy)
    assert requested.count() == 57  # a tenth of the account's tickets at this size
    assert not visible.filter(is_public=False).exists()
    assert visible.count() == (
        Ticket.objects.for_account(first)
        .filter(is_public=True)
        .filter(pk__in=requested.values("pk") | heavy.cc_tickets.values("pk"))
        .count()
    )
    manager = _user(first, MANAGER_EMAIL)
    assert manager.is_org_manager
    org_tickets = tickets_visible_to(viewer=manager).filter(organization=manager.organization)
    assert org_tickets.count() >= 12
    # Every member's default organization is one of their memberships (issue 21).
    members = User.objects.for_account(first).filter(organization__isnull=False)
    assert members.count() > 2
    assert not members.exclude(
        organization_memberships__organization=models.F("organization")
    ).exists()
    # End users never read internal notes; agents read them all.
    ticket = Ticket.objects.for_account(first).get(number=1)
    agent = User.objects.for_account(first).agents().first()
    all_comments = comments_visible_to(ticket=ticket, viewer=agent)
    public = comments_visible_to(ticket=ticket, viewer=ticket.requester)
    assert all_comments.count() == LONG_THREAD_COMMENTS
    assert public.count() == all_comments.filter(public=True).count()
    # Nothing of the second account shows up for the first one's people.
    assert not tickets_visible_to(viewer=agent).filter(account=second).exists()


def test_app_creates_after_the_loaded_rows(loaded):
    first, second = loaded
    agent = _user(first, "agent1@load.example")
    assert agent.check_password("bench-password-1")
    requester = _user(first, HEAVY_EMAIL)
    ticket = ticket_create(
        account=first, submitter=agent, requester=requester, subject="After the load", body="Hi"
    )
    assert ticket.number == 571
    assert (
        ticket_create(
            account=second,
            submitter=_user(second, "agent1@load2.example"),
            subject="Second",
            body="Hi",
        ).number
        == 31
    )
    last_user = User.objects.for_account(first).order_by("-number").first().number
    user = user_create(account=first, name="New Person", email="new.person@example.test")
    assert user.number == last_user + 1
    org = organization_create(account=first, name="Brand New Org")
    assert org.number == Organization.objects.for_account(first).count()


def test_search_indexes_rebuilt_and_used(loaded):
    first, _second = loaded
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename LIKE 'tickets_%%'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"ticket_subject_fts", "comment_body_fts", "ticket_acct_status_upd"} <= names
    heavy = _user(first, HEAVY_EMAIL)
    subject = Ticket.objects.for_account(first).filter(requester=heavy, is_public=True).first()
    word = subject.subject.split()[0]
    hits = search_requests(viewer=heavy, query=word)
    assert hits and all(hit.ticket.is_public for hit in hits)
    # COPY leaves the comments' stored vector to PostgreSQL: each comment is found by its
    # own words (Comment.body_vector, tickets/migrations/0004).
    comment = (
        Comment.objects.for_account(first)
        .filter(ticket__in=tickets_visible_to(viewer=heavy), public=True)
        .last()
    )
    words = search_terms(comment.body)[:4]
    found = matching_comments(viewer=heavy, tsquery=prefix_tsquery(words))
    assert comment in found


def test_refuses_existing_accounts(loaded):
    with pytest.raises(CommandError, match="exist already"):
        call_command("seed_load", accounts=1, tickets=10, prefix="load", stdout=_Null())


def _commands(**env: str) -> str:
    """The command names ``manage.py help --commands`` lists with production's variables."""
    production = clean_env(
        DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), BASE_DOMAIN="helpdesk.example.com"
    )
    result = manage("help", "--commands", env=production | env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_production_settings_do_not_offer_seed_load():
    # It makes named administrators whose password the bench's README publishes.
    assert "seed_load" not in _commands().split()


def test_bench_settings_offer_seed_load():
    assert "seed_load" in _commands(DJANGO_SETTINGS_MODULE="bench.settings").split()


def test_every_loaded_ticket_has_a_custom_status_of_its_category(loaded):
    first, _second = loaded
    tickets = Ticket.objects.for_account(first).select_related("custom_status")
    assert not tickets.filter(custom_status__isnull=True).exists()
    for ticket in tickets:
        category = "solved" if ticket.status == "closed" else ticket.status
        assert ticket.custom_status.category == category
    assert tickets.filter(custom_status__is_default=False).exists()  # seed 004's stages


def test_sla_targets_as_tracking_stores_them(loaded):
    """One policy; six clocks a ticket (two with targets by priority), the summary row,
    most targets achieved and some breached, as the reports' SLA table reads them; and
    sla_load gives the same rows to an account loaded without them."""
    from bench.sla_seed import sla_load
    from reports.access import report_scope
    from reports.forms import Filters
    from reports.services import account_rebuild
    from reports.sla import sla_achievement_for
    from servicelevels.clocks import METRICS
    from servicelevels.models import SlaPolicy, SlaTarget, TicketSla

    first, _second = loaded
    policy = SlaPolicy.objects.for_account(first).get()
    targets = SlaTarget.objects.for_account(first)
    # A ticket without a priority has no target: no rows, as tracking would store.
    tracked = Ticket.objects.for_account(first).exclude(priority="").count()
    assert 300 < tracked < 570
    assert targets.count() == tracked * len(METRICS)
    assert TicketSla.objects.for_account(first).filter(policy=policy).count() == tracked
    assert set(targets.exclude(target_minutes=None).values_list("metric", flat=True)) == {
        "first_reply_time",
        "resolution_time",
    }
    admin = _user(first, "admin@load.example")
    today = dt.date.today()
    # Rows written by COPY reach the SLA rollup (reports 0009) through the rebuild, as
    # bench/README.md's load does with rebuild_reports.
    account_rebuild(account=first)
    rows = sla_achievement_for(
        account=first,
        scope=report_scope(viewer=admin),
        filters=Filters(start=today - dt.timedelta(days=729), end=today),
    )
    assert [row.metric for row in rows] == ["first_reply_time", "resolution_time"]
    for row in rows:
        assert row.achieved > row.breached > 0
    before = sorted(targets.values_list("ticket_id", "metric", "stage", "breach_at"))
    targets.delete()
    TicketSla.objects.for_account(first).delete()
    assert sla_load(account=first, progress=lambda _line: None) == tracked * len(METRICS)
    after = sorted(targets.values_list("ticket_id", "metric", "stage"))
    assert [row[:3] for row in before] == after
    assert sla_load(account=first, progress=lambda _line: None) == 0  # has them already
