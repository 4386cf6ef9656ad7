"""Sportello's own ticket fields in the API: the call or meeting of a phone or meeting
ticket (seeds 000, 004) and the time worked on it (seed 002); a meeting's via says so."""

import datetime

from django.utils import timezone

from calls.services import call_log, call_schedule
from tests.factories import make_ticket
from timeworked.services import time_log

WHEN = timezone.make_aware(datetime.datetime(2030, 5, 6, 14, 30))


def test_a_meeting_ticket_gives_its_call_and_time_worked(acme, acme_agent, acme_user, api_for):
    meeting = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Demo", channel="meeting"
    )
    call_schedule(
        ticket=meeting, actor=acme_agent, scheduled_at=WHEN, meeting_url="https://meet.example/a"
    )
    time_log(ticket=meeting, actor=acme_agent, seconds=600)
    client = api_for(acme_agent)
    ticket = client.get(f"/api/v2/tickets/{meeting.number}.json").json()["ticket"]
    assert ticket["call"] == {
        "status": "scheduled",
        "scheduled_at": "2030-05-06T14:30:00Z",
        "meeting_url": "https://meet.example/a",
    }
    assert ticket["time_worked"] == {"total_seconds": 600}
    assert ticket["via"]["channel"] == "voice" and ticket["via"]["source"]["rel"] == "meeting"
    listed = client.get("/api/v2/tickets.json").json()["tickets"]
    assert [t["call"]["status"] for t in listed if t["id"] == meeting.number] == ["scheduled"]


def test_a_logged_call_is_a_voice_comment_and_a_web_ticket_has_no_call(
    acme, acme_agent, acme_user, api_for
):
    phone = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Rang", channel="phone"
    )
    web = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, channel="web")
    call_log(ticket=phone, actor=acme_agent, body="Talked it through.", status="held")
    client = api_for(acme_agent)
    assert (
        client.get(f"/api/v2/tickets/{phone.number}.json").json()["ticket"]["call"]["status"]
        == "held"
    )
    comments = client.get(f"/api/v2/tickets/{phone.number}/comments.json").json()["comments"]
    assert comments[-1]["via"]["channel"] == "voice"
    body = client.get(f"/api/v2/tickets/{web.number}.json").json()["ticket"]
    assert body["call"] is None and body["time_worked"] == {"total_seconds": 0}
