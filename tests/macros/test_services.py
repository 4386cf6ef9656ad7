"""Macros' rules through their services: the vocabulary, who sees and manages which
macro, what applying one computes and saves (Activity, private tickets, usage)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from macros.access import macro_for_agent, macro_for_editor
from macros.apply import macro_result
from macros.models import MacroApplication
from macros.selectors import macro_tree, macros_for_agent, shared_macros_with_usage
from macros.services import (
    macro_apply,
    macro_clone,
    macro_create,
    macro_move,
    macro_record_use,
    macros_apply_bulk,
)
from tests.factories import AgentFactory, AgentGroupFactory, make_ticket
from tickets.models import TicketEvent
from tickets.services import NotAllowed


def test_unknown_action_field_or_value_is_a_clear_error(acme, acme_admin):
    with pytest.raises(ValidationError) as exc:
        macro_create(
            account=acme,
            actor=acme_admin,
            title="Bad",
            actions=[{"field": "explode", "value": 1}, {"field": "status", "value": "nope"}],
        )
    assert "Unknown action: explode." in exc.value.messages
    assert "Unknown status: nope." in exc.value.messages


def test_group_and_assignee_of_another_account_are_unknown(acme, acme_admin, globex):
    other = AgentGroupFactory(account=globex)
    with pytest.raises(ValidationError):
        macro_create(
            account=acme,
            actor=acme_admin,
            title="X",
            actions=[{"field": "group_id", "value": other.number + 1000}],
        )


def test_only_admins_create_shared_macros_agents_personal_ones(acme, acme_agent):
    with pytest.raises(NotAllowed):
        macro_create(account=acme, actor=acme_agent, title="Shared", actions=[])
    mine = macro_create(account=acme, actor=acme_agent, title="Mine", actions=[], shared=False)
    assert mine.owner == acme_agent


def test_personal_macros_are_their_owners_alone(acme, acme_agent, acme_admin):
    mine = macro_create(account=acme, actor=acme_agent, title="Mine", actions=[], shared=False)
    other = AgentFactory(account=acme)
    assert mine not in macros_for_agent(viewer=other)
    assert mine in macros_for_agent(viewer=acme_agent)
    from django.http import Http404

    with pytest.raises(Http404):
        macro_for_editor(viewer=acme_admin, number=mine.number)


def test_group_restricted_macro_is_offered_to_members_only(acme, acme_admin, acme_agent, billing):
    macro = macro_create(
        account=acme, actor=acme_admin, title="Billing only", actions=[], groups=[billing]
    )
    outsider = AgentFactory(account=acme)
    assert macro in macros_for_agent(viewer=acme_agent)
    assert macro not in macros_for_agent(viewer=outsider)
    from django.http import Http404

    with pytest.raises(Http404):
        macro_for_agent(viewer=outsider, number=macro.number)


def test_inactive_macros_are_not_offered(acme, acme_admin, acme_agent, refund_macro):
    refund_macro.active = False
    refund_macro.save()
    assert refund_macro not in macros_for_agent(viewer=acme_agent)


def test_titles_with_categories_make_a_tree(acme, acme_admin):
    for title in ("Billing::Refund sent", "Billing::Invoice copy", "Greeting", "Tech::VPN::Reset"):
        macro_create(account=acme, actor=acme_admin, title=title, actions=[])
    tree = macro_tree(list(macros_for_agent(viewer=acme_admin)))
    assert [n["name"] for n in tree] == ["Billing", "Tech", "Greeting"]
    assert [n["name"] for n in tree[0]["children"]] == ["Invoice copy", "Refund sent"]
    assert tree[1]["children"][0]["name"] == "VPN"
    assert tree[1]["children"][0]["children"][0]["macro"].title == "Tech::VPN::Reset"


def test_result_renders_the_trigger_placeholders_and_saves_nothing(
    refund_macro, ticket, acme_agent
):
    events = TicketEvent.objects.for_account(ticket.account).count()
    result = macro_result(macro=refund_macro, ticket=ticket, actor=acme_agent)
    assert result.body == (f"Hi Uma, refund for #{ticket.number} sent. {acme_agent.name}")
    assert result.fields == {"status": "pending", "priority": "high"}
    assert result.tags_for("vip") == "billing refund vip"
    assert result.public is True
    assert TicketEvent.objects.for_account(ticket.account).count() == events
    assert not MacroApplication.objects.for_account(ticket.account).exists()


def test_current_user_assignee_is_whoever_applies(acme, acme_admin, ticket, acme_agent):
    macro = macro_create(
        account=acme,
        actor=acme_admin,
        title="Take it",
        actions=[{"field": "assignee_id", "value": "current_user"}],
    )
    assert macro_result(macro=macro, ticket=ticket, actor=acme_agent).fields == {
        "assignee": acme_agent
    }


def test_macro_public_reply_on_a_private_ticket_is_forced_internal(
    refund_macro, private_ticket, acme_agent
):
    result = macro_result(macro=refund_macro, ticket=private_ticket, actor=acme_agent)
    assert result.public is False and result.forced_internal


def test_applying_saves_each_change_in_the_activity_and_counts_the_use(
    refund_macro, ticket, acme_agent
):
    macro_apply(macro=refund_macro, ticket=ticket, actor=acme_agent)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.tags) == ("pending", "high", "billing refund")
    fields = set(
        TicketEvent.objects.for_account(ticket.account)
        .filter(ticket=ticket, kind=TicketEvent.Kind.CHANGE)
        .values_list("field", flat=True)
    )
    assert {"status", "priority", "tags"} <= fields
    comment = ticket.comments.order_by("-id").first()
    assert comment.public and comment.body.startswith("Hi Uma")
    assert (
        MacroApplication.objects.for_account(ticket.account).filter(macro=refund_macro).count() == 1
    )


def test_bulk_reports_private_tickets_by_number_and_the_others_proceed(
    refund_macro, ticket, private_ticket, acme_agent
):
    outcome = macros_apply_bulk(
        macro=refund_macro, tickets=[ticket, private_ticket], actor=acme_agent
    )
    assert outcome.applied == [ticket.number]
    assert [n for n, _ in outcome.refused] == [private_ticket.number]
    private_ticket.refresh_from_db()
    assert private_ticket.is_private
    assert not private_ticket.comments.filter(public=True).exists()
    assert private_ticket.status != "pending"


def test_macro_never_makes_a_private_ticket_public(refund_macro, private_ticket, acme_agent):
    with pytest.raises(NotAllowed):
        macro_apply(macro=refund_macro, ticket=private_ticket, actor=acme_agent)
    private_ticket.refresh_from_db()
    assert private_ticket.is_private


def test_bulk_reports_a_closed_ticket_too(refund_macro, acme, acme_agent, acme_user):
    closed = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    from tickets.services import ticket_update

    ticket_update(ticket=closed, actor=acme_agent, status="closed")
    outcome = macros_apply_bulk(macro=refund_macro, tickets=[closed], actor=acme_agent)
    assert outcome.applied == [] and outcome.refused[0][0] == closed.number


def test_usage_counts_over_7_and_30_days(refund_macro, ticket, acme_agent, acme):
    macro_record_use(macros=[refund_macro], user=acme_agent, ticket=ticket)
    old = MacroApplication.objects.create(
        account=acme, macro=refund_macro, user=acme_agent, ticket=ticket
    )
    old.applied_at = timezone.now() - dt.timedelta(days=10)
    old.save()
    ancient = MacroApplication.objects.create(account=acme, macro=refund_macro, user=acme_agent)
    ancient.applied_at = timezone.now() - dt.timedelta(days=40)
    ancient.save()
    listed = shared_macros_with_usage(account=acme).get(pk=refund_macro.pk)
    assert (listed.usage_7d, listed.usage_30d) == (1, 2)


def test_clone_is_an_inactive_copy_and_move_reorders(acme, acme_admin, refund_macro):
    copy = macro_clone(macro=refund_macro, actor=acme_admin)
    assert copy.title == "Billing::Refund sent (copy)" and not copy.active
    assert copy.actions == refund_macro.actions
    macro_move(macro=copy, actor=acme_admin, direction="up")
    assert list(shared_macros_with_usage(account=acme)) == [copy, refund_macro]


def test_demo_has_macros_in_three_languages_and_a_second_run_changes_nothing(db):
    from io import StringIO

    from django.core.management import call_command

    from accounts.models import Account
    from macros.models import Macro

    call_command("seed_demo", stdout=StringIO())
    demo = Account.objects.get(subdomain="demo")
    titles = set(Macro.objects.for_account(demo).values_list("title", flat=True))
    assert {
        "Billing::Refund sent",
        "Italiano::Rimborso inviato",
        "Español::Reembolso enviado",
    } <= titles
    assert Macro.objects.for_account(demo).filter(owner__isnull=False).exists()
    count = len(titles)
    call_command("seed_demo", stdout=StringIO())
    assert Macro.objects.for_account(demo).count() == count


def test_admins_have_every_shared_macro_whatever_its_groups(acme, acme_admin, billing):
    macro = macro_create(
        account=acme, actor=acme_admin, title="Billing only", actions=[], groups=[billing]
    )
    assert macro in macros_for_agent(viewer=acme_admin)


def test_a_deleted_ticket_keeps_its_macros_usage(refund_macro, ticket, acme_agent, acme):
    from tickets.services import ticket_delete

    macro_apply(macro=refund_macro, ticket=ticket, actor=acme_agent)
    ticket_delete(ticket=ticket, actor=acme_agent)
    assert shared_macros_with_usage(account=acme).get(pk=refund_macro.pk).usage_7d == 1
