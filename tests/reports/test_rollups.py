"""The rollups: what each number counts (reports.metrics' definitions), in which local
day, and the property that the rollups kept change by change equal a rebuild from the
tickets' histories."""

from datetime import UTC, date, datetime, timedelta

import time_machine
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.dbsession import account_context
from customfields.models import FieldKind, TicketField
from reports import metrics
from reports.models import (
    ReportAgentDay,
    ReportAgentMonth,
    ReportAttributeDay,
    ReportAttributeMonth,
    ReportChannelAgentDay,
    ReportChannelAgentMonth,
    ReportDay,
    ReportFieldValueAgentDay,
    ReportFieldValueDay,
    ReportGroupDay,
    ReportOrganizationAgentDay,
    ReportOrganizationDay,
    ReportPriorityAgentDay,
    ReportPriorityAgentMonth,
    ReportSlaDay,
    ReportSlaGroupDay,
    ReportTagAgentDay,
    ReportTagDay,
    ReportTicket,
    ReportTypeAgentDay,
    ReportTypeAgentMonth,
)
from reports.services import _rebuild_in_python, account_rebuild
from servicelevels.policies import sla_policy_create
from tests.factories import (
    AccountFactory,
    AgentFactory,
    AgentGroupFactory,
    EndUserFactory,
    OrganizationFactory,
    make_ticket,
)
from tickets.models import Ticket
from tickets.services import NotAllowed, comment_add, ticket_update, tickets_bulk_update

T0 = datetime(2026, 3, 27, 20, 0, tzinfo=UTC)


def _table(account):
    """Every non-zero count, keyed by day and dimensions."""
    with account_context(account):
        rows = ReportDay.objects.for_account(account).values()
        out = {}
        for row in rows:
            key = (
                row["day"],
                row["group_pk"],
                row["agent_pk"],
                row["channel"],
                row["priority"],
                row["type"],
                row["organization_pk"],
            )
            counts = {m: row[m] for m in metrics.MEASURES if row[m]}
            if counts:
                out[key] = counts
        return out


def _coarse(account, model=ReportAgentDay, keys=("day", "group_pk", "agent_pk")):
    """A coarse table's non-zero counts, keyed by its key (day, group[, agent])."""
    with account_context(account):
        out = {}
        for row in model.objects.for_account(account).values():
            counts = {m: row[m] for m in metrics.MEASURES if row[m]}
            if counts:
                out[tuple(row[k] for k in keys)] = counts
        return out


# Each coarse table with its key, and where its columns are in the fine key (_table's).
COARSE = (
    (ReportAgentDay, ("day", "group_pk", "agent_pk"), (0, 1, 2)),
    (ReportGroupDay, ("day", "group_pk"), (0, 1)),
    (
        ReportOrganizationAgentDay,
        ("day", "organization_pk", "group_pk", "agent_pk"),
        (0, 6, 1, 2),
    ),
    (ReportOrganizationDay, ("day", "organization_pk"), (0, 6)),
    (ReportAttributeDay, ("day", "group_pk", "channel", "priority", "type"), (0, 1, 3, 4, 5)),
    (ReportChannelAgentDay, ("day", "group_pk", "agent_pk", "channel"), (0, 1, 2, 3)),
    (ReportPriorityAgentDay, ("day", "group_pk", "agent_pk", "priority"), (0, 1, 2, 4)),
    (ReportTypeAgentDay, ("day", "group_pk", "agent_pk", "type"), (0, 1, 2, 5)),
)
# The tables per month (on its first day), likewise.
MONTHLY = (
    (ReportAttributeMonth, ("day", "group_pk", "channel", "priority", "type"), (0, 1, 3, 4, 5)),
    (ReportChannelAgentMonth, ("day", "group_pk", "agent_pk", "channel"), (0, 1, 2, 3)),
    (ReportPriorityAgentMonth, ("day", "group_pk", "agent_pk", "priority"), (0, 1, 2, 4)),
    (ReportTypeAgentMonth, ("day", "group_pk", "agent_pk", "type"), (0, 1, 2, 5)),
    (ReportAgentMonth, ("day", "group_pk", "agent_pk"), (0, 1, 2)),
)


