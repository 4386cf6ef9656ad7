"""A merge never shows an end user anything they could not see before: the help center,
its search, the API as an end user and the emails, after merging tickets of two
requesters and a private ticket; and the merge API in Zendesk's shape."""

from __future__ import annotations

import pytest

from tests.factories import EndUserFactory, make_ticket
from ticketlinks.merge import ticket_merge
from tickets.models import Ticket
from tickets.services import comment_add

pytestmark = pytest.mark.django_db

THEIR_REPLY = "qkTheirPublicReplyzz"
SECRET = "qkPrivateDescriptionzz"


@pytest.fixture
def merged(acme, acme_agent, acme_user, sent):
    """Uma's ticket takes Olga's public ticket (with an agent's public reply) and a
    private one; asked public, the notes are internal anyway (a private ticket)."""
    acme.private_tickets_enabled = True
    acme.save()
    olga = EndUserFactory(account=acme, email="olga@else.example")
    target = make_ticket(account=acme, submitter=acme_user, body="Uma question")
    theirs = make_ticket(account=acme, submitter=olga, body="Olga question")
    comment_add(ticket=theirs, author=acme_agent, body=THEIR_REPLY, public=True)
    private = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, body=SECRET, public=False
    )
    emails = sent(
        ticket_merge,
        target=target,
        sources=[theirs, private],
        actor=acme_agent,
        target_comment_is_public=True,
        source_comment_is_public=True,
    )
    return target, theirs, olga, emails


def test_help_center_shows_the_target_requester_nothing_new(merged, acme_user, client_for):
    target, _theirs, _olga, _emails = merged
    web = client_for(acme_user)
    page = web.get(f"/hc/requests/{target.number}/").content.decode()
    assert "Uma question" in page
    for hidden in (THEIR_REPLY, "Olga question", SECRET):
        assert hidden not in page
    # The search page repeats the query: no result is what counts.
    for word in (THEIR_REPLY, SECRET):
        results = web.get(f"/hc/search/?q={word}").content.decode()
        assert f"/hc/requests/{target.number}/" not in results


def test_source_requester_still_cannot_open_the_target(merged, client_for):
    target, theirs, olga, _emails = merged
    web = client_for(olga)
    assert web.get(f"/hc/requests/{target.number}/").status_code == 404
    page = web.get(f"/hc/requests/{theirs.number}/").content.decode()
    assert THEIR_REPLY in page  # their own ticket, as before


def test_api_as_end_user_gets_nothing_new(merged, acme_user, api_for):
    target, _theirs, olga, _emails = merged
    api = api_for(acme_user)
    text = api.get(f"requests/{target.number}/comments.json").content.decode()
    assert "Uma question" in text
    for hidden in (THEIR_REPLY, "Olga question", SECRET):
        assert hidden not in text
    assert api_for(olga).get(f"requests/{target.number}.json").status_code == 404


def test_emails_carry_no_copied_comment_and_no_internal_note(merged):
    _target, _theirs, _olga, emails = merged
    for message in emails:
        text = "\n".join(
            [message.subject, message.body]
            + [str(c) for c, _t in getattr(message, "alternatives", [])]
        )
        for hidden in (THEIR_REPLY, "Olga question", SECRET, "merged into"):
            assert hidden not in text, (message.to, hidden)


def test_public_notes_are_emailed_when_every_ticket_is_public(acme, acme_agent, acme_user, sent):
    target = make_ticket(account=acme, submitter=acme_user)
    source = make_ticket(account=acme, submitter=acme_user)
    emails = sent(
        ticket_merge,
        target=target,
        sources=[source],
        actor=acme_agent,
        source_comment="Continued in your other request.",
        source_comment_is_public=True,
    )
    bodies = "\n".join(m.body for m in emails if acme_user.email in m.to)
    assert "Continued in your other request." in bodies


# --- The API ---------------------------------------------------------------------------


def test_api_merge_answers_a_completed_job_status(acme, acme_agent, acme_user, api_for):
    target = make_ticket(account=acme, submitter=acme_user)
    first = make_ticket(account=acme, submitter=acme_user)
    second = make_ticket(account=acme, submitter=acme_user)
    api = api_for(acme_agent)
    answer = api.post(
        f"tickets/{target.number}/merge.json",
        {
            "ids": [first.number, second.number],
            "target_comment": "Closing in favour of this one",
            "source_comment": "Combining with the other",
        },
    )
    assert answer.status_code == 200, answer.content
    job = answer.json()["job_status"]
    assert job["status"] == "completed" and job["total"] == 2
    assert [r["id"] for r in job["results"]] == [first.number, second.number]
    assert api.get(job["url"]).json()["job_status"]["status"] == "completed"
    closed = Ticket.objects.for_account(acme).filter(status="closed")
    assert set(closed.values_list("number", flat=True)) == {first.number, second.number}
    assert target.comments.filter(body="Closing in favour of this one", public=False).exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"ids": []},
        {"ids": "1"},
        {"ids": [True]},
        {"ids": [999999]},
        {"ids": [1], "target_comment_is_public": "yes"},
        {"ids": [1], "source_comment": 5},
    ],
)
def test_api_merge_bad_input_is_a_422_and_changes_nothing(acme, acme_agent, api_for, body):
    target = make_ticket(account=acme, subject="Target")
    make_ticket(account=acme, subject="Other")
    answer = api_for(acme_agent).post(f"tickets/{target.number}/merge.json", body)
    assert answer.status_code == 422, answer.content
    assert not Ticket.objects.for_account(acme).filter(status="closed").exists()


def test_api_merge_into_itself_is_refused(acme, acme_agent, api_for):
    target = make_ticket(account=acme)
    answer = api_for(acme_agent).post(
        f"tickets/{target.number}/merge.json", {"ids": [target.number]}
    )
    assert answer.status_code == 422


def test_api_merge_is_for_agents_of_the_account(acme, globex, acme_user, globex_agent, api_for):
    target = make_ticket(account=acme, submitter=acme_user)
    source = make_ticket(account=acme, submitter=acme_user)
    body = {"ids": [source.number]}
    assert api_for(acme_user).post(f"tickets/{target.number}/merge.json", body).status_code == 403
    # Globex's agent names acme's numbers: its own account has no such tickets.
    answer = api_for(globex_agent).post(f"tickets/{target.number}/merge.json", body)
    assert answer.status_code == 404
    assert not Ticket.objects.for_account(acme).filter(status="closed").exists()


def test_api_audits_and_event_export_carry_the_merge(acme, acme_agent, acme_user, api_for):
    target = make_ticket(account=acme, submitter=acme_user)
    source = make_ticket(account=acme, submitter=acme_user)
    api = api_for(acme_agent)
    api.post(f"tickets/{target.number}/merge.json", {"ids": [source.number]})
    for ticket, field in ((target, "merged_from"), (source, "merged_into")):
        answer = api.get(f"tickets/{ticket.number}/audits.json")
        assert answer.status_code == 200
        assert field in answer.content.decode()
