"""Calls and meetings (seeds 000, 004): a phone or meeting ticket carries its scheduled
time, meeting link and the call's status; the requester sees them on the request page;
logging a call from the ticket page writes a comment of channel "phone"."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from calls.models import TicketCall
from calls.services import call_log, call_schedule
from tests.factories import make_ticket
from tickets.models import Comment

WHEN = timezone.make_aware(datetime.datetime(2030, 5, 6, 14, 30))


@pytest.fixture
def meeting(acme, acme_agent, acme_user):
    return make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Demo", channel="meeting"
    )


@pytest.fixture
def phone(acme, acme_agent, acme_user):
    return make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Rang", channel="phone"
    )


def test_a_meeting_ticket_carries_its_time_link_and_status(meeting, acme_agent):
    call = call_schedule(
        ticket=meeting, actor=acme_agent, scheduled_at=WHEN, meeting_url="https://meet.example/abc"
    )
    assert (call.scheduled_at, call.meeting_url, call.status) == (
        WHEN,
        "https://meet.example/abc",
        TicketCall.Status.SCHEDULED,
    )


@pytest.mark.parametrize(
    "url", ["http://meet.example/abc", "javascript:alert(1)", "meet.example", "https://"]
)
def test_the_meeting_link_must_be_an_https_url(meeting, acme_agent, url):
    with pytest.raises(ValidationError):
        call_schedule(ticket=meeting, actor=acme_agent, scheduled_at=WHEN, meeting_url=url)


def test_only_phone_or_meeting_tickets_carry_a_call(acme, acme_agent, acme_user):
    web = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, channel="web")
    with pytest.raises(ValidationError):
        call_schedule(ticket=web, actor=acme_agent, scheduled_at=WHEN)


def test_end_users_cannot_schedule_a_call(phone, acme_user):
    with pytest.raises(ValidationError):
        call_schedule(ticket=phone, actor=acme_user, scheduled_at=WHEN)


def test_logging_a_call_from_the_ticket_page_writes_a_phone_comment(phone, acme_agent, client_for):
    client = client_for(acme_agent)
    assert 'id="call"' in client.get(f"/agent/tickets/{phone.number}/").text
    page = client.post(
        f"/agent/tickets/{phone.number}/call/log/",
        {"body": "Walked them through the reset.", "status": "held"},
        follow=True,
    )
    assert page.status_code == 200
    comment = Comment.objects.for_account(phone.account).filter(ticket=phone).last()
    assert (comment.body, comment.channel, comment.public) == (
        "Walked them through the reset.",
        "phone",
        False,
    )
    assert TicketCall.objects.for_account(phone.account).get(ticket=phone).status == "held"


def test_logging_needs_a_text_and_held_or_missed(phone, acme_agent):
    with pytest.raises(ValidationError):
        call_log(ticket=phone, actor=acme_agent, body=" ", status="held")
    with pytest.raises(ValidationError):
        call_log(ticket=phone, actor=acme_agent, body="x", status="scheduled")


def test_the_requester_sees_the_time_link_and_status(meeting, acme_agent, acme_user, client_for):
    call_schedule(
        ticket=meeting, actor=acme_agent, scheduled_at=WHEN, meeting_url="https://meet.example/abc"
    )
    page = client_for(acme_user).get(f"/hc/requests/{meeting.number}/")
    assert 'href="https://meet.example/abc"' in page.text
    assert "Scheduled" in page.text and "2030" in page.text


def test_a_bad_link_on_the_ticket_page_is_a_message_not_a_500(meeting, acme_agent, client_for):
    page = client_for(acme_agent).post(
        f"/agent/tickets/{meeting.number}/call/",
        {
            "scheduled_at": "2030-05-06T14:30",
            "meeting_url": "http://x.example",
            "status": "scheduled",
        },
        follow=True,
    )
    assert page.status_code == 200
    assert "https://" in page.text
    assert not TicketCall.objects.for_account(meeting.account).exists()


def test_the_web_ticket_page_shows_no_call_panel(acme, acme_agent, acme_user, client_for):
    web = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, channel="web")
    assert 'id="call"' not in client_for(acme_agent).get(f"/agent/tickets/{web.number}/").text


def test_the_new_ticket_form_offers_phone_and_meeting(acme, acme_agent, client_for):
    client = client_for(acme_agent)
    form = client.get("/agent/tickets/new/").text
    assert 'value="meeting"' in form and 'value="phone"' in form
    client.post(
        "/agent/tickets/new/",
        {
            "subject": "Demo call",
            "body": "Weekly demo.",
            "comment_type": "public",
            "channel": "meeting",
        },
    )
    from tickets.models import Ticket

    ticket = Ticket.objects.for_account(acme).get(subject="Demo call")
    assert ticket.channel == "meeting"
    assert 'id="call"' in client.get(f"/agent/tickets/{ticket.number}/").text


def test_a_call_status_change_is_in_the_activity_and_fires_a_trigger(
    acme, acme_admin, phone, acme_agent
):
    from notifications.services import trigger_create
    from tickets.models import TicketEvent

    trigger_create(
        account=acme,
        name="Missed call",
        conditions=[{"field": "call", "operator": "changed_to", "value": "missed"}],
        actions=[{"action": "add_tag", "value": "missed_call"}],
    )
    call_schedule(ticket=phone, actor=acme_agent, scheduled_at=WHEN)
    call_log(ticket=phone, actor=acme_agent, body="No answer.", status="missed")
    events = TicketEvent.objects.for_account(acme).filter(ticket=phone, field="call")
    assert [(e.old_value, e.new_value) for e in events] == [
        ("", "scheduled"),
        ("scheduled", "missed"),
    ]
    phone.refresh_from_db()
    assert "missed_call" in phone.tag_list