def _monthly(table, at):
    """The fine table summed per month (on its first day) and the key columns at
    positions ``at`` (the day first): what a monthly table must hold."""
    out = {}
    for key, counts in table.items():
        merged = out.setdefault((key[0].replace(day=1), *key[1:]), {})
        for m, n in counts.items():
            merged[m] = merged.get(m, 0) + n
    return _summed(out, at)


def _coarse_tables(account):
    return (
        tuple(_coarse(account, model, keys) for model, keys, _at in COARSE)
        + tuple(_coarse(account, model, keys) for model, keys, _at in MONTHLY)
        + _tag_tables(account)
        + _value_tables(account)
    )


TAGGED = (
    (ReportTagAgentDay, ("day", "tag", "group_pk", "agent_pk")),
    (ReportTagDay, ("day", "tag", "group_pk")),
)


def _tag_tables(account):
    return tuple(_coarse(account, model, keys) for model, keys in TAGGED)


def _per_tag(counted):
    """What the tag rollups must hold: each ticket's stored days under each of its tags."""
    tables = []
    for _model, keys in TAGGED:
        out = {}
        for kept in counted.values():
            for tag in kept["tags"]:
                for day, counts in kept["days"].items():
                    key = (date.fromisoformat(day), tag, *kept["dims"][: len(keys) - 2])
                    merged = out.setdefault(key, {})
                    for m, n in counts.items():
                        merged[m] = merged.get(m, 0) + n
        tables.append({k: {m: n for m, n in c.items() if n} for k, c in out.items()})
    return tuple({k: c for k, c in table.items() if c} for table in tables)


VALUED = (
    (ReportFieldValueAgentDay, ("day", "field_number", "value", "group_pk", "agent_pk")),
    (ReportFieldValueDay, ("day", "field_number", "value", "group_pk")),
)


def _value_tables(account):
    return tuple(_coarse(account, model, keys) for model, keys in VALUED)


def _per_value(counted):
    """What the drop-down value rollups must hold: each ticket's stored days under each
    (field, value) it counted."""
    tables = []
    for _model, keys in VALUED:
        out = {}
        for kept in counted.values():
            for number, value in kept["fields"]:
                for day, counts in kept["days"].items():
                    dims = kept["dims"][: len(keys) - 3]
                    merged = out.setdefault((date.fromisoformat(day), number, value, *dims), {})
                    for m, n in counts.items():
                        merged[m] = merged.get(m, 0) + n
        tables.append({k: {m: n for m, n in c.items() if n} for k, c in out.items()})
    return tuple({k: c for k, c in table.items() if c} for table in tables)


def _summed(table, at):
    """The fine table summed per the key columns at positions ``at``: what a coarse one
    must hold."""
    out = {}
    for key, counts in table.items():
        merged = out.setdefault(tuple(key[i] for i in at), {})
        for m, n in counts.items():
            merged[m] = merged.get(m, 0) + n
    # A measure netting to zero over the fine rows is a zero (left out) in the coarse row.
    out = {key: {m: n for m, n in counts.items() if n} for key, counts in out.items()}
    return {key: counts for key, counts in out.items() if counts}


def _counted(account):
    """Each ticket's ReportTicket.counted, zero counts left out."""
    with account_context(account):
        return {
            row.ticket_id: {
                "dims": row.counted["dims"],
                "tags": row.counted.get("tags", []),
                "fields": row.counted.get("fields", []),
                "days": {
                    day: {m: n for m, n in counts.items() if n}
                    for day, counts in row.counted["days"].items()
                },
            }
            for row in ReportTicket.objects.for_account(account)
        }


def _totals(account):
    totals = {}
    for counts in _table(account).values():
        for m, n in counts.items():
            totals[m] = totals.get(m, 0) + n
    return totals


