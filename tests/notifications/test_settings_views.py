"""Admin settings for triggers (list, on/off, order, edit, create, delete) and the
delivery log; who may open them; nothing crosses accounts; bad input is a 400."""

import pytest
from django.urls import reverse

from notifications.models import Delivery, Trigger
from notifications.services import trigger_create
from tests.factories import make_ticket
from tickets.services import comment_add

TRIGGERS = reverse("notifications:trigger_list", urlconf="helpdesk.urls_tenant")
NEW = reverse("notifications:trigger_new", urlconf="helpdesk.urls_tenant")
DELIVERIES = reverse("notifications:delivery_list", urlconf="helpdesk.urls_tenant")


def url(name, *args):
    return reverse(f"notifications:{name}", args=args, urlconf="helpdesk.urls_tenant")


def names(account):
    return list(Trigger.objects.for_account(account).values_list("name", flat=True))


def test_admin_sees_the_triggers_in_order(acme_admin, client_for):
    response = client_for(acme_admin).get(TRIGGERS)
    assert response.status_code == 200
    html = response.content.decode()
    first = html.index("Notify requester and CCs of received request")
    last = html.index("Notify requester of solved request")
    assert first < last


@pytest.mark.parametrize("who, status", [("acme_agent", 403), ("acme_user", 404)])
def test_only_admins_open_trigger_and_delivery_settings(who, status, request, client_for):
    client = client_for(request.getfixturevalue(who))
    assert client.get(TRIGGERS).status_code == status
    assert client.get(DELIVERIES).status_code == status
    trigger = Trigger.objects.for_account(request.getfixturevalue("acme")).first()
    assert client.post(url("trigger_toggle", trigger.number)).status_code == status


def test_toggle_turns_a_trigger_off_and_on(acme, acme_admin, client_for):
    client = client_for(acme_admin)
    trigger = Trigger.objects.for_account(acme).first()
    assert client.get(url("trigger_toggle", trigger.number)).status_code == 405
    client.post(url("trigger_toggle", trigger.number))
    trigger.refresh_from_db()
    assert trigger.active is False
    client.post(url("trigger_toggle", trigger.number))
    trigger.refresh_from_db()
    assert trigger.active is True


def test_move_reorders_triggers(acme, acme_admin, client_for):
    client = client_for(acme_admin)
    before = names(acme)
    second = Trigger.objects.for_account(acme).get(name=before[1])
    client.post(url("trigger_move", second.number), {"direction": "up"})
    assert names(acme) == [before[1], before[0], *before[2:]]
    client.post(url("trigger_move", second.number), {"direction": "down"})
    assert names(acme) == before


def test_admin_creates_a_trigger_with_conditions_and_actions(acme, acme_admin, client_for):
    response = client_for(acme_admin).post(
        NEW,
        {
            "name": "Urgent to the boss",
            "active": "on",
            "cond-0-field": "priority",
            "cond-0-operator": "is",
            "cond-0-value": "urgent",
            "cond-1-field": "",
            "act-0-action": "email_address",
            "act-0-value": "Boss@Acme.example",
            "act-0-subject": "Urgent: {{ticket.title}}",
            "act-0-body": "See {{ticket.url}}",
            "act-1-action": "add_tag",
            "act-1-value": "Escalated Now",
        },
    )
    assert response.status_code == 302
    trigger = Trigger.objects.for_account(acme).get(name="Urgent to the boss")
    assert trigger.conditions == [{"field": "priority", "operator": "is", "value": "urgent"}]
    assert trigger.actions[0]["value"] == "boss@acme.example"
    assert trigger.actions[1] == {"action": "add_tag", "value": "escalated_now"}
    assert names(acme)[-1] == "Urgent to the boss"


