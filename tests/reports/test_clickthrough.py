"""The tickets behind a report's number (/agent/reports/tickets/): each count of the
report page equals the rows of its list, under the same scope, filters and days (the
account's); the list's CSV holds the same rows; bad links are a message, never a 500."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
import time_machine

from accounts.models import AgentRole
from tests.factories import AgentFactory, AgentGroupFactory, make_ticket
from tickets.services import ticket_update

URL = "/agent/reports/tickets/"
REPORT = "/agent/reports/"
# 20:00 UTC: already the next day in Tokyo (the account's zone), still the same one in
# New York (the admin's): the lists must count the account's days, as the rollups do.
T0 = datetime(2026, 3, 27, 20, 0, tzinfo=UTC)
START, END = date(2026, 3, 27), date(2026, 4, 3)


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:500]
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def history(acme, acme_admin, acme_agent, acme_user, run):
    """Tickets over a week in Tokyo's days: some in the agent's group, some in another
    group, some unassigned; solved ones, one closed days after it was solved, one
    reopened and solved again."""
    acme.time_zone = "Asia/Tokyo"
    acme.save()
    acme_admin.time_zone = "America/New_York"
    acme_admin.save()
    mine = AgentGroupFactory(account=acme, name="Billing")
    mine.memberships.create(account=acme, user=acme_agent)
    other = AgentFactory(account=acme, name="=Other Agent")
    theirs = AgentGroupFactory(account=acme, name="Hardware")
    theirs.memberships.create(account=acme, user=other)
    with time_machine.travel(T0, tick=False) as clock:
        for day in range(6):
            for group, agent, priority in (
                (mine, acme_agent, "high"),
                (theirs, other, "low"),
                (None, None, "high"),
            ):
                if (day + len(priority)) % 3 == 0:
                    continue
                ticket = run(
                    make_ticket,
                    account=acme,
                    submitter=acme_user,
                    requester=acme_user,
                    subject=f"=SUM(A{day})",
                )
                run(
                    ticket_update,
                    ticket=ticket,
                    actor=acme_admin,
                    group=group,
                    assignee=agent,
                    priority=priority,
                )
                if day % 2 == 0:
                    clock.shift(timedelta(hours=5))
                    run(ticket_update, ticket=ticket, actor=acme_admin, status="solved")
                    if day == 0:
                        # Closed two days after it was solved: it stays on its solve day.
                        clock.shift(timedelta(days=2))
                        run(ticket_update, ticket=ticket, actor=acme_admin, status="closed")
                        clock.shift(timedelta(days=-2))
                    if day == 2:
                        clock.shift(timedelta(hours=1))
                        run(ticket_update, ticket=ticket, actor=acme_admin, status="open")
                        clock.shift(timedelta(hours=20))
                        run(ticket_update, ticket=ticket, actor=acme_admin, status="solved")
                        clock.shift(timedelta(hours=-21))
                    clock.shift(timedelta(hours=-5))
            clock.shift(timedelta(days=1))
    return mine, theirs, other


def _report(client, export: str, **filters) -> list[list[str]]:
    params = {"preset": "custom", "start": START, "end": END, "export": export, **filters}
    return _csv(client.get(REPORT, params))[1:]


def _list(client, metric: str, start: date, end: date, **filters) -> list[list[str]]:
    params = {"metric": metric, "start": start, "end": end, "export": "csv", **filters}
    return _csv(client.get(URL, params))[1:]


def test_each_days_created_and_solved_counts_equal_their_lists(client_for, acme_admin, history):
    client = client_for(acme_admin)
    periods = _report(client, "periods")
    assert sum(int(row[2]) for row in periods) > 0
    assert sum(int(row[3]) for row in periods) > 0
    for row in periods:
        day = date.fromisoformat(row[0])
        created, solved = int(row[2]), int(row[3])
        assert len(_list(client, "created", day, day)) == created, row
        assert len(_list(client, "solved", day, day)) == solved, row
    # The page's count agrees with its rows, and its links carry the same day.
    day = next(date.fromisoformat(row[0]) for row in periods if int(row[2]))
    page = client.get(URL, {"metric": "created", "start": day, "end": day})
    expected = next(int(row[2]) for row in periods if row[0] == day.isoformat())
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('class="ticket-row') == expected
    assert "Download CSV" in text


def test_weekly_and_filtered_counts_equal_their_lists(client_for, acme_admin, history):
    mine, _, _ = history
    client = client_for(acme_admin)
    filters = {"group": mine.number, "priority": "high", "period": "week"}
    for row in _report(client, "periods", **filters):
        week = date.fromisoformat(row[0])
        start, end = max(week, START), min(week + timedelta(days=6), END)
        listed = _list(client, "created", start, end, group=mine.number, priority="high")
        assert len(listed) == int(row[2])
        assert {r[8] for r in listed} <= {"Billing"}


def test_leaderboard_counts_equal_their_lists(client_for, acme_admin, acme_agent, history):
    client = client_for(acme_admin)
    agents = {row[0]: row for row in _report(client, "agents")}
    groups = {row[0]: row for row in _report(client, "groups")}
    numbers = {"Alan Agent": acme_agent.number, "'=Other Agent": history[2].number}
    for name, row in agents.items():
        agent = numbers.get(name, "none" if name == "Unassigned" else None)
        assert agent is not None, name
        assert len(_list(client, "created", START, END, agent=agent)) == int(row[1])
        assert len(_list(client, "solved", START, END, agent=agent)) == int(row[2])
    for name, row in groups.items():
        group = {"Billing": history[0].number, "Hardware": history[1].number}.get(name, "none")
        assert len(_list(client, "created", START, END, group=group)) == int(row[1])
        assert len(_list(client, "solved", START, END, group=group)) == int(row[2])


def test_report_page_links_its_numbers_to_their_lists(client_for, acme_admin, acme_agent, history):
    mine, _, _ = history
    client = client_for(acme_admin)
    params = {"preset": "custom", "start": START, "end": END, "group": mine.number}
    text = client.get(REPORT, params).content.decode()
    links = {unescape(href) for href in re.findall(r'href="(/agent/reports/tickets/[^"]+)"', text)}
    day = f"start={START}&end={START}&group={mine.number}"
    assert f"{URL}?metric=created&{day}" in links  # the day's row and its bar
    assert f"{URL}?metric=solved&{day}" in links
    whole = f"start={START}&end={END}&group={mine.number}"
    assert f"{URL}?metric=created&{whole}" in links  # the range's total
    assert f"{URL}?metric=solved&{whole}&agent={acme_agent.number}" in links  # leaderboard
    # Each link's list answers.
    for link in sorted(links)[:5]:
        assert client.get(link).status_code == 200


def test_an_agent_lists_only_their_own_and_their_groups_tickets(client_for, acme_agent, history):
    _, theirs, other = history
    client = client_for(acme_agent)
    listed = _list(client, "created", START, END)
    assert listed
    assert {row[8] for row in listed} <= {"Billing", ""}
    assert {row[7] for row in listed} <= {"Alan Agent", ""}
    periods = _report(client, "periods")
    assert len(listed) == sum(int(row[2]) for row in periods)
    # Another group or an agent outside theirs is not a choice: a message, not its list.
    for bad in ({"group": theirs.number}, {"agent": other.number}):
        response = client.get(URL, {"metric": "created", "start": START, "end": END, **bad})
        assert response.status_code == 400
        assert "Hardware" not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "This field is required."),
        ({"metric": "deleted", "start": "2026-03-01", "end": "2026-03-02"}, "Select a valid"),
        ({"metric": "created", "start": "yesterday", "end": "2026-03-02"}, "Enter a valid"),
        ({"metric": "created", "start": "2026-03-05", "end": "2026-03-02"}, "ends before"),
        ({"metric": "created", "start": "2020-01-01", "end": "2026-03-02"}, "two years"),
        ({"metric": "solved", "start": "2026-03-01", "end": "2026-03-02", "group": "99"}, "group"),
        ({"metric": "solved", "start": "2026-03-01", "end": "2026-03-02", "agent": "x"}, "agent"),
        ({"metric": "created", "start": "2026-03-01", "end": "2026-03-02", "type": "<b>"}, "valid"),
    ],
)
def test_bad_parameters_are_a_message_not_an_error(client_for, acme_admin, params, message):
    response = client_for(acme_admin).get(URL, params)
    assert response.status_code == 400
    text = response.content.decode()
    assert "This list cannot be shown" in text
    assert message in text


def test_csv_neutralises_formulas_and_holds_the_lists_rows(client_for, acme_admin, history):
    rows = _list(client_for(acme_admin), "created", START, END)
    assert rows and all(row[1].startswith("'=SUM(") for row in rows)


def test_end_users_get_404_and_agents_without_reports_403(acme, client_for, acme_user):
    params = {"metric": "created", "start": "2026-03-01", "end": "2026-03-02"}
    assert client_for(acme_user).get(URL, params).status_code == 404
    light = AgentFactory(
        account=acme,
        email="light@acme.example",
        agent_role=AgentRole.objects.for_account(acme).get(builtin="light_agent"),
    )
    assert client_for(light).get(URL, params).status_code == 403