def test_first_reply_is_the_first_public_agent_comment_not_the_opening_one(
    acme, acme_agent, acme_user, run
):
    with time_machine.travel(T0, tick=False) as clock:
        ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
        clock.shift(timedelta(minutes=10))
        run(comment_add, ticket=ticket, author=acme_agent, body="Note", public=False)
        run(comment_add, ticket=ticket, author=acme_user, body="Anyone?")
        clock.shift(timedelta(minutes=20))
        run(comment_add, ticket=ticket, author=acme_agent, body="Here")
        clock.shift(timedelta(minutes=5))
        run(comment_add, ticket=ticket, author=acme_agent, body="And again")
    totals = _totals(acme)
    assert totals["frt_count"] == 1
    assert totals["frt_seconds"] == 30 * 60
    assert totals[f"frt_{metrics.bucket(30 * 60)}"] == 1
    assert totals["replies"] == 2
    assert totals["created"] == 1


def test_proactive_ticket_opened_by_an_agent_has_no_first_reply_time(
    acme, acme_agent, acme_user, run
):
    ticket = run(make_ticket, account=acme, submitter=acme_agent, requester=acme_user)
    run(comment_add, ticket=ticket, author=acme_agent, body="Following up")
    totals = _totals(acme)
    assert "frt_count" not in totals
    assert totals["replies"] == 1


def test_solved_counted_once_on_the_last_solve_day_and_reopen_counted(
    acme, acme_agent, acme_user, run
):
    with time_machine.travel(T0, tick=False) as clock:
        ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
        run(ticket_update, ticket=ticket, actor=acme_agent, status="solved")
        clock.shift(timedelta(days=2))
        run(ticket_update, ticket=ticket, actor=acme_agent, status="open")
        clock.shift(timedelta(days=1))
        run(ticket_update, ticket=ticket, actor=acme_agent, status="solved")
    by_day = {key[0]: counts for key, counts in _table(acme).items()}
    assert by_day[date(2026, 3, 29)] == {"reopened": 1, "unsolved_open": 1}
    assert by_day[date(2026, 3, 30)]["unsolved_open"] == -1
    assert by_day[date(2026, 3, 30)]["solved"] == 1
    assert by_day[date(2026, 3, 30)]["res_seconds"] == 3 * 86400
    assert sum(c.get("solved", 0) for c in by_day.values()) == 1


def test_days_are_the_accounts_local_days(acme, acme_user, run):
    acme.time_zone = "Asia/Tokyo"
    acme.save()
    # 20:00 UTC on the 27th is 05:00 on the 28th in Tokyo.
    with time_machine.travel(T0, tick=False):
        run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
    assert [key[0] for key in _table(acme)] == [date(2026, 3, 28)]


def test_counts_follow_the_ticket_to_its_current_group_and_agent(acme, acme_agent, acme_user, run):
    group = AgentGroupFactory(account=acme)
    group.memberships.create(account=acme, user=acme_agent)
    ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
    run(ticket_update, ticket=ticket, actor=acme_agent, group=group, assignee=acme_agent)
    ((key, counts),) = _table(acme).items()
    assert key[1:3] == (group.pk, acme_agent.pk)
    # Assigned, it moved from New to Open (the same day: New nets to nothing).
    assert counts == {"created": 1, "unsolved_open": 1}


def test_satisfaction_counted_on_the_rating_day(acme, acme_agent, acme_user, run):
    from satisfaction.services import rate

    ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
    run(ticket_update, ticket=ticket, actor=acme_agent, status="solved")
    run(rate, ticket=ticket, user=acme_user, score="bad")
    run(rate, ticket=ticket, user=acme_user, score="good")
    totals = _totals(acme)
    assert totals["csat_good"] == 1
    assert "csat_bad" not in totals


def test_another_accounts_changes_never_reach_the_rollups(
    acme, globex, globex_agent, globex_user, run
):
    run(make_ticket, account=globex, submitter=globex_user, requester=globex_user)
    assert _table(acme) == {}
    assert _totals(globex)["created"] == 1


