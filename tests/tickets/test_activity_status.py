"""Seed 002's activity status (issue 27): Unread, Read, Awaiting contact, Awaiting
technician, kept on the ticket by the comment services and the agent's opening of the page."""

from __future__ import annotations

import re

from django.db import connection

from tests.bench.test_query_plans import _seq_scans
from tests.factories import AgentFactory, make_ticket
from tickets.models import Ticket
from tickets.services import comment_add
from tickets.services.activity import activity_backfill
from tickets.services.saved_views import view_create

S = Ticket.ActivityStatus


def _status(ticket) -> str | None:
    return Ticket.objects.for_account(ticket.account).get(pk=ticket.pk).activity_status


def test_a_requesters_new_ticket_is_unread_until_an_agent_opens_it(
    acme, acme_user, acme_agent, client_for
):
    ticket = make_ticket(account=acme, submitter=acme_user, requester=acme_user)
    assert _status(ticket) == S.UNREAD
    before = Ticket.objects.for_account(acme).get(pk=ticket.pk).updated_at
    client = client_for(acme_agent)
    page = client.get(f"/agent/tickets/{ticket.number}/")
    # The page changes nothing by its GET: it posts its opening once loaded.
    assert _status(ticket) == S.UNREAD
    assert f'hx-post="/agent/tickets/{ticket.number}/read/"' in page.text
    assert client.post(f"/agent/tickets/{ticket.number}/read/").status_code == 204
    after = Ticket.objects.for_account(acme).get(pk=ticket.pk)
    assert after.activity_status == S.READ
    # Opening is no change of the ticket: the forms' versions stay valid.
    assert after.updated_at == before


def test_the_requester_opening_the_help_center_page_does_not_mark_it_read(
    acme, acme_user, client_for
):
    ticket = make_ticket(account=acme, submitter=acme_user, requester=acme_user)
    client_for(acme_user).get(f"/hc/requests/{ticket.number}/")
    assert _status(ticket) == S.UNREAD


def test_an_agents_public_reply_awaits_the_contact_and_a_note_changes_nothing(
    acme, acme_user, acme_agent
):
    ticket = make_ticket(account=acme, submitter=acme_user, requester=acme_user)
    comment_add(ticket=ticket, author=acme_agent, body="Internal", public=False)
    assert _status(ticket) == S.UNREAD
    comment_add(ticket=ticket, author=acme_agent, body="Try turning it off", public=True)
    assert _status(ticket) == S.AWAITING_CONTACT


def test_the_contacts_answer_to_an_agent_becomes_awaiting_technician_once_read(
    acme, acme_user, acme_agent, client_for
):
    ticket = make_ticket(account=acme, submitter=acme_user, requester=acme_user)
    comment_add(ticket=ticket, author=acme_agent, body="Try turning it off", public=True)
    comment_add(ticket=ticket, author=acme_user, body="Still on fire")
    assert _status(ticket) == S.UNREAD
    client_for(acme_agent).post(f"/agent/tickets/{ticket.number}/read/")
    assert _status(ticket) == S.AWAITING_TECHNICIAN


def test_an_agents_ticket_with_an_internal_note_only_is_read(acme, acme_user, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, public=False)
    assert _status(ticket) == S.READ


def test_list_column_and_view_condition_show_the_status(acme, acme_admin, acme_user, client_for):
    unread = make_ticket(account=acme, submitter=acme_user, requester=acme_user, subject="Fresh")
    other = make_ticket(account=acme, submitter=acme_user, requester=acme_user, subject="Seen")
    comment_add(ticket=other, author=acme_admin, body="On it", public=True)
    view = view_create(
        account=acme,
        actor=acme_admin,
        title="Unread",
        conditions={"all": [{"field": "activity_status", "operator": "is", "value": "unread"}]},
        columns=["number", "subject", "activity"],
    )
    agent = AgentFactory(account=acme)
    page = client_for(agent).get(f"/agent/views/{view.number}/")
    assert page.status_code == 200
    assert "Fresh" in page.text and "Seen" not in page.text
    assert 'class="badge activity-unread"' in page.text
    assert unread.number
    assert _seq_scans(client_for(agent), f"/agent/views/{view.number}/") == set()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM tickets_ticket WHERE account_id = %s "
            "AND activity_status = 'unread' ORDER BY updated_at DESC, id DESC LIMIT 50",
            [acme.pk],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # With a handful of rows either index in (account, …, updated_at) serves it, the
    # planner's pick, as an index or index-only scan; at a million tickets (scenario 1u)
    # it is an Index Only Scan using ticket_acct_activity, no heap fetch once vacuumed.
    assert re.search(r"Index (Only )?Scan using ticket_acct_(activity|updated)", plan), plan
    assert "Seq Scan" not in plan and "Sort" not in plan, plan


def test_the_status_reads_in_italian(acme, acme_user, acme_agent, client_for):
    make_ticket(account=acme, submitter=acme_user, requester=acme_user, subject="Fresh")
    view = view_create(
        account=acme,
        actor=acme_agent,
        title="Mine",
        conditions={"all": []},
        columns=["number", "subject", "activity"],
        visibility="personal",
    )
    page = client_for(acme_agent).get(
        f"/agent/views/{view.number}/", headers={"accept-language": "it"}
    )
    assert "Non letto" in page.text


def test_backfill_fills_older_tickets_in_batches(acme, acme_user, acme_agent):
    answered = make_ticket(account=acme, submitter=acme_user, requester=acme_user)
    comment_add(ticket=answered, author=acme_agent, body="Reply", public=True)
    comment_add(ticket=answered, author=acme_user, body="Answer")
    waiting = make_ticket(account=acme, submitter=acme_user, requester=acme_user)
    comment_add(ticket=waiting, author=acme_agent, body="Reply", public=True)
    fresh = make_ticket(account=acme, submitter=acme_user, requester=acme_user)
    silent = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, public=False)
    Ticket.objects.for_account(acme).update(activity_status=None)
    assert activity_backfill(account=acme, batch=2) == 4
    assert _status(answered) == S.AWAITING_TECHNICIAN
    assert _status(waiting) == S.AWAITING_CONTACT
    assert _status(fresh) == S.UNREAD
    assert _status(silent) == S.READ
    assert activity_backfill(account=acme) == 0
