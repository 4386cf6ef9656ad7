"""Seed 003's Close vs Explain & Close (issue 27)."""

from __future__ import annotations

import pytest

from accounts.services import account_settings_update
from closing.models import TicketClosure
from closing.selectors import closures_report, root_cause_field
from closing.services import reason_create, ticket_explain_and_close
from notifications.models import Delivery
from tests.factories import make_ticket
from tickets.models import Ticket
from tickets.services import NotAllowed, comment_add, ticket_update


@pytest.fixture
def strict(acme, acme_admin):
    account_settings_update(account=acme, actor=acme_admin, close_requires_explanation=True)
    acme.refresh_from_db()
    return acme


def _ticket(acme, acme_agent, acme_user, subject="Printer on fire"):
    return make_ticket(account=acme, submitter=acme_user, requester=acme_user, subject=subject)


def test_the_default_root_cause_field_is_found(acme):
    field = root_cause_field(account=acme)
    assert field is not None and "software_defect" in {o.value for o in field.options.all()}


def test_explain_and_close_records_reason_root_cause_and_emails_the_explanation(
    acme, acme_agent, acme_user, django_capture_on_commit_callbacks
):
    ticket = _ticket(acme, acme_agent, acme_user)
    reason = reason_create(account=acme, title="Fixed")
    sent = Delivery.objects.for_account(acme).filter(ticket=ticket, recipient=acme_user)
    before = sent.count()
    with django_capture_on_commit_callbacks(execute=True):
        closure = ticket_explain_and_close(
            ticket=ticket,
            actor=acme_agent,
            reason=reason,
            root_cause="software_defect",
            explanation="A driver bug; updated to 4.2.",
        )
    ticket = Ticket.objects.for_account(acme).get(pk=ticket.pk)
    assert ticket.status == Ticket.Status.CLOSED
    field = root_cause_field(account=acme)
    assert ticket.custom_fields[field.key] == "software_defect"
    last = ticket.comments.order_by("-id").first()
    assert last.public and last.body == "A driver bug; updated to 4.2." and closure.comment == last
    # The explanation went to the requester through the outbox.
    assert sent.count() == before + 1
    assert closures_report(account=acme, by="reason") == [{"label": "Fixed", "count": 1}]
    assert closures_report(account=acme, by="root_cause")[0]["count"] == 1


def test_explain_and_close_refuses_a_missing_part(acme, acme_agent, acme_user):
    ticket = _ticket(acme, acme_agent, acme_user)
    reason = reason_create(account=acme, title="Fixed")
    with pytest.raises(Exception) as refused:
        ticket_explain_and_close(
            ticket=ticket, actor=acme_agent, reason=reason, root_cause="nope", explanation=" "
        )
    assert set(refused.value.message_dict) == {"root_cause", "explanation"}
    assert not TicketClosure.objects.for_account(acme).exists()


def test_while_required_a_plain_close_is_refused_by_every_road(strict, acme_agent, acme_user):
    ticket = _ticket(strict, acme_agent, acme_user)
    with pytest.raises(NotAllowed):
        ticket_update(ticket=ticket, actor=acme_agent, status=Ticket.Status.CLOSED)
    with pytest.raises(NotAllowed):
        comment_add(ticket=ticket, author=acme_agent, body="Bye", status=Ticket.Status.CLOSED)
    assert Ticket.objects.for_account(strict).get(pk=ticket.pk).status != Ticket.Status.CLOSED


def test_the_system_still_closes_solved_tickets_while_required(strict, acme_agent, acme_user):
    ticket = _ticket(strict, acme_agent, acme_user)
    ticket_update(ticket=ticket, actor=acme_agent, status=Ticket.Status.SOLVED)
    ticket_update(ticket=ticket, actor=None, channel="system", status=Ticket.Status.CLOSED)
    assert Ticket.objects.for_account(strict).get(pk=ticket.pk).is_closed


def test_pages_close_and_explain_and_close(acme, acme_agent, acme_user, client_for):
    client = client_for(acme_agent)
    plain = _ticket(acme, acme_agent, acme_user, subject="Plain")
    page = client.get(f"/agent/tickets/{plain.number}/")
    assert "Explain & Close" in page.text
    client.post(f"/agent/tickets/{plain.number}/close/")
    assert Ticket.objects.for_account(acme).get(pk=plain.pk).is_closed
    explained = _ticket(acme, acme_agent, acme_user, subject="Explained")
    # Theirs, so in their report scope (reports.access): the closures report counts it.
    ticket_update(ticket=explained, actor=acme_agent, assignee=acme_agent)
    reason = reason_create(account=acme, title="Duplicate")
    url = f"/agent/tickets/{explained.number}/explain-close/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": reason.number, "root_cause": "", "explanation": ""})
    assert refused.status_code == 400
    done = client.post(
        url, {"reason": reason.number, "root_cause": "network", "explanation": "Switch fixed."}
    )
    assert done.status_code == 302
    assert Ticket.objects.for_account(acme).get(pk=explained.pk).is_closed
    report = client.get("/agent/reports/closures/?by=root_cause")
    assert "Network" in report.text


def test_while_required_the_close_button_is_refused(strict, acme_agent, acme_user, client_for):
    ticket = _ticket(strict, acme_agent, acme_user)
    client = client_for(acme_agent)
    client.post(f"/agent/tickets/{ticket.number}/close/")
    assert not Ticket.objects.for_account(strict).get(pk=ticket.pk).is_closed


def test_admins_manage_close_reasons(acme, acme_admin, acme_agent, client_for):
    admin = client_for(acme_admin)
    assert admin.post("/agent/settings/close-reasons/", {"title": "Resolved"}).status_code == 302
    page = admin.get("/agent/settings/close-reasons/")
    assert "Resolved" in page.text
    assert client_for(acme_agent).get("/agent/settings/close-reasons/").status_code == 403