def test_rebuild_command_counts_every_account(acme, acme_user, globex, globex_user):
    # Written without the after-commit refresh: only the rebuild counts them.
    make_ticket(account=acme, submitter=acme_user, requester=acme_user)
    make_ticket(account=globex, submitter=globex_user, requester=globex_user)
    assert _table(acme) == {}
    call_command("rebuild_reports")
    assert _totals(acme) == {"created": 1, "unsolved_new": 1}
    assert _totals(globex) == {"created": 1, "unsolved_new": 1}
    for account in (acme, globex):
        *untagged, by_tag, by_tag_group, by_value, by_value_group = _coarse_tables(account)
        for table in untagged:
            assert list(table.values()) == [{"created": 1, "unsolved_new": 1}]
        assert by_tag == by_tag_group == {}  # no tag: counted under none
        assert by_value == by_value_group == {}  # no drop-down value: likewise


SLA_METRICS = [
    {"priority": p, "metric": m, "target": 60}
    for p in ("low", "normal", "high", "urgent")
    for m in ("first_reply_time", "resolution_time")
]


def _sla_rollup(account):
    with account_context(account):
        rows = ReportSlaDay.objects.for_account(account).values_list(
            "day", "group_pk", "agent_pk", "metric", "achieved", "breached"
        )
        groups = ReportSlaGroupDay.objects.for_account(account).values_list(
            "day", "group_pk", "metric", "achieved", "breached"
        )
        return (
            {tuple(r[:4]): r[4:] for r in rows if r[4] or r[5]},
            {tuple(r[:3]): r[3:] for r in groups if r[3] or r[4]},
        )


STATUSES = ["open", "pending", "hold", "solved", "closed"]
action = st.one_of(
    st.tuples(st.just("open"), st.booleans()),
    st.tuples(st.just("agent_reply"), st.booleans()),
    st.tuples(st.just("requester_reply"), st.just(True)),
    st.tuples(st.just("status"), st.sampled_from(STATUSES)),
    st.tuples(st.just("priority"), st.sampled_from(["low", "normal", "high", "urgent"])),
    st.tuples(st.just("assign"), st.booleans()),
    # Moved to the first or the second organization, or to none.
    st.tuples(st.just("organization"), st.sampled_from([0, 1, 2])),
    st.tuples(st.just("rate"), st.sampled_from(["good", "bad"])),
    # Tags set (added and removed at once), or one added as the list's bulk bar does.
    st.tuples(st.just("tags"), st.sampled_from(["", "vip", "vip billing", "billing", "a-b ab"])),
    st.tuples(st.just("add_tag"), st.sampled_from(["vip", "later"])),
    # Drop-down values set, changed and cleared; a text field's value (never counted).
    st.tuples(
        st.just("fields"),
        st.sampled_from(
            [
                (("impact", "high"),),
                (("impact", "low"), ("product", "hardware")),
                (("impact", ""),),
                (("product", "software"),),
                (("note", "free words"),),
            ]
        ),
    ),
)
steps = st.lists(
    st.tuples(action, st.integers(min_value=0, max_value=3), st.integers(0, 60 * 30)),
    max_size=16,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps, zone=st.sampled_from(["UTC", "Europe/Rome", "America/Los_Angeles"]))
