"""The report narrowed to an organization, a tag or a drop-down value (reports.attributes,
reports.facts): the numbers of exactly the matching tickets, summed from what each
counted, so they equal the rollups' when every ticket matches; an agent's scope holds;
the click-through lists the same tickets; bad values are messages, never a 500."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
import time_machine

from customfields.models import TicketField
from tests.factories import AgentFactory, AgentGroupFactory, OrganizationFactory, make_ticket
from tickets.services import comment_add, ticket_update

REPORT = "/agent/reports/"
LIST = "/agent/reports/tickets/"
T0 = datetime(2026, 3, 7, 9, 0, tzinfo=UTC)
START, END = date(2026, 3, 10), date(2026, 3, 16)


@pytest.fixture
def impact(acme):
    return TicketField.objects.for_account(acme).get(title="Impact")


@pytest.fixture
def history(acme, acme_admin, acme_agent, acme_user, run, impact):
    """Tickets over three weeks (some before the range: the backlog), in two
    organizations, two groups (the agent's and another), tagged and with Impact set on
    some; solved, replied, reopened."""
    mine = AgentGroupFactory(account=acme, name="Billing")
    mine.memberships.create(account=acme, user=acme_agent)
    other = AgentFactory(account=acme, name="Olga Other")
    theirs = AgentGroupFactory(account=acme, name="Hardware")
    theirs.memberships.create(account=acme, user=other)
    big = OrganizationFactory(account=acme, name="Bigorg")
    small = OrganizationFactory(account=acme, name="Smallorg")
    with time_machine.travel(T0, tick=False) as clock:
        for day in range(9):
            for i, (group, agent) in enumerate(((mine, acme_agent), (theirs, other))):
                n = day * 2 + i
                ticket = run(
                    make_ticket,
                    account=acme,
                    submitter=acme_user,
                    requester=acme_user,
                )
                fields = {
                    "group": group,
                    "assignee": agent,
                    "organization": big if n % 4 else small,
                    "tags": "refund vip" if n % 3 == 0 else "vipper",
                }
                if n % 2 == 0:
                    fields["custom_fields"] = {str(impact.number): "high"}
                run(ticket_update, ticket=ticket, actor=acme_admin, **fields)
                clock.shift(timedelta(hours=3))
                run(comment_add, ticket=ticket, author=agent, body="On it")
                if n % 3 != 1:
                    run(ticket_update, ticket=ticket, actor=agent, status="solved")
                    if n % 5 == 0:
                        clock.shift(timedelta(hours=1))
                        run(ticket_update, ticket=ticket, actor=agent, status="open")
                        clock.shift(timedelta(hours=-1))
                clock.shift(timedelta(hours=-3))
            clock.shift(timedelta(days=1))
    return {"mine": mine, "theirs": theirs, "big": big, "small": small, "other": other}


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:500]
    return list(csv.reader(io.StringIO(response.content.decode())))


def _report(client, export: str, **filters) -> list[list[str]]:
    params = {"preset": "custom", "start": START, "end": END, "export": export, **filters}
    return _csv(client.get(REPORT, params))


def _list(client, metric: str, **filters) -> list[list[str]]:
    params = {"metric": metric, "start": START, "end": END, "export": "csv", **filters}
    return _csv(client.get(LIST, params))[1:]


def _both(client, **filters) -> dict[str, list[list[str]]]:
    return {kind: _report(client, kind, **filters) for kind in ("periods", "agents", "groups")}


def test_filters_every_ticket_matches_give_the_rollups_numbers(
    acme, client_for, acme_admin, history, impact
):
    """Every ticket tagged ``keep``: the per-ticket sums equal the rollups', period by
    period (backlog included), agent by agent and group by group."""
    client = client_for(acme_admin)
    unfiltered = _both(client)
    assert sum(int(row[2]) for row in unfiltered["periods"][1:]) > 0
    from reports.services import tickets_refresh
    from tickets.models import Ticket

    tickets = Ticket.objects.for_account(acme)
    tickets.update(tags="keep")
    # A bulk UPDATE refreshes its tickets' rollups (tickets.events.tickets_changed_in_bulk):
    # the tag rollups (reports 0006) then count every ticket under "keep".
    tickets_refresh(account_id=acme.pk, ticket_ids=list(tickets.values_list("pk", flat=True)))
    assert _both(client, tag="keep") == unfiltered
    assert _both(client, tag="keep", group=history["mine"].number) == _both(
        client, group=history["mine"].number
    )
    # A tag with a channel: no rollup keys both, the tickets' own contributions answer.
    assert _both(client, tag="keep", channel="web") == _both(client, channel="web")


def test_an_organization_tag_or_value_counts_only_its_tickets(
    acme, client_for, acme_admin, history, impact
):
    from tickets.models import Ticket

    client = client_for(acme_admin)
    tickets = Ticket.objects.for_account(acme)
    for filters, matching in (
        ({"organization": history["small"].number}, tickets.filter(organization=history["small"])),
        ({"tag": "vip"}, tickets.filter(tags__contains="refund")),  # "vipper" is no "vip"
        (
            {f"field_{impact.number}": "high"},
            tickets.filter(custom_fields__contains={str(impact.number): "high"}),
        ),
    ):
        periods = _report(client, "periods", **filters)[1:]
        created_in_range = [
            t for t in matching if START <= t.created_at.astimezone(_zone(acme)).date() <= END
        ]
        assert 0 < sum(int(row[2]) for row in periods) == len(created_in_range), filters
        # The backlog carried in: the matching tickets created before the range and
        # unsolved at its start, plus the range's first day's created minus solved.
        first = periods[0]
        assert int(first[1]) >= 0
        listed = _list(client, "created", **filters)
        assert sorted(int(r[0]) for r in listed) == sorted(t.number for t in created_in_range)
        solved = _list(client, "solved", **filters)
        assert len(solved) == sum(int(row[3]) for row in periods), filters


def _zone(account):
    from zoneinfo import ZoneInfo

    return ZoneInfo(account.time_zone)


def test_the_backlog_is_the_matching_tickets_running_total(acme, client_for, acme_admin, history):
    client = client_for(acme_admin)
    from tickets.models import Ticket

    small = history["small"]
    periods = _report(client, "periods", organization=small.number)[1:]
    # At the range's end: the organization's tickets created by then and unsolved now
    # (no ticket of the history changes after the range).
    unsolved = (
        Ticket.objects.for_account(acme)
        .filter(organization=small)
        .exclude(status__in=["solved", "closed"])
        .count()
    )
    assert int(periods[-1][1]) == unsolved


def test_an_agent_sees_only_their_scope_of_an_organization(
    client_for, acme_agent, acme_admin, history
):
    big = history["big"].number
    agents = {row[0] for row in _report(client_for(acme_agent), "agents", organization=big)[1:]}
    groups = {row[0] for row in _report(client_for(acme_agent), "groups", organization=big)[1:]}
    assert groups == {"Billing"}
    assert "Olga Other" not in agents
    admin_groups = {
        row[0] for row in _report(client_for(acme_admin), "groups", organization=big)[1:]
    }
    assert admin_groups == {"Billing", "Hardware"}
    listed = _list(client_for(acme_agent), "created", organization=big)
    assert listed
    assert {row[8] for row in listed} == {"Billing"}


def test_the_page_shows_the_filters_and_links_them_through(client_for, acme_admin, history, impact):
    client = client_for(acme_admin)
    params = {
        "preset": "custom",
        "start": START,
        "end": END,
        "organization": history["big"].number,
        "tag": "VIP",
        f"field_{impact.number}": "high",
    }
    response = client.get(REPORT, params)
    text = response.content.decode()
    assert response.status_code == 200
    assert 'name="organization"' in text
    assert 'name="tag"' in text
    assert f'name="field_{impact.number}"' in text
    links = {unescape(h) for h in re.findall(r'href="(/agent/reports/tickets/[^"]+)"', text)}
    whole = (
        f"{LIST}?metric=created&start={START}&end={END}&organization={history['big'].number}"
        f"&tag=vip&field_{impact.number}=high"
    )
    assert whole in links
    listed = client.get(whole)
    assert listed.status_code == 200
    body = listed.content.decode()
    assert "Bigorg" in body
    assert "vip" in body


@pytest.mark.parametrize(
    "params",
    [
        {"tag": "two words"},
        {"organization": "99999"},
        {"organization": "<script>"},
        {"field_99999": "high"},
        {"field_1": "<b>"},
    ],
)
def test_bad_attribute_filters_are_messages_not_errors(client_for, acme_admin, history, params):
    client = client_for(acme_admin)
    page = client.get(REPORT, params)
    assert page.status_code == 200
    listed = client.get(LIST, {"metric": "created", "start": START, "end": END, **params})
    assert listed.status_code in (200, 400)
    assert "<script>" not in listed.content.decode()


def test_another_accounts_organization_is_not_a_choice(client_for, acme_admin, history, globex):
    OrganizationFactory(account=globex, name="Globex Org")
    assert "Globex Org" not in client_for(acme_admin).get(REPORT).content.decode()
