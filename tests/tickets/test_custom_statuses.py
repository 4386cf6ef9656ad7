"""Custom statuses (issue 19): a ticket's status is always its custom status's category,
whichever road changes it; admins manage them in Settings › Statuses."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import AgentFactory, make_ticket
from tickets.models import CustomStatus, Ticket, TicketEvent
from tickets.services import NotAllowed, comment_add, ticket_update, tickets_bulk_update
from tickets.services.statuses import (
    custom_status_create,
    custom_status_update,
    custom_statuses_reorder,
)

SETTINGS = "/agent/settings/statuses/"


def named(account, label: str) -> CustomStatus:
    return CustomStatus.objects.for_account(account).get(agent_label=label)


def default(account, category: str) -> CustomStatus:
    return CustomStatus.objects.for_account(account).get(category=category, is_default=True)


def assert_consistent(ticket: Ticket) -> None:
    ticket.refresh_from_db()
    category = "solved" if ticket.status == "closed" else ticket.status
    assert ticket.custom_status is not None
    assert ticket.custom_status.category == category
    assert ticket.custom_status.account_id == ticket.account_id


@pytest.fixture
def admin_client(client_for, acme_admin):
    return client_for(acme_admin)


def test_new_account_has_one_built_in_status_per_category_and_the_escalation_stages(acme):
    statuses = CustomStatus.objects.for_account(acme)
    defaults = {s.category: s.agent_label for s in statuses if s.is_default}
    assert defaults == {
        "new": "New",
        "open": "Open",
        "pending": "Pending",
        "hold": "On-hold",
        "solved": "Solved",
    }
    stages = {s.agent_label: s.category for s in statuses if not s.is_default}
    assert stages == {
        "Escalation submitted": "hold",
        "In evaluation": "open",
        "Engineering": "open",
        "Verify resolution": "pending",
        "Resolved": "solved",
    }


def test_a_new_ticket_takes_its_categorys_default(acme, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    assert ticket.custom_status == default(acme, "new")
    assigned = make_ticket(account=acme, submitter=acme_agent, assignee=acme_agent)
    assert assigned.status == "open" and assigned.custom_status == default(acme, "open")


def test_a_ticket_created_with_a_custom_status_takes_its_category(acme, acme_agent):
    ticket = make_ticket(
        account=acme, submitter=acme_agent, custom_status=named(acme, "Verify resolution")
    )
    assert ticket.status == "pending"
    assert_consistent(ticket)


def test_choosing_a_custom_status_sets_the_category(acme, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    change = ticket_update(
        ticket=ticket, actor=acme_agent, custom_status=named(acme, "Engineering")
    )
    assert change.ticket.status == "open"
    assert_consistent(ticket)
    ticket_update(ticket=ticket, actor=acme_agent, custom_status=named(acme, "Resolved"))
    ticket.refresh_from_db()
    assert ticket.status == "solved" and ticket.solved_at is not None


def test_choosing_a_category_alone_picks_its_default_or_keeps_a_status_of_that_category(
    acme, acme_agent
):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    ticket_update(ticket=ticket, actor=acme_agent, status="pending")
    ticket.refresh_from_db()
    assert ticket.custom_status == default(acme, "pending")
    ticket_update(ticket=ticket, actor=acme_agent, custom_status=named(acme, "Engineering"))
    ticket_update(ticket=ticket, actor=acme_agent, status="open")  # already open
    ticket.refresh_from_db()
    assert ticket.custom_status == named(acme, "Engineering")


def test_closing_keeps_the_solved_status_and_the_category_closed(acme, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    ticket_update(ticket=ticket, actor=acme_agent, custom_status=named(acme, "Resolved"))
    ticket_update(ticket=ticket, actor=acme_agent, status="closed")
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.custom_status == named(acme, "Resolved")
    assert_consistent(ticket)


def test_a_reply_with_a_custom_status_sets_both(acme, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    comment_add(
        ticket=ticket, author=acme_agent, body="Passed on", custom_status=named(acme, "Engineering")
    )
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.custom_status == named(acme, "Engineering")


def test_end_users_never_change_the_custom_status(acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    comment_add(
        ticket=ticket, author=acme_user, body="Any news?", custom_status=named(acme, "Resolved")
    )
    ticket.refresh_from_db()
    assert ticket.custom_status == default(acme, "new")


def test_a_status_of_another_account_is_refused(acme, acme_agent, globex):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    with pytest.raises(ValidationError):
        ticket_update(ticket=ticket, actor=acme_agent, custom_status=named(globex, "Engineering"))
    ticket.refresh_from_db()
    assert ticket.status == "new" and ticket.custom_status == default(acme, "new")


def test_an_inactive_status_cannot_be_chosen_but_a_ticket_keeps_it(acme, acme_admin, acme_agent):
    engineering = named(acme, "Engineering")
    ticket = make_ticket(account=acme, submitter=acme_agent, custom_status=engineering)
    custom_status_update(custom_status=engineering, actor=acme_admin, is_active=False)
    other = make_ticket(account=acme, submitter=acme_agent)
    with pytest.raises(ValidationError):
        ticket_update(ticket=other, actor=acme_agent, custom_status=engineering)
    ticket_update(ticket=ticket, actor=acme_agent, priority="high")
    ticket.refresh_from_db()
    assert ticket.custom_status == engineering


def test_bulk_update_sets_a_custom_status_on_every_ticket(acme, acme_agent):
    tickets = [make_ticket(account=acme, submitter=acme_agent) for _ in range(2)]
    tickets_bulk_update(
        account=acme, actor=acme_agent, tickets=tickets, custom_status=named(acme, "In evaluation")
    )
    for ticket in tickets:
        assert_consistent(ticket)
        assert ticket.custom_status == named(acme, "In evaluation")


def test_activity_records_old_and_new_custom_status(acme, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_agent, assignee=acme_agent)
    ticket_update(ticket=ticket, actor=acme_agent, custom_status=named(acme, "Engineering"))
    event = TicketEvent.objects.for_account(acme).get(ticket=ticket, field="custom_status")
    assert (event.old_value, event.new_value) == ("Open", "Engineering")
    ticket_update(ticket=ticket, actor=acme_agent, status="pending")
    assert TicketEvent.objects.for_account(acme).filter(
        ticket=ticket, field="custom_status", old_value="Engineering", new_value="Pending"
    )
    # Between built-in statuses the status's own line says it.
    ticket_update(ticket=ticket, actor=acme_agent, status="hold")
    assert TicketEvent.objects.for_account(acme).filter(
        ticket=ticket, field="status", new_value="hold"
    )
    assert not TicketEvent.objects.for_account(acme).filter(
        ticket=ticket, field="custom_status", new_value="On-hold"
    )


def test_built_in_statuses_can_be_renamed_but_not_deactivated(acme, acme_admin):
    pending = default(acme, "pending")
    custom_status_update(custom_status=pending, actor=acme_admin, agent_label="Waiting")
    assert default(acme, "pending").agent_name == "Waiting"
    with pytest.raises(NotAllowed):
        custom_status_update(custom_status=pending, actor=acme_admin, is_active=False)


def test_only_admins_change_statuses(acme, acme_agent):
    with pytest.raises(NotAllowed):
        custom_status_create(account=acme, actor=acme_agent, category="pending", agent_label="X")
    with pytest.raises(NotAllowed):
        custom_statuses_reorder(account=acme, actor=acme_agent, numbers=[])


def test_a_status_needs_a_label_and_a_category(acme, acme_admin):
    with pytest.raises(ValidationError):
        custom_status_create(account=acme, actor=acme_admin, category="pending", agent_label=" ")
    with pytest.raises(ValidationError):
        custom_status_create(account=acme, actor=acme_admin, category="closed", agent_label="X")


# --- Settings › Statuses -------------------------------------------------------------


def test_admin_lists_statuses_by_category_and_adds_one(acme, admin_client):
    page = admin_client.get(SETTINGS).text
    assert "Engineering" in page and "Verify resolution" in page
    response = admin_client.post(
        SETTINGS,
        {"category": "pending", "agent_label": "Awaiting parts", "end_user_label": "On its way"},
    )
    assert response.status_code == 302
    parts = named(acme, "Awaiting parts")
    assert parts.category == "pending" and parts.end_user_label == "On its way"
    assert not parts.is_default


def test_a_bad_new_status_keeps_what_was_typed(acme, admin_client):
    response = admin_client.post(
        SETTINGS, {"category": "nonsense", "agent_label": "Awaiting parts"}
    )
    assert response.status_code == 400
    assert 'value="Awaiting parts"' in response.text


def test_admin_renames_deactivates_and_reorders(acme, admin_client):
    engineering = named(acme, "Engineering")
    url = f"{SETTINGS}{engineering.number}/"
    response = admin_client.post(url, {"agent_label": "With engineering", "end_user_label": "x"})
    assert response.status_code == 302
    engineering.refresh_from_db()
    assert engineering.agent_label == "With engineering"
    admin_client.post(url + "toggle/")
    engineering.refresh_from_db()
    assert not engineering.is_active
    evaluation = named(acme, "In evaluation")
    admin_client.post(url + "move/", {"direction": "up"})
    engineering.refresh_from_db()
    evaluation.refresh_from_db()
    assert engineering.position < evaluation.position


def test_a_built_in_status_saved_unchanged_keeps_its_stored_label(acme, acme_admin, client_for):
    acme_admin.locale = "it"
    acme_admin.save()
    client = client_for(acme_admin)
    new = default(acme, "new")
    page = client.get(f"{SETTINGS}{new.number}/").text
    assert 'value="Nuovo"' in page
    client.post(f"{SETTINGS}{new.number}/", {"agent_label": "Nuovo", "end_user_label": "Aperto"})
    new.refresh_from_db()
    assert (new.agent_label, new.end_user_label) == ("New", "Open")


def test_agents_and_other_accounts_cannot_manage_statuses(acme, globex, client_for):
    agent = client_for(AgentFactory(account=acme))
    assert agent.get(SETTINGS).status_code == 403
    globex_admin = client_for(AgentFactory(account=globex, role="admin"))
    number = named(acme, "Engineering").number
    # Numbers are per account: globex's own status of that number, never acme's.
    assert named(globex, "Engineering").number == number
    response = globex_admin.post(f"{SETTINGS}999999/", {"agent_label": "x"})
    assert response.status_code == 404


# --- The ticket page and the lists -----------------------------------------------------


def test_the_sidebar_offers_custom_statuses_grouped_by_category(acme, acme_agent, agent_client):
    ticket = make_ticket(account=acme, submitter=acme_agent, assignee=acme_agent)
    page = agent_client.get(f"/agent/tickets/{ticket.number}/").text
    assert '<optgroup label="Open">' in page
    engineering = named(acme, "Engineering")
    assert f'<option value="{engineering.number}">Engineering</option>' in page


def test_the_sidebar_sets_a_custom_status(acme, acme_agent, agent_client):
    ticket = make_ticket(account=acme, submitter=acme_agent, assignee=acme_agent)
    engineering = named(acme, "Engineering")
    current = "open"  # a built-in status's value is its category's name
    response = agent_client.post(
        f"/agent/tickets/{ticket.number}/fields/",
        {
            "requester": ticket.requester.email,
            "initial-requester": ticket.requester.email,
            "status": str(engineering.number),
            "initial-status": current,
            "assignee": str(acme_agent.number),
            "initial-assignee": str(acme_agent.number),
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.custom_status == engineering and ticket.status == "open"
    page = agent_client.get(f"/agent/tickets/{ticket.number}/").text
    assert '<span class="badge status-open">Engineering</span>' in page
    activity = agent_client.get(f"/agent/tickets/{ticket.number}/?tab=activity").text
    assert "Custom status" in activity and "Engineering" in activity


def test_choosing_a_built_in_status_in_the_sidebar_leaves_an_added_one_of_its_category(
    acme, acme_agent, agent_client
):
    verify = named(acme, "Verify resolution")
    ticket = make_ticket(account=acme, submitter=acme_agent, custom_status=verify)
    response = agent_client.post(
        f"/agent/tickets/{ticket.number}/fields/",
        {
            "requester": ticket.requester.email,
            "initial-requester": ticket.requester.email,
            "status": "pending",
            "initial-status": str(verify.number),
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.custom_status == default(acme, "pending")


def test_bulk_update_offers_and_sets_custom_statuses(acme, acme_agent, agent_client):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    page = agent_client.get("/agent/views/unsolved/", follow=True).text
    verify = named(acme, "Verify resolution")
    assert f'<option value="{verify.number}">Verify resolution</option>' in page
    agent_client.post(
        "/agent/tickets/bulk/", {"tickets": [ticket.number], "status": str(verify.number)}
    )
    ticket.refresh_from_db()
    assert ticket.custom_status == verify and ticket.status == "pending"


def test_lists_show_the_agent_label(acme, acme_agent, agent_client):
    make_ticket(
        account=acme, submitter=acme_agent, subject="Hot", custom_status=named(acme, "Engineering")
    )
    page = agent_client.get("/agent/views/unsolved/", follow=True).text
    assert '<span class="badge status-open">Engineering</span>' in page


# --- Views' conditions ------------------------------------------------------------------


def test_a_view_filters_by_custom_status(acme, acme_admin, acme_agent):
    from tickets.conditions import public_conditions
    from tickets.services.saved_views import view_create
    from tickets.view_selectors import view_matching

    engineering = named(acme, "Engineering")
    hot = make_ticket(account=acme, submitter=acme_agent, custom_status=engineering)
    make_ticket(account=acme, submitter=acme_agent, assignee=acme_agent)  # Open, not Engineering
    view = view_create(
        account=acme,
        actor=acme_admin,
        title="Engineering",
        conditions={
            "all": [{"field": "custom_status_id", "operator": "is", "value": engineering.number}]
        },
    )
    assert list(view_matching(view=view, viewer=acme_agent)) == [hot]
    assert view.conditions["all"][0]["value"] == engineering.pk  # stored by key
    shown = public_conditions(account=acme, conditions=view.conditions)
    assert shown["all"][0]["value"] == engineering.number


@pytest.mark.parametrize("value", [999_999, None, "engineering", True])
def test_a_view_condition_on_an_unknown_custom_status_is_refused(acme, acme_admin, value):
    from tickets.services.saved_views import view_create

    with pytest.raises(ValidationError):
        view_create(
            account=acme,
            actor=acme_admin,
            title="Broken",
            conditions={"all": [{"field": "custom_status_id", "operator": "is", "value": value}]},
        )


def test_a_view_condition_on_another_accounts_status_is_refused(acme, acme_admin, globex):
    from tickets.services.saved_views import view_create

    theirs = CustomStatus.objects.for_account(globex).create(
        account=globex, category="open", agent_label="Globex only"
    )
    with pytest.raises(ValidationError):
        view_create(
            account=acme,
            actor=acme_admin,
            title="Broken",
            conditions={
                "all": [{"field": "custom_status_id", "operator": "is", "value": theirs.number}]
            },
        )


def test_the_view_editor_offers_custom_statuses(acme, admin_client):
    page = admin_client.get("/agent/views/new/?shared=1").text
    engineering = named(acme, "Engineering")
    assert f'value="custom_status:{engineering.number}"' in page