def test_incremental_rollups_equal_a_rebuild_from_the_events(db, run, sequence, zone):
    from satisfaction.services import rate

    # A fresh account per example: hypothesis reuses the test's database transaction.
    acme = AccountFactory(time_zone=zone)
    acme_agent, other = AgentFactory(account=acme), AgentFactory(account=acme)
    acme_user = EndUserFactory(account=acme)
    organizations = [None, OrganizationFactory(account=acme), OrganizationFactory(account=acme)]
    with account_context(acme):
        note = TicketField.objects.create(account=acme, kind=FieldKind.TEXT, title="Note")
        numbers = {
            "impact": TicketField.objects.for_account(acme).get(title="Impact").key,
            "product": TicketField.objects.for_account(acme).get(title="Product family").key,
            "note": note.key,
        }
    tickets = []
    with time_machine.travel(T0, tick=False) as clock:
        # SLA targets too: the SLA rollup (reports.sla_rollup) is held to its rebuild.
        sla_policy_create(account=acme, title="Standard", conditions={}, metrics=SLA_METRICS)
        for (kind, value), which, minutes in sequence:
            clock.shift(timedelta(minutes=minutes))
            if kind == "open" or not tickets:
                submitter = acme_agent if (kind == "open" and value) else acme_user
                tickets.append(
                    run(make_ticket, account=acme, submitter=submitter, requester=acme_user)
                )
                continue
            ticket = tickets[which % len(tickets)]
            try:
                if kind == "agent_reply":
                    run(comment_add, ticket=ticket, author=acme_agent, body="R", public=value)
                elif kind == "requester_reply":
                    run(comment_add, ticket=ticket, author=acme_user, body="A")
                elif kind == "assign":
                    run(
                        ticket_update,
                        ticket=ticket,
                        actor=acme_agent,
                        assignee=acme_agent if value else other,
                    )
                elif kind == "organization":
                    run(
                        ticket_update,
                        ticket=ticket,
                        actor=acme_agent,
                        organization=organizations[value],
                    )
                elif kind == "add_tag":
                    run(
                        tickets_bulk_update,
                        account=acme,
                        actor=acme_agent,
                        tickets=[Ticket.objects.for_account(acme).get(pk=ticket.pk)],
                        add_tags=value,
                    )
                elif kind == "fields":
                    values = {numbers[name]: v for name, v in value}
                    run(ticket_update, ticket=ticket, actor=acme_agent, custom_fields=values)
                elif kind == "rate":
                    run(
                        rate,
                        ticket=Ticket.objects.for_account(acme).get(pk=ticket.pk),
                        user=acme_user,
                        score=value,
                    )
                else:
                    run(ticket_update, ticket=ticket, actor=acme_agent, **{kind: value})
            except NotAllowed:
                pass  # closed is final; rating an unsolved ticket is refused
    incremental, counted, coarse = _table(acme), _counted(acme), _coarse_tables(acme)
    sla = _sla_rollup(acme)
    # The coarse rows kept change by change are the fine ones summed, the tags' each
    # ticket's stored days under each tag it carries now...
    assert coarse == (
        tuple(_summed(incremental, at) for _model, _keys, at in COARSE)
        + tuple(_monthly(incremental, at) for _model, _keys, at in MONTHLY)
        + _per_tag(counted)
        + _per_value(counted)
    )
    current = dict(Ticket.objects.for_account(acme).values_list("pk", "tags"))
    assert {pk: kept["tags"] for pk, kept in counted.items()} == {
        pk: sorted(set(current[pk].split())) for pk in counted
    }
    # Each ticket counted under its drop-down values now, never the text field's.
    values = dict(Ticket.objects.for_account(acme).values_list("pk", "custom_fields"))
    dropdowns = {int(numbers["impact"]), int(numbers["product"])}
    assert {pk: kept["fields"] for pk, kept in counted.items()} == {
        pk: sorted([int(k), v] for k, v in values[pk].items() if int(k) in dropdowns)
        for pk in counted
    }
    account_rebuild(account=acme)
    assert incremental == _table(acme)
    # ...and equal what the rebuild writes.
    assert coarse == _coarse_tables(acme)
    assert sla == _sla_rollup(acme)
    # The Python pass (SQLite's rebuild) writes the same fine and coarse rows.
    _rebuild_in_python(acme)
    assert (incremental, coarse, counted) == (_table(acme), _coarse_tables(acme), _counted(acme))
    assert sla == _sla_rollup(acme)
    # What each ticket counted too: the next change's refresh subtracts it.
    assert counted == _counted(acme)
