"""Never overwriting a colleague: a form carries the version it was loaded at, and a
submit after someone else changed the ticket shows what changed and keeps what was typed."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.factories import AgentFactory, AgentGroupFactory, EndUserFactory, make_ticket
from tests.tickets.test_views_ticket import page_of, sidebar_data, sidebar_data_from
from tickets.services import comment_add, ticket_set_ccs, ticket_update


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="VPN drops", body="Hi"
    )


@pytest.fixture
def colleague(acme):
    return AgentFactory(account=acme, name="Carla Colleague")


def reply_stamp(html: str) -> str:
    form = html.split('id="reply"', 1)[1]
    return re.search(r'name="updated_stamp" value="([^"]*)"', form).group(1)


def _group(acme, colleague):
    group = AgentGroupFactory(account=acme, name="Network")
    group.memberships.create(account=acme, user=colleague)
    return group


# A colleague's change of each field, and what the conflict shows of it.
CHANGES = {
    "status": (lambda acme, c: {"status": "pending"}, "Pending"),
    "priority": (lambda acme, c: {"priority": "urgent"}, "Urgent"),
    "type": (lambda acme, c: {"type": "problem"}, "Problem"),
    "assignee": (lambda acme, c: {"assignee": c}, "Carla Colleague"),
    "group": (lambda acme, c: {"group": _group(acme, c)}, "Network"),
    "tags": (lambda acme, c: {"tags": "vip outage"}, "outage vip"),
    "subject": (lambda acme, c: {"subject": "VPN down for all"}, "VPN down for all"),
    "requester": (
        lambda acme, c: {"requester": EndUserFactory(account=acme, name="Rita Requester")},
        "Rita Requester",
    ),
    "due_at": (lambda acme, c: {"due_at": dt.datetime(2031, 5, 1, tzinfo=dt.UTC)}, "2031"),
}


@pytest.mark.parametrize("field", sorted(CHANGES))
def test_reply_after_a_colleagues_field_change_shows_it_and_keeps_the_text(
    acme, ticket, colleague, agent_client, field
):
    stamp = reply_stamp(agent_client.get(page_of(ticket)).text)
    make, shown = CHANGES[field]
    ticket_update(ticket=ticket, actor=colleague, **make(acme, colleague))
    response = agent_client.post(
        f"{page_of(ticket)}reply/",
        {"comment_type": "public", "body": "My careful answer", "updated_stamp": stamp},
    )
    assert response.status_code == 409
    assert "Someone changed this ticket" in response.text
    conflict = response.text.split('id="conflict"', 1)[1].split("</div>", 1)[0]
    assert "Carla Colleague" in conflict and shown in conflict
    assert "My careful answer" in response.text
    assert not ticket.comments.filter(body="My careful answer").exists()
    # "Submit anyway": the re-displayed form carries the new version.
    again = agent_client.post(
        f"{page_of(ticket)}reply/",
        {
            "comment_type": "public",
            "body": "My careful answer",
            "updated_stamp": reply_stamp(response.text),
        },
    )
    assert again.status_code == 302
    assert ticket.comments.filter(body="My careful answer").exists()


def test_reply_after_a_colleagues_reply_shows_their_comment(acme, ticket, colleague, agent_client):
    stamp = reply_stamp(agent_client.get(page_of(ticket)).text)
    comment_add(ticket=ticket, author=colleague, body="Already answered: reboot it.")
    response = agent_client.post(
        f"{page_of(ticket)}reply/",
        {
            "comment_type": "public",
            "body": "Try a reboot",
            "status": "solved",
            "updated_stamp": stamp,
        },
    )
    assert response.status_code == 409
    assert "Already answered: reboot it." in response.text
    assert "Re-apply my changes" in response.text and 'value="solved"' in response.text
    ticket.refresh_from_db()
    assert ticket.status != "solved"


def test_reply_after_a_colleagues_cc_change_is_refused(
    acme, ticket, colleague, acme_user, agent_client
):
    stamp = reply_stamp(agent_client.get(page_of(ticket)).text)
    other = EndUserFactory(account=acme, name="Otto Other")
    ticket_set_ccs(ticket=ticket, actor=colleague, users=[other])
    response = agent_client.post(
        f"{page_of(ticket)}reply/",
        {"comment_type": "internal", "body": "Note", "updated_stamp": stamp},
    )
    assert response.status_code == 409
    assert "Otto Other" in response.text


def test_own_fresh_reply_and_a_form_without_a_stamp_go_through(ticket, agent_client):
    stamp = reply_stamp(agent_client.get(page_of(ticket)).text)
    ok = agent_client.post(
        f"{page_of(ticket)}reply/",
        {"comment_type": "public", "body": "Fresh", "updated_stamp": stamp},
    )
    assert ok.status_code == 302
    # A form of before this version (no stamp, or an unreadable one) is not refused.
    for value in ("", "garbage"):
        response = agent_client.post(
            f"{page_of(ticket)}reply/",
            {"comment_type": "public", "body": f"Old {value}", "updated_stamp": value},
        )
        assert response.status_code == 302


@pytest.mark.parametrize("field", sorted(set(CHANGES) - {"subject", "requester"}))
def test_sidebar_after_a_colleagues_change_shows_it_and_reapplies_only_mine(
    acme, ticket, colleague, agent_client, field
):
    data = sidebar_data(agent_client, ticket)
    make, shown = CHANGES[field]
    ticket_update(ticket=ticket, actor=colleague, **make(acme, colleague))
    ticket.refresh_from_db()
    before = {name: getattr(ticket, name) for name in ("status", "priority", "type", "tags")}
    mine = "hold" if field != "status" else "open"
    data["status"] = mine
    response = agent_client.post(f"{page_of(ticket)}fields/", data)
    assert response.status_code == 409
    conflict = response.text.split('id="conflict"', 1)[1].split("</div>", 1)[0]
    assert "Carla Colleague" in conflict and shown in conflict
    ticket.refresh_from_db()
    assert ticket.status == before["status"]
    again = sidebar_data_from(response.text, ticket)
    assert again["status"] == mine
    assert agent_client.post(f"{page_of(ticket)}fields/", again).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == mine
    # The colleague's change stands.
    for name in ("priority", "type", "tags"):
        if name == field:
            assert getattr(ticket, name) == before[name]


def test_the_conflict_lists_no_part_of_the_tickets_creation(
    acme, acme_agent, acme_user, colleague, agent_client
):
    # A ticket nobody touched since it was created: the page's version is its creation's,
    # and the creation's own comment is not a change made after the page was loaded.
    fresh = make_ticket(
        account=acme,
        submitter=acme_agent,
        requester=acme_user,
        subject="Printer jam",
        body="The creation comment",
    )
    stamp = reply_stamp(agent_client.get(page_of(fresh)).text)
    ticket_update(ticket=fresh, actor=colleague, priority="urgent")
    response = agent_client.post(
        f"{page_of(fresh)}reply/",
        {"comment_type": "public", "body": "My careful answer", "updated_stamp": stamp},
    )
    assert response.status_code == 409
    conflict = response.text.split('class="conflict-changes"', 1)[1].split("</ul>", 1)[0]
    assert conflict.count("<li>") == 1
    assert "Carla Colleague" in conflict and "Urgent" in conflict
    assert "The creation comment" not in conflict
