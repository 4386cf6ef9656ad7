"""Quick actions on hover (seed 003, issue 27): from a list row, assign a group, change the
stage, postpone; through the services (in the Activity), the row answered for htmx, the
row's version respected."""

from __future__ import annotations

from accounts.models import AgentGroup
from tests.factories import make_ticket
from tickets.models import CustomStatus, Ticket, TicketEvent


def _ticket(acme, acme_user, subject="Quick one"):
    return make_ticket(account=acme, submitter=acme_user, requester=acme_user, subject=subject)


def _post(client, ticket, **data):
    stamp = Ticket.objects.for_account(ticket.account).get(pk=ticket.pk).updated_at.isoformat()
    return client.post(
        f"/agent/tickets/{ticket.number}/quick/",
        {"quick_stamp": stamp} | data,
        headers={"HX-Request": "true"},
    )


def test_the_list_offers_quick_actions_on_every_row(acme, acme_agent, acme_user, client_for):
    ticket = _ticket(acme, acme_user)
    page = client_for(acme_agent).get("/agent/views/unsolved/", follow=True)
    assert f'id="quick-snooze-{ticket.number}"' in page.text
    assert 'class="quick-actions"' in page.text


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
    """The groups, stages and postpone choices are the page's (one <template>), not each
    row's: 50 rows no longer repeat them (bench/README.md, ninth round)."""
    first, second = _ticket(acme, acme_user), _ticket(acme, acme_user)
    group = AgentGroup.objects.for_account(acme).first() or AgentGroup.objects.create(
        account=acme, name="Billing"
    )
    page = client_for(acme_agent).get("/agent/views/unsolved/", follow=True).text
    for ticket in (first, second):
        assert f'id="quick-group-{ticket.number}"' in page
        assert f'<label class="visually-hidden" for="quick-status-{ticket.number}">' in page
    assert page.count('id="quick-menus"') == 1
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    menus = page.split('id="quick-menus"')[1].split("</template>")[0]
    assert f'<option value="{group.number}">{group.name}</option>' in menus
    assert '<option value="1:days">' in menus
    assert group.name not in rows and "1:days" not in rows
