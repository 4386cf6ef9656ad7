"""The SLA achievement rollup (reports.models.ReportSlaDay, reports.sla_rollup): kept by
every writer of the SLA rows and of the tickets' group and agent, equal to a rebuild,
and read so that the page's numbers are exactly the SLA rows' at any moment (a breach
time still ahead counts nowhere until it passes)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.dbsession import account_context
from reports.access import ReportScope, report_scope
from reports.forms import Filters
from reports.models import ReportSlaDay, ReportSlaGroupDay
from reports.services import _rebuild_in_python, account_rebuild, tickets_refresh
from reports.sla import sla_achievement_for
from reports.sla_rollup import settled
from servicelevels.models import SlaTarget
from servicelevels.policies import sla_policy_create, sla_policy_set_active
from tests.factories import (
    AccountFactory,
    AgentFactory,
    AgentGroupFactory,
    EndUserFactory,
    make_ticket,
)
from tickets.models import Ticket
from tickets.services import NotAllowed, comment_add, ticket_delete, ticket_update
from tickets.services.user_merge import users_merge

T0 = datetime(2026, 3, 27, 20, 0, tzinfo=UTC)
METRICS = [
    {"priority": p, "metric": m, "target": t}
    for p in ("urgent", "normal")
    for m, t in (("first_reply_time", 60), ("next_reply_time", 120), ("resolution_time", 600))
]


def _policy(account):
    return sla_policy_create(account=account, title="Standard", conditions={}, metrics=METRICS)


def _rollup(account):
    """The rollup's non-zero rows: (day, group, agent, metric) -> (achieved, breached)."""
    with account_context(account):
        return {
            (r.day, r.group_pk, r.agent_pk, r.metric): (r.achieved, r.breached)
            for r in ReportSlaDay.objects.for_account(account)
            if r.achieved or r.breached
        }


def _by_group(account):
    """ReportSlaGroupDay's non-zero rows: (day, group, metric) -> (achieved, breached)."""
    with account_context(account):
        return {
            (r.day, r.group_pk, r.metric): (r.achieved, r.breached)
            for r in ReportSlaGroupDay.objects.for_account(account)
            if r.achieved or r.breached
        }


def _summed_over_agents(rows):
    summed: dict = {}
    for (day, group, _agent, metric), (achieved, breached) in rows.items():
        a, b = summed.get((day, group, metric), (0, 0))
        summed[(day, group, metric)] = (a + achieved, b + breached)
    return {key: counts for key, counts in summed.items() if any(counts)}