def test_invalid_trigger_is_a_400_with_the_reason_and_nothing_saved(acme, acme_admin, client_for):
    response = client_for(acme_admin).post(
        NEW,
        {
            "name": "Broken",
            "cond-0-field": "status",
            "cond-0-operator": "is",
            "cond-0-value": "exploded",
            "act-0-action": "email_requester",
            "act-0-subject": "",
            "act-0-body": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "is not a value of Status" in html
    assert "needs a subject and a body" in html
    assert "Broken" not in names(acme)


def test_unknown_vocabulary_is_refused_not_stored(acme, acme_admin, client_for):
    response = client_for(acme_admin).post(
        NEW,
        {"name": "Sneaky", "cond-0-field": "__class__", "act-0-action": "run_python"},
    )
    assert response.status_code == 400
    assert "Sneaky" not in names(acme)


def test_admin_edits_a_default_trigger(acme, acme_admin, client_for):
    trigger = Trigger.objects.for_account(acme).get(name="Notify requester of solved request")
    client = client_for(acme_admin)
    page = client.get(url("trigger_edit", trigger.number)).content.decode()
    assert "[Solved] {{ticket.title}}" in page
    response = client.post(
        url("trigger_edit", trigger.number),
        {
            "name": "Tell the requester it is solved",
            "active": "on",
            "cond-0-field": "status",
            "cond-0-operator": "changed_to",
            "cond-0-value": "solved",
            "act-0-action": "email_requester",
            "act-0-subject": "Done: {{ticket.title}}",
            "act-0-body": "Solved.",
        },
    )
    assert response.status_code == 302
    trigger.refresh_from_db()
    assert trigger.name == "Tell the requester it is solved"
    assert trigger.actions[0]["subject"] == "Done: {{ticket.title}}"


def test_delete_removes_the_trigger(acme, acme_admin, client_for):
    trigger = Trigger.objects.for_account(acme).first()
    client_for(acme_admin).post(url("trigger_delete", trigger.number))
    assert not Trigger.objects.for_account(acme).filter(pk=trigger.pk).exists()


def test_another_accounts_trigger_is_a_404(acme, acme_admin, globex, client_for):
    # Numbers are per account: globex's last trigger has a number acme has not reached.
    theirs = trigger_create(
        account=globex,
        name="Globex only",
        conditions=[],
        actions=[{"action": "add_tag", "value": "x"}],
    )
    assert not Trigger.objects.for_account(acme).filter(number=theirs.number).exists()
    client = client_for(acme_admin)
    assert client.get(url("trigger_edit", theirs.number)).status_code == 404
    assert client.post(url("trigger_toggle", theirs.number)).status_code == 404
    assert client.post(url("trigger_delete", theirs.number)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.active is True


def test_delivery_log_shows_state_and_failed_rows_can_be_sent_again(
    acme, acme_admin, acme_agent, acme_user, globex, client_for, outbox, sent
):
    ticket = make_ticket(account=acme, submitter=acme_user, subject="Log me")
    sent(comment_add, ticket=ticket, author=acme_agent, body="Reply")
    failed = Delivery.objects.for_account(acme).first()
    Delivery.objects.for_account(acme).filter(pk=failed.pk).update(
        state=Delivery.State.FAILED, last_error="AnymailAPIError: 500", attempts=5
    )
    trigger_create(
        account=globex,
        name="Globex only",
        conditions=[],
        actions=[{"action": "add_tag", "value": "x"}],
    )
    client = client_for(acme_admin)
    html = client.get(DELIVERIES, {"state": "failed"}).content.decode()
    assert "AnymailAPIError: 500" in html
    assert "Send again" in html
    assert client.get(DELIVERIES, {"state": "bogus", "page": "x"}).status_code == 200

    messages = sent(client.post, url("delivery_resend", failed.ref))
    failed.refresh_from_db()
    assert failed.state == Delivery.State.SENT
    assert len(messages) == 1
    # And it is gone from another account's log.
    globex_admin_response = client.post(url("delivery_resend", 999999))
    assert globex_admin_response.status_code == 404


def test_incoming_tab_shows_what_became_of_each_mail_of_this_account_only(
    acme, globex, acme_admin, client_for
):
    from notifications.models import InboundEmail

    InboundEmail.objects.create(
        account=acme,
        sender="bot@vendor.example",
        subject="Out of office",
        outcome=InboundEmail.Outcome.DROPPED,
        reason="Auto-Submitted: auto-replied",
    )
    InboundEmail.objects.create(
        account=globex,
        sender="secret@globex.example",
        subject="Globex only",
        outcome=InboundEmail.Outcome.DROPPED,
        reason="burst",
    )
    html = client_for(acme_admin).get(DELIVERIES, {"direction": "inbound"}).content.decode()
    assert "bot@vendor.example" in html and "Auto-Submitted: auto-replied" in html
    assert "Globex only" not in html


def test_settings_pages_cost_a_fixed_number_of_queries(
    acme, acme_admin, acme_agent, acme_user, client_for, django_assert_max_num_queries, sent
):
    for n in range(5):
        ticket = make_ticket(account=acme, submitter=acme_user, subject=f"T{n}")
        sent(comment_add, ticket=ticket, author=acme_agent, body="Hi")
    client = client_for(acme_admin)
    client.get(DELIVERIES)  # warm the session
    with django_assert_max_num_queries(12):
        assert client.get(DELIVERIES).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(TRIGGERS).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(DELIVERIES, {"direction": "inbound"}).status_code == 200
