"""The sidebar's views and the macros an agent may apply are read with SQL compiled once
per agent and process (accounts.compiled, issue 17). What the SQL returns must still
follow the data of the moment: another agent gets their own views, and a group joined
or left changes the views and macros at the next page, with the compiled SQL in place."""

from __future__ import annotations

import pytest

from accounts import compiled
from accounts.services import group_add_agent, group_create, group_remove_agent
from macros.services import macro_create
from tests.factories import AgentFactory, make_ticket
from tickets.models import View
from tickets.services import ticket_update
from tickets.services.saved_views import view_create, view_update
from tickets.view_selectors import view_counts, views_for_agent

UNSOLVED = "/agent/views/3/"
CONDITIONS = {"all": [{"field": "status", "operator": "less_than", "value": "solved"}]}


def test_each_agent_sees_their_own_personal_views(acme, acme_agent, client_for):
    other = AgentFactory(account=acme, name="Olga Other")
    view_create(account=acme, actor=acme_agent, title="Alan's own", conditions=CONDITIONS)
    view_create(account=acme, actor=other, title="Olga's own", conditions=CONDITIONS)
    for _ in range(2):  # the second round runs the SQL compiled by the first
        alan, olga = client_for(acme_agent).get(UNSOLVED).text, client_for(other).get(UNSOLVED).text
        assert "Alan&#x27;s own" in alan and "Olga&#x27;s own" not in alan
        assert "Olga&#x27;s own" in olga and "Alan&#x27;s own" not in olga


def test_a_group_joined_or_left_changes_the_views_and_macros_at_once(
    acme, acme_admin, acme_agent, acme_user, client_for
):
    make_ticket(account=acme, submitter=acme_user, subject="Where is my refund")  # a bulk bar
    billing = group_create(account=acme, name="Billing")
    view_create(
        account=acme,
        actor=acme_admin,
        title="Billing queue",
        conditions=CONDITIONS,
        visibility=View.Visibility.GROUPS,
        groups=[billing.number],
    )
    macro_create(account=acme, actor=acme_admin, title="Refund sent", groups=[billing], actions=[])
    client = client_for(acme_agent)
    page = client.get(UNSOLVED).text
    assert "Billing queue" not in page and "Refund sent" not in page
    group_add_agent(group=billing, agent=acme_agent)
    page = client.get(UNSOLVED).text
    assert "Billing queue" in page and "Refund sent" in page
    group_remove_agent(group=billing, agent=acme_agent)
    page = client.get(UNSOLVED).text
    assert "Billing queue" not in page and "Refund sent" not in page


def test_compiled_rows_are_the_querysets_rows(acme, acme_agent):
    view_create(account=acme, actor=acme_agent, title="Mine", conditions=CONDITIONS)
    key = ("test", acme.pk, acme_agent.pk)
    expected = list(views_for_agent(viewer=acme_agent))
    assert compiled.rows(View, key, lambda: views_for_agent(viewer=acme_agent)) == expected
    again = compiled.rows(View, key, lambda: pytest.fail("compiled twice"))
    assert [(v.pk, v.title, v.conditions) for v in again] == [
        (v.pk, v.title, v.conditions) for v in expected
    ]


def test_compiled_rows_refuse_what_raw_sql_cannot_redo(acme, acme_agent):
    with pytest.raises(ValueError, match="select_related"):
        compiled.rows(View, ("sr",), lambda: View.objects.for_account(acme).select_related("owner"))
    with pytest.raises(Exception, match="without an account"):
        compiled.rows(View, ("unscoped",), lambda: View.objects.all())


def test_sidebar_counts_follow_the_tickets_and_the_views_edits(acme, acme_agent, acme_user):
    """view_counts compiles a sidebar made of timeless views once; the counts still follow
    new tickets, an edited view, and a view relative to now (never compiled)."""
    urgent = view_create(
        account=acme,
        actor=acme_agent,
        title="Urgent",
        conditions={"all": [{"field": "priority", "operator": "is", "value": "urgent"}]},
    )
    recent = view_create(
        account=acme,
        actor=acme_agent,
        title="Recent",
        conditions={"all": [{"field": "created_at", "operator": "within_last_hours", "value": 1}]},
    )

    def count(view):
        fresh = View.objects.for_account(acme).get(pk=view.pk)
        return view_counts(views=[fresh], viewer=acme_agent)[view.number]

    assert count(urgent) == 0 and count(recent) == 0
    ticket = make_ticket(account=acme, submitter=acme_user, subject="Down")
    ticket_update(ticket=ticket, actor=acme_agent, priority="urgent")
    assert count(urgent) == 1 and count(recent) == 1
    view_update(
        view=urgent,
        actor=acme_agent,
        conditions={"all": [{"field": "priority", "operator": "is", "value": "low"}]},
    )
    assert count(urgent) == 0


def test_value_rows_put_each_call_s_ids_in_the_compiled_sql(acme, acme_agent, acme_user):
    """accounts.compiled.value_rows (the ticket page's follow button and time worked):
    compiled once with stand-in ids, each later call answers for its own ticket and agent."""
    from notifications.inapp import ticket_follow
    from notifications.inapp_selectors import is_following
    from timeworked.selectors import ticket_page_time

    other = AgentFactory(account=acme)
    first = make_ticket(account=acme, submitter=acme_user)
    second = make_ticket(account=acme, submitter=acme_user)
    ticket_follow(ticket=second, agent=acme_agent)
    for _ in range(2):  # the second round runs the SQL compiled by the first
        assert not is_following(agent=acme_agent, ticket=first)
        assert is_following(agent=acme_agent, ticket=second)
        assert not is_following(agent=other, ticket=second)
        assert ticket_page_time(ticket=first, agent=acme_agent) == {
            "timer_started": None,
            "required": False,
        }


def test_value_rows_run_a_read_without_its_stand_ins_as_built(acme):
    """A read whose SQL does not carry the ids as parameters is never cached."""
    calls = []

    def build(number):
        calls.append(number)
        return View.objects.for_account(acme).filter(number__gt=0).values_list("pk")[:1]

    key = ("test_no_stand_in", acme.pk)
    for _ in range(2):
        compiled.value_rows(View, key, build, (5,))
    assert calls[1::2] == [5, 5]  # each call ran build with the real id