def _expected(account, scope: ReportScope, filters: Filters):
    """reports.sla's definition in Python, from the SLA rows and the tickets as they are
    now: {metric: (achieved, breached)} of the targets settled in the range, up to now."""
    tz = ZoneInfo(account.time_zone)
    start = datetime.combine(filters.start, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(filters.end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    end = min(end, timezone.now())
    found: dict[str, list[int]] = {}
    with account_context(account):
        rows = SlaTarget.objects.for_account(account).select_related("ticket")
        for row in rows:
            t = row.ticket
            if not scope.everything and not (
                t.assignee_id == scope.agent_pk or t.group_id in scope.group_pks
            ):
                continue
            if filters.group_pk and t.group_id != filters.group_pk:
                continue
            if filters.agent_pk and t.assignee_id != filters.agent_pk:
                continue
            counted = settled(row.target_minutes, row.fulfilled_at, row.breach_at)
            if counted and start <= counted[1] < end:
                found.setdefault(row.metric, [0, 0])[counted[0] == "breached"] += 1
    return {m: tuple(n) for m, n in found.items()}


def _read(account, scope, filters):
    with account_context(account):
        rows = sla_achievement_for(account=account, scope=scope, filters=filters)
    return {r.metric: (r.achieved, r.breached) for r in rows}


def _readings_agree(account, agent, group):
    """Every scope and rollup-keyed filter reads what the rows say, over ranges ending
    before today, on today and after it."""
    today = timezone.now().astimezone(ZoneInfo(account.time_zone)).date()
    scopes = [
        ReportScope(everything=True, agent_pk=0, group_pks=frozenset()),
        ReportScope(everything=False, agent_pk=agent.pk, group_pks=frozenset({group.pk})),
        ReportScope(everything=False, agent_pk=agent.pk, group_pks=frozenset()),
    ]
    ranges = [
        (today - timedelta(days=89), today),
        (today - timedelta(days=30), today - timedelta(days=1)),
        (today, today + timedelta(days=3)),
        (today - timedelta(days=2), today + timedelta(days=30)),
    ]
    for scope in scopes:
        for start, end in ranges:
            for extra in ({}, {"group_pk": group.pk}, {"agent_pk": agent.pk}):
                filters = Filters(start=start, end=end, **extra)
                assert _read(account, scope, filters) == _expected(account, scope, filters), (
                    scope,
                    filters,
                )


def test_a_breach_counts_once_its_time_has_passed_today_and_on_later_days(
    acme, acme_agent, acme_user, run
):
    group = AgentGroupFactory(account=acme)
    with time_machine.travel(T0, tick=False) as clock:
        _policy(acme)
        ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
        run(ticket_update, ticket=ticket, actor=acme_agent, priority="urgent", group=group)
        # The first reply's breach time (in an hour) is in the rollup, on its day...
        assert sum(b for _a, b in _rollup(acme).values()) == 2  # first reply, resolution
        admin = ReportScope(everything=True, agent_pk=0, group_pks=frozenset())
        today = T0.date()
        filters = Filters(start=today - timedelta(days=6), end=today + timedelta(days=1))
        # ...but no page counts it before it passes.
        assert _read(acme, admin, filters) == {}
        clock.shift(timedelta(minutes=61))
        assert _read(acme, admin, filters) == {"first_reply_time": (0, 1)}
        _readings_agree(acme, acme_agent, group)
        clock.shift(timedelta(hours=10))  # the resolution's breach: past, and tomorrow
        assert _read(acme, admin, filters) == {
            "first_reply_time": (0, 1),
            "resolution_time": (0, 1),
        }
        _readings_agree(acme, acme_agent, group)
        clock.shift(timedelta(days=3))  # both days settled: read from the rollup
        assert _read(acme, admin, filters) == {
            "first_reply_time": (0, 1),
            "resolution_time": (0, 1),
        }
        _readings_agree(acme, acme_agent, group)


def test_counts_follow_the_group_and_agent_and_leave_with_the_ticket(
    acme, acme_admin, acme_agent, acme_user, run
):
    group, other = AgentGroupFactory(account=acme), AgentGroupFactory(account=acme)
    other.memberships.create(account=acme, user=acme_agent)
    with time_machine.travel(T0, tick=False) as clock:
        _policy(acme)
        ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
        run(ticket_update, ticket=ticket, actor=acme_agent, priority="urgent", group=group)
        clock.shift(timedelta(minutes=30))
        run(comment_add, ticket=ticket, author=acme_agent, body="On it", public=True)
        day = T0.date()
        assert _rollup(acme)[(day, group.pk, 0, "first_reply_time")] == (1, 0)
        run(ticket_update, ticket=ticket, actor=acme_agent, group=other, assignee=acme_agent)
        rows = _rollup(acme)
        assert rows[(day, other.pk, acme_agent.pk, "first_reply_time")] == (1, 0)
        assert not any(key[1] == group.pk for key in rows)
        clock.shift(timedelta(days=2))
        _readings_agree(acme, acme_agent, other)
        before = _rollup(acme)
        account_rebuild(account=acme)
        assert _rollup(acme) == before
        run(
            ticket_delete,
            ticket=Ticket.objects.for_account(acme).get(pk=ticket.pk),
            actor=acme_admin,
        )
        assert _rollup(acme) == {}


def test_a_policy_stopped_takes_its_targets_away(acme, acme_agent, acme_user, run):
    with time_machine.travel(T0, tick=False) as clock:
        policy = _policy(acme)
        for _ in range(2):
            ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
            run(ticket_update, ticket=ticket, actor=acme_agent, priority="urgent")
        clock.shift(timedelta(hours=2))
        assert sum(b for _a, b in _rollup(acme).values()) == 4
        run(sla_policy_set_active, policy=policy, active=False)
        assert _rollup(acme) == _by_group(acme) == {}
        account_rebuild(account=acme)
        assert _rollup(acme) == {}


def test_bulk_refreshes_move_the_counts_of_a_ticket_whose_group_moved(
    acme, acme_admin, acme_agent, acme_user, run
):
    group = AgentGroupFactory(account=acme)
    source, target = EndUserFactory(account=acme), EndUserFactory(account=acme)
    with time_machine.travel(T0, tick=False) as clock:
        _policy(acme)
        tickets = [
            run(make_ticket, account=acme, submitter=source, requester=source) for _ in range(2)
        ]
        for ticket in tickets:
            run(ticket_update, ticket=ticket, actor=acme_agent, priority="normal")
        clock.shift(timedelta(hours=3))
        # Moved by UPDATEs announcing nothing: the next bulk refresh moves their counts.
        Ticket.objects.for_account(acme).filter(pk=tickets[0].pk).update(group=group)
        run(users_merge, source=source, target=target, actor=acme_admin)
        assert {key[1] for key in _rollup(acme)} == {0, group.pk}
        Ticket.objects.for_account(acme).filter(pk=tickets[1].pk).update(assignee=acme_agent)
        tickets_refresh(account_id=acme.pk, ticket_ids=[tickets[1].pk])
        incremental = _rollup(acme)
        assert {key[1:3] for key in incremental} == {(group.pk, 0), (0, acme_agent.pk)}
        account_rebuild(account=acme)
        assert _rollup(acme) == incremental


action = st.one_of(
    st.tuples(st.just("open"), st.booleans()),
    st.tuples(st.just("agent_reply"), st.booleans()),
    st.tuples(st.just("requester_reply"), st.just(True)),
    st.tuples(st.just("status"), st.sampled_from(["open", "pending", "hold", "solved", "closed"])),
    st.tuples(st.just("priority"), st.sampled_from(["low", "normal", "urgent"])),
    st.tuples(st.just("assign"), st.sampled_from([0, 1, 2])),
    st.tuples(st.just("group"), st.sampled_from([0, 1, 2])),
    st.tuples(st.just("policy"), st.booleans()),
)
steps = st.lists(
    st.tuples(action, st.integers(min_value=0, max_value=3), st.integers(0, 60 * 20)),
    max_size=16,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps, zone=st.sampled_from(["UTC", "Europe/Rome", "America/Los_Angeles"]))
def test_incremental_sla_rollup_equals_a_rebuild(db, run, sequence, zone):
    # A fresh account per example: hypothesis reuses the test's database transaction.
    acme = AccountFactory(time_zone=zone)
    agents = [None, AgentFactory(account=acme), AgentFactory(account=acme)]
    groups = [None, AgentGroupFactory(account=acme), AgentGroupFactory(account=acme)]
    for group in groups[1:]:
        for agent in agents[1:]:
            group.memberships.create(account=acme, user=agent)
    requester = EndUserFactory(account=acme)
    tickets = []
    with time_machine.travel(T0, tick=False) as clock:
        policy = _policy(acme)
        for (kind, value), which, minutes in sequence:
            clock.shift(timedelta(minutes=minutes))
            if kind == "policy":
                run(sla_policy_set_active, policy=policy, active=value)
                continue
            if kind == "open" or not tickets:
                submitter = agents[1] if (kind == "open" and value) else requester
                tickets.append(
                    run(
                        make_ticket,
                        account=acme,
                        submitter=submitter,
                        requester=requester,
                        # An end user's ticket has no priority (ticket_open), so no target.
                        **({"priority": "urgent"} if submitter is not requester else {}),
                    )
                )
                continue
            ticket = Ticket.objects.for_account(acme).get(pk=tickets[which % len(tickets)].pk)
            actor = agents[1]
            try:
                if kind == "agent_reply":
                    run(comment_add, ticket=ticket, author=actor, body="R", public=value)
                elif kind == "requester_reply":
                    run(comment_add, ticket=ticket, author=requester, body="A")
                elif kind == "assign":
                    run(ticket_update, ticket=ticket, actor=actor, assignee=agents[value])
                elif kind == "group":
                    run(ticket_update, ticket=ticket, actor=actor, group=groups[value])
                else:
                    run(ticket_update, ticket=ticket, actor=actor, **{kind: value})
            except NotAllowed:
                pass  # closed is final
        incremental = _rollup(acme)
        assert _by_group(acme) == _summed_over_agents(incremental)
        if sequence:
            _readings_agree(acme, agents[1], groups[1])
            clock.shift(timedelta(days=2))
            _readings_agree(acme, agents[1], groups[1])
    account_rebuild(account=acme)
    assert _rollup(acme) == incremental
    assert _by_group(acme) == _summed_over_agents(incremental)
    # The Python pass (SQLite's rebuild) writes the same rows.
    _rebuild_in_python(acme)
    assert _rollup(acme) == incremental
    assert _by_group(acme) == _summed_over_agents(incremental)


def test_the_page_reads_the_coarsest_rollup_that_answers(
    client_for, acme, acme_agent, acme_user, run
):
    group = AgentGroupFactory(account=acme)
    group.memberships.create(account=acme, user=acme_agent)
    with time_machine.travel(T0, tick=False) as clock:
        _policy(acme)
        ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
        run(ticket_update, ticket=ticket, actor=acme_agent, priority="urgent", group=group)
        clock.shift(timedelta(days=1))
        with account_context(acme):
            # Wrong on purpose: the page's numbers for the days before today are the rollup's.
            ReportSlaDay.objects.for_account(acme).filter(
                metric="first_reply_time", group_pk=group.pk
            ).update(breached=7)
        scope = report_scope(viewer=acme_agent)
        filters = Filters(start=date(2026, 3, 1), end=T0.date() + timedelta(days=1))
        assert _read(acme, scope, filters)["first_reply_time"] == (0, 7)
        # An admin's, without an agent filter, are the per-group rollup's.
        with account_context(acme):
            ReportSlaGroupDay.objects.for_account(acme).filter(
                metric="first_reply_time", group_pk=group.pk
            ).update(breached=9)
        admin = ReportScope(everything=True, agent_pk=0, group_pks=frozenset())
        assert _read(acme, admin, filters)["first_reply_time"] == (0, 9)
        assert _read(acme, admin, Filters(start=filters.start, end=filters.end, group_pk=group.pk))[
            "first_reply_time"
        ] == (0, 9)
        agent_filter = Filters(start=filters.start, end=filters.end, agent_pk=acme_agent.pk)
        assert _read(acme, admin, agent_filter) == {}  # unassigned: not the agent's
