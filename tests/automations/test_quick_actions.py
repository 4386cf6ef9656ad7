"""Quick actions on hover (seed 003, issue 27): from a list row, assign a group, change the
stage, postpone; through the services (in the Activity), the row answered for htmx, the
row's version respected."""

from __future__ import annotations

import re

from accounts.models import AgentGroup
from tests.factories import make_ticket
from tickets.models import CustomStatus, Ticket, TicketEvent
from tickets.services import ticket_update


def _ticket(acme, acme_user, subject="Quick one"):
    return make_ticket(account=acme, submitter=acme_user, requester=acme_user, subject=subject)


def _post(client, ticket, **data):
    stamp = Ticket.objects.for_account(ticket.account).get(pk=ticket.pk).updated_at.isoformat()
    return client.post(
        f"/agent/tickets/{ticket.number}/quick/",
        {"quick_stamp": stamp} | data,
        headers={"HX-Request": "true"},
    )


def _page(client, path="/agent/views/unsolved/"):
    return client.get(path, follow=True).text


def _row_actions(page: str, number: int) -> dict[str, str]:
    """A row's quick-action cell as the page prints it: its attributes."""
    cell = re.search(rf'<div class="quick-actions" ([^>]*data-number="{number}"[^>]*)>', page)
    assert cell, f"no quick actions for #{number}"
    return dict(re.findall(r'([\w-]+)="([^"]*)"', cell.group(1)))


def test_the_list_offers_quick_actions_on_every_row(acme, acme_agent, acme_user, client_for):
    ticket = _ticket(acme, acme_user)
    page = _page(client_for(acme_agent))
    assert _row_actions(page, ticket.number)["data-stamp"]
    assert 'name="quick_snooze"' in page.split('id="quick-menus"')[1]


def test_postpone_from_the_row_snoozes_and_answers_the_row(acme, acme_agent, acme_user, client_for):
    ticket = _ticket(acme, acme_user)
    answer = _post(client_for(acme_agent), ticket, quick_action="snooze", quick_snooze="1:days")
    assert answer.status_code == 200
    assert answer.text.lstrip().startswith("<tr") and "Quick one" in answer.text
    assert Ticket.objects.for_account(acme).get(pk=ticket.pk).snoozed_until is not None
    assert (
        TicketEvent.objects.for_account(acme)
        .filter(ticket=ticket, field="snoozed_until", actor=acme_agent)
        .exists()
    )


def test_assign_group_and_change_stage_from_the_row(acme, acme_agent, acme_user, client_for):
    ticket = _ticket(acme, acme_user)
    group = AgentGroup.objects.for_account(acme).first() or AgentGroup.objects.create(
        account=acme, name="Billing"
    )
    client = client_for(acme_agent)
    assert _post(client, ticket, quick_action="group", quick_group=group.number).status_code == 200
    pending = CustomStatus.objects.for_account(acme).get(category="pending", is_default=True)
    assert (
        _post(client, ticket, quick_action="status", quick_status=pending.number).status_code == 200
    )
    after = Ticket.objects.for_account(acme).get(pk=ticket.pk)
    assert (after.group_id, after.status) == (group.pk, Ticket.Status.PENDING)


def test_a_row_changed_meanwhile_is_not_overwritten(acme, acme_agent, acme_user, client_for):
    ticket = _ticket(acme, acme_user)
    answer = client_for(acme_agent).post(
        f"/agent/tickets/{ticket.number}/quick/",
        {"quick_action": "snooze", "quick_snooze": "1:days", "quick_stamp": "2000-01-01T00:00:00"},
    )
    assert answer.status_code == 409
    assert Ticket.objects.for_account(acme).get(pk=ticket.pk).snoozed_until is None


def test_bad_input_is_a_clear_400(acme, acme_agent, acme_user, client_for):
    ticket = _ticket(acme, acme_user)
    client = client_for(acme_agent)
    assert _post(client, ticket, quick_action="group", quick_group="nope").status_code == 400
    assert _post(client, ticket, quick_action="explode").status_code == 400


def test_the_menus_are_rendered_once_per_page_and_copied_into_rows(
    acme, acme_agent, acme_user, client_for
):
    """The three menus, their labels, groups, stages and postpone choices are the page's
    (one <template>), not each row's: a row carries only its number and stamp, and
    static/js/agent.js copies the menus into it (bench/README.md, "Quick actions once per
    page")."""
    first, second = _ticket(acme, acme_user), _ticket(acme, acme_user)
    group = AgentGroup.objects.for_account(acme).first() or AgentGroup.objects.create(
        account=acme, name="Billing"
    )
    page = _page(client_for(acme_agent))
    assert page.count('id="quick-menus"') == 1
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    for ticket in (first, second):
        assert f'id="row-{ticket.number}"' in rows
        assert _row_actions(rows, ticket.number)
    assert "<select" not in rows and "hx-post" not in rows and "Postpone" not in rows
    menus = page.split('id="quick-menus"')[1].split("</template>")[0]
    assert f'<option value="{group.number}">{group.name}</option>' in menus
    assert '<option value="1:days">' in menus
    for menu in ("group", "status", "snooze"):
        assert f'data-quick-for="{menu}"' in menus and f'data-quick-menu="{menu}"' in menus
    # The script puts the row's number in place of ticket 0's, in the action's own URL.
    assert 'data-url="/agent/tickets/0/quick/"' in page


def test_a_rows_number_and_stamp_act_on_that_ticket_and_a_change_meanwhile_is_refused(
    acme, acme_agent, acme_user, client_for
):
    """What the script sends for a row (the row's number in the URL, its printed stamp as
    quick_stamp) changes that row's ticket and no other; a ticket changed after the page
    was read refuses the same stamp (409) and keeps the change made meanwhile."""
    first, second = _ticket(acme, acme_user, "First"), _ticket(acme, acme_user, "Second")
    client = client_for(acme_agent)
    page = _page(client)
    template = re.search(r'<template id="quick-menus" data-url="([^"]*)" data-view="(\d+)"', page)
    url, view = template.groups()

    def act(ticket, **data):
        stamp = _row_actions(page, ticket.number)["data-stamp"]
        return client.post(
            url.replace("/0/", f"/{ticket.number}/"),
            {"quick_stamp": stamp, "quick_view": view} | data,
            headers={"HX-Request": "true"},
        )

    answer = act(second, quick_action="snooze", quick_snooze="1:days")
    assert answer.status_code == 200
    assert f'id="row-{second.number}"' in answer.text
    assert _row_actions(answer.text, second.number)["data-stamp"]  # the new version
    tickets = Ticket.objects.for_account(acme)
    assert tickets.get(pk=second.pk).snoozed_until is not None
    assert tickets.get(pk=first.pk).snoozed_until is None

    ticket_update(ticket=tickets.get(pk=first.pk), actor=acme_agent, priority="urgent")
    refused = act(first, quick_action="snooze", quick_snooze="1:days")
    assert refused.status_code == 409
    assert "changed meanwhile" in refused.text
    after = tickets.get(pk=first.pk)
    assert (after.snoozed_until, after.priority) == (None, "urgent")
