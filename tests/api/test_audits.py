"""/api/v2/tickets/{id}/audits…: each change set of a ticket's history as one of
Zendesk's audits, checked against Zendesk's own response schemas."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from tests.api.zendesk import assert_matches
from tests.factories import AgentFactory, AgentGroupFactory, make_ticket
from tickets.models import TicketEvent
from tickets.services import comment_add, ticket_update

pytestmark = pytest.mark.django_db


def later(ticket, minutes: int = 1) -> None:
    """What was recorded so far happened a while ago: the next change is its own set."""
    TicketEvent.objects.for_account(ticket.account).filter(ticket=ticket).update(
        created_at=F("created_at") - dt.timedelta(minutes=minutes)
    )


@pytest.fixture
def history(acme, acme_agent, acme_user):
    """A ticket created by the requester, then changed by an agent, then answered with
    a public reply and an internal note (four change sets)."""
    ticket = make_ticket(account=acme, submitter=acme_user, body="It is on fire.", channel="portal")
    later(ticket, 4)
    ticket_update(ticket=ticket, actor=acme_agent, status="open", priority="high", tags="vip")
    later(ticket, 3)
    comment_add(ticket=ticket, author=acme_agent, body="On our way.", public=True)
    later(ticket, 2)
    comment_add(ticket=ticket, author=acme_agent, body="INTERNAL: bring water", public=False)
    return ticket


def test_each_change_set_is_one_audit_with_its_events(agent_api, history, acme_agent, acme_user):
    response = agent_api.get(f"tickets/{history.number}/audits.json")

    assert response.status_code == 200
    body = response.json()
    assert_matches(body, "TicketAuditsResponseNoneCursor")
    audits = body["audits"]
    assert body["count"] == 4 and len(audits) == 4
    created, changed, reply, note = audits
    assert created["author_id"] == acme_user.number and created["ticket_id"] == history.number
    assert [e["type"] for e in created["events"]] == ["Create", "Comment"]
    assert created["events"][1]["body"] == "It is on fire."
    assert created["via"]["channel"] == "web"
    assert changed["author_id"] == acme_agent.number
    changes = {e["field_name"]: e for e in changed["events"]}
    assert changes["status"]["value"] == "open" and changes["status"]["previous_value"] == "new"
    assert changes["priority"]["value"] == "high"
    assert changes["priority"]["previous_value"] is None
    assert changes["tags"]["value"] == ["vip"] and changes["tags"]["previous_value"] == []
    assert all(e["type"] == "Change" for e in changed["events"])
    assert reply["events"][0]["type"] == "Comment" and reply["events"][0]["public"] is True
    assert note["events"][0]["public"] is False
    assert note["events"][0]["body"] == "INTERNAL: bring water"
    assert note["events"][0]["author_id"] == acme_agent.number
    # Ids: unique, growing with time, the id of the audit's last event.
    ids = [a["id"] for a in audits]
    assert ids == sorted(ids) and len(set(ids)) == 4
    assert all(a["id"] == a["events"][-1]["id"] for a in audits)


def test_show_one_audit_by_its_id(agent_api, history):
    listed = agent_api.get(f"tickets/{history.number}/audits.json").json()["audits"]

    response = agent_api.get(f"tickets/{history.number}/audits/{listed[1]['id']}.json")

    assert response.status_code == 200
    assert_matches(response.json(), "TicketAuditResponse")
    assert response.json()["audit"] == listed[1]


def test_an_event_id_inside_an_audit_is_not_an_audit(agent_api, history):
    listed = agent_api.get(f"tickets/{history.number}/audits.json").json()["audits"]
    inner = listed[1]["events"][0]["id"]
    assert inner != listed[1]["id"]
    response = agent_api.get(f"tickets/{history.number}/audits/{inner}.json")
    assert response.status_code == 404
    assert response.json()["error"] == "RecordNotFound"


def test_the_audit_a_write_answers_with_can_be_read_back(agent_api, acme, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    later(ticket)
    written = agent_api.put(f"tickets/{ticket.number}.json", {"ticket": {"priority": "low"}})
    audit_id = written.json()["audit"]["id"]

    shown = agent_api.get(f"tickets/{ticket.number}/audits/{audit_id}.json")

    assert shown.status_code == 200
    assert shown.json()["audit"]["events"][0]["field_name"] == "priority"


def test_people_and_groups_are_given_by_their_numbers(agent_api, acme, acme_agent):
    group = AgentGroupFactory(account=acme, name="Tier 2")
    group.memberships.create(account=acme, user=acme_agent)
    ticket = make_ticket(account=acme, submitter=acme_agent)
    later(ticket)
    ticket_update(ticket=ticket, actor=acme_agent, assignee=acme_agent, group=group)

    audits = agent_api.get(f"tickets/{ticket.number}/audits.json").json()["audits"]

    changes = {e["field_name"]: e for e in audits[-1]["events"]}
    assert changes["assignee_id"]["value"] == acme_agent.number
    assert changes["assignee_id"]["previous_value"] is None
    assert changes["group_id"]["value"] == group.number


def test_changes_by_two_agents_at_once_are_two_audits(agent_api, acme, acme_agent):
    other = AgentFactory(account=acme)
    ticket = make_ticket(account=acme, submitter=acme_agent)
    later(ticket)
    ticket_update(ticket=ticket, actor=acme_agent, priority="low")
    ticket_update(ticket=ticket, actor=other, priority="high")

    audits = agent_api.get(f"tickets/{ticket.number}/audits.json").json()["audits"]

    assert [a["author_id"] for a in audits[1:]] == [acme_agent.number, other.number]


def test_two_comments_in_a_row_are_two_audits(agent_api, acme, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    later(ticket)
    comment_add(ticket=ticket, author=acme_agent, body="One")
    comment_add(ticket=ticket, author=acme_agent, body="Two")

    audits = agent_api.get(f"tickets/{ticket.number}/audits.json").json()["audits"]

    assert [[e["body"] for e in a["events"]] for a in audits[1:]] == [["One"], ["Two"]]


def test_audits_page_by_offset_and_by_cursor(agent_api, history):
    url = f"tickets/{history.number}/audits.json"
    first = agent_api.get(url, {"per_page": 3}).json()
    assert len(first["audits"]) == 3 and first["count"] == 4
    second = agent_api.get(first["next_page"]).json()
    assert len(second["audits"]) == 1 and second["next_page"] is None

    seen, page = [], agent_api.get(url, {"page[size]": 2}).json()
    while True:
        seen += [a["id"] for a in page["audits"]]
        if not page["meta"]["has_more"]:
            break
        page = agent_api.get(page["links"]["next"]).json()
    everything = [a["id"] for a in agent_api.get(url).json()["audits"]]
    assert seen == everything
    back = agent_api.get(url, {"page[size]": 2, "page[before]": page["meta"]["before_cursor"]})
    assert [a["id"] for a in back.json()["audits"]] == everything[:2]


def test_a_bad_cursor_is_a_clear_400(agent_api, history):
    response = agent_api.get(f"tickets/{history.number}/audits.json", {"page[after]": "!!"})
    assert response.status_code == 400
    assert response.json()["error"] == "InvalidJSON"


def test_end_users_are_refused_audits(user_api, history):
    for url in (
        f"tickets/{history.number}/audits.json",
        f"tickets/{history.number}/audits/1.json",
    ):
        response = user_api.get(url)
        assert response.status_code == 403
        assert "INTERNAL" not in response.content.decode()


def test_another_accounts_ticket_is_not_found(api_for, globex_agent, history):
    globex_api = api_for(globex_agent)
    listed = globex_api.get(f"tickets/{history.number}/audits.json")
    assert listed.status_code == 404 and listed.json()["error"] == "RecordNotFound"
    event = TicketEvent.objects.for_account(history.account).filter(ticket=history).last()
    shown = globex_api.get(f"tickets/{history.number}/audits/{event.pk}.json")
    assert shown.status_code == 404
    assert "INTERNAL" not in listed.content.decode() + shown.content.decode()


def test_an_audit_id_of_another_ticket_is_not_found(agent_api, acme, acme_agent, history):
    other = make_ticket(account=acme, submitter=acme_agent)
    audit_id = agent_api.get(f"tickets/{history.number}/audits.json").json()["audits"][0]["id"]
    response = agent_api.get(f"tickets/{other.number}/audits/{audit_id}.json")
    assert response.status_code == 404


def test_listing_audits_is_a_fixed_number_of_queries(agent_api, acme, acme_agent):
    def count_for_history_of(changes: int) -> int:
        ticket = make_ticket(account=acme, submitter=acme_agent)
        for n in range(changes):
            later(ticket)
            comment_add(ticket=ticket, author=acme_agent, body=f"Reply {n}", public=n % 2 == 0)
            later(ticket)
            ticket_update(ticket=ticket, actor=acme_agent, assignee=AgentFactory(account=acme))
        agent_api.get(f"tickets/{ticket.number}/audits.json")  # the token's first use is noted
        with CaptureQueriesContext(connection) as queries:
            response = agent_api.get(f"tickets/{ticket.number}/audits.json")
        assert len(response.json()["audits"]) == 1 + 2 * changes
        return len(queries)

    assert count_for_history_of(1) == count_for_history_of(8)


def test_the_emails_triggers_sent_are_notification_events_of_their_change_set(
    agent_api, acme, acme_agent, acme_user
):
    from notifications.models import Delivery

    ticket = make_ticket(account=acme, submitter=acme_user, body="Help", channel="portal")
    later(ticket, 5)
    Delivery.objects.for_account(acme).update(created_at=F("created_at") - dt.timedelta(minutes=5))
    comment_add(ticket=ticket, author=acme_agent, body="Here to help.", public=True)
    sent = Delivery.objects.for_account(acme).filter(ticket=ticket, kind="trigger")
    reply_email = sent.filter(recipient=acme_user).latest("created_at")

    body = agent_api.get(f"tickets/{ticket.number}/audits.json").json()
    assert_matches(body, "TicketAuditsResponseNoneCursor")
    *_, reply = body["audits"]
    notes = [e for e in reply["events"] if e["type"] == "Notification"]
    assert [e["type"] for e in reply["events"]][0] == "Comment"
    assert any(
        n["recipients"] == [acme_user.number]
        and n["subject"] == reply_email.subject
        and n["via"]["channel"] == "rule"
        and n["via"]["source"]["rel"] == "trigger"
        for n in notes
    ), notes
    # Every email of the ticket is in exactly one audit.
    everywhere = [e for a in body["audits"] for e in a["events"] if e["type"] == "Notification"]
    assert sum(len(n["recipients"]) for n in everywhere) == sent.exclude(recipient=None).count()
    shown = agent_api.get(f"tickets/{ticket.number}/audits/{reply['id']}.json").json()
    assert shown["audit"]["events"] == reply["events"]
