"""The satisfaction survey (issue 26): the solved email's signed Good/Bad links, the page
they open, changing one's mind, reasons for a bad rating, the window after closing, and
tampered or replayed links refused."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from satisfaction.links import token_for
from satisfaction.models import SatisfactionRating, SatisfactionReason
from satisfaction.services import settings_update
from tests.factories import EndUserFactory, make_ticket
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_update

LINK = re.compile(r"https?://[^\s]+/hc/satisfaction/[^\s/]+/(good|bad)/")


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Paper jam")


def solve(ticket, agent):
    ticket_update(ticket=ticket, actor=agent, status=Ticket.Status.SOLVED)
    ticket.refresh_from_db()


def links_in(message) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in LINK.finditer(message.body)}


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_the_solved_email_carries_a_good_and_a_bad_link(ticket, acme_agent, acme_user, sent):
    messages = sent(solve, ticket, acme_agent)
    to_requester = [m for m in messages if acme_user.email in m.to]
    assert len(to_requester) == 1
    body = to_requester[0].body
    assert "How would you rate the support you received?" in body
    assert set(links_in(to_requester[0])) == {"good", "bad"}


def test_one_click_records_the_rating_without_sign_in(ticket, acme, acme_agent, client_for, sent):
    solve(ticket, acme_agent)
    client = client_for(account=acme)  # anonymous
    url = f"/hc/satisfaction/{token_for(ticket)}/good/"
    page = client.get(url)
    # The page records on load (its script submits the form); scanners fetch only.
    assert page.status_code == 200 and "data-autosubmit" in page.text
    # Offered by the solved email, not answered by the fetch.
    assert SatisfactionRating.objects.for_account(acme).get().score == "offered"
    response = client.post(url, follow=True)
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.satisfaction_rating == "good"
    assert "Thank you for your feedback." in response.text
    event = TicketEvent.objects.for_account(acme).filter(ticket=ticket, kind="feedback").get()
    assert (event.field, event.new_value) == ("satisfaction", "good")


def test_bad_rating_asks_for_a_comment_and_a_reason(ticket, acme, acme_agent, client_for):
    solve(ticket, acme_agent)
    client = client_for(account=acme)
    token = token_for(ticket)
    client.post(f"/hc/satisfaction/{token}/bad/")
    page = client.get(f"/hc/satisfaction/{token}/").text
    assert "What was the main reason for your rating?" in page
    assert "The issue took too long to resolve" in page
    reason = SatisfactionReason.objects.for_account(acme).get(key="too_long")
    response = client.post(
        f"/hc/satisfaction/{token}/",
        {"rating": "bad", "reason": reason.number, "comment": "Two weeks for a jam."},
    )
    assert response.status_code == 302
    rating = SatisfactionRating.objects.for_account(acme).get(ticket=ticket)
    assert (rating.score, rating.reason, rating.comment) == ("bad", reason, "Two weeks for a jam.")


def test_changing_ones_mind_is_allowed_but_a_used_link_does_not_undo_it(
    ticket, acme, acme_agent, client_for
):
    solve(ticket, acme_agent)
    client = client_for(account=acme)
    token = token_for(ticket)
    client.post(f"/hc/satisfaction/{token}/bad/")
    client.post(f"/hc/satisfaction/{token}/", {"rating": "good", "comment": "Sorted after all"})
    ticket.refresh_from_db()
    assert ticket.satisfaction_rating == "good"
    # The Bad link again (replayed, or clicked twice): refused, the change stands.
    response = client.post(f"/hc/satisfaction/{token}/bad/", follow=True)
    assert "This link has already been used." in response.text
    ticket.refresh_from_db()
    assert ticket.satisfaction_rating == "good"


def test_a_reason_is_dropped_from_a_good_rating(ticket, acme, acme_agent, client_for):
    solve(ticket, acme_agent)
    client = client_for(account=acme)
    token = token_for(ticket)
    reason = SatisfactionReason.objects.for_account(acme).get(key="other")
    client.post(f"/hc/satisfaction/{token}/", {"rating": "good", "reason": reason.number})
    assert SatisfactionRating.objects.for_account(acme).get(ticket=ticket).reason is None


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: "a" + t, lambda t: "junk"])
def test_a_tampered_link_is_refused(ticket, acme, acme_agent, client_for, mangle):
    solve(ticket, acme_agent)
    client = client_for(account=acme)
    token = mangle(token_for(ticket))
    assert client.get(f"/hc/satisfaction/{token}/good/").status_code == 404
    assert client.post(f"/hc/satisfaction/{token}/good/").status_code == 404
    assert client.post(f"/hc/satisfaction/{token}/", {"rating": "good"}).status_code == 404
    ticket.refresh_from_db()
    assert ticket.satisfaction_rating == ""


def test_another_accounts_link_or_another_requester_is_refused(
    ticket, acme, globex, acme_agent, client_for
):
    solve(ticket, acme_agent)
    token = token_for(ticket)
    assert client_for(account=globex).post(f"/hc/satisfaction/{token}/good/").status_code == 404
    # The ticket's requester changed: the old requester's link no longer rates it.
    someone = EndUserFactory(account=acme)
    Ticket.objects.for_account(acme).filter(pk=ticket.pk).update(requester=someone)
    assert client_for(account=acme).post(f"/hc/satisfaction/{token}/good/").status_code == 404
    assert client_for(account=acme).get("/hc/satisfaction/x/meh/").status_code == 404


def test_an_unsolved_ticket_takes_no_rating(ticket, acme, client_for):
    response = client_for(account=acme).post(f"/hc/satisfaction/{token_for(ticket)}/good/")
    assert response.status_code == 403
    assert "You can leave feedback once the request is solved." in response.text


def test_ratings_are_refused_once_closed_longer_than_the_window(
    ticket, acme, acme_agent, client_for
):
    solve(ticket, acme_agent)
    settings_update(account=acme, days_after_close=3, ask_reason=True)
    Ticket.objects.for_account(acme).filter(pk=ticket.pk).update(
        status=Ticket.Status.CLOSED, status_changed_at=timezone.now() - timedelta(days=2)
    )
    client = client_for(account=acme)
    token = token_for(ticket)
    assert client.post(f"/hc/satisfaction/{token}/good/").status_code == 302
    Ticket.objects.for_account(acme).filter(pk=ticket.pk).update(
        status_changed_at=timezone.now() - timedelta(days=4)
    )
    page = client.get(f"/hc/satisfaction/{token}/bad/")
    assert page.status_code == 403
    assert "This request was closed too long ago to be rated." in page.text
    assert client.post(f"/hc/satisfaction/{token}/", {"rating": "bad"}).status_code == 403
    ticket.refresh_from_db()
    assert ticket.satisfaction_rating == "good"


def test_no_survey_links_once_the_window_has_closed(ticket, acme, acme_agent):
    from notifications.rendering import satisfaction_values

    solve(ticket, acme_agent)
    assert satisfaction_values(ticket)
    ticket.status, ticket.status_changed_at = (
        Ticket.Status.CLOSED,
        timezone.now() - timedelta(days=30),
    )
    assert satisfaction_values(ticket) == {}


def test_the_help_center_rating_is_the_same_rating(ticket, acme, acme_agent, acme_user, client_for):
    solve(ticket, acme_agent)
    client = client_for(acme_user)
    client.post(f"/hc/requests/{ticket.number}/feedback/", {"rating": "bad", "comment": "Slow"})
    rating = SatisfactionRating.objects.for_account(acme).get(ticket=ticket)
    assert (rating.score, rating.comment) == ("bad", "Slow")
    # And the requester may change it there too.
    page = client.get(f"/hc/requests/{ticket.number}/").text
    assert "Change your rating" in page
    client.post(f"/hc/requests/{ticket.number}/feedback/", {"rating": "good", "comment": ""})
    rating.refresh_from_db()
    assert rating.score == "good"


def test_the_agent_sees_the_rating_on_the_ticket(ticket, acme, acme_agent, client_for):
    solve(ticket, acme_agent)
    client_for(account=acme).post(f"/hc/satisfaction/{token_for(ticket)}/bad/")
    page = client_for(acme_agent).get(f"/agent/tickets/{ticket.number}/").text
    assert "satisfaction-bad" in page


def test_the_survey_is_offered_when_the_solved_email_goes_out(
    ticket, acme, acme_agent, acme_user, sent
):
    sent(solve, ticket, acme_agent)
    offered = SatisfactionRating.objects.for_account(acme).get(ticket=ticket)
    assert (offered.score, offered.requester, offered.assignee_id) == (
        "offered",
        acme_user,
        ticket.assignee_id,
    )
    ticket.refresh_from_db()
    assert ticket.satisfaction_rating == ""  # offered is not a rating
    rating = rate_via_link(ticket, acme, "good")
    assert rating.pk == offered.pk and rating.score == "good"  # the same row, answered


def rate_via_link(ticket, acme, choice):
    from satisfaction.services import rate

    rate(ticket=ticket, user=ticket.requester, score=choice, link_choice=choice)
    return SatisfactionRating.objects.for_account(acme).get(ticket=ticket)


def test_no_survey_is_offered_when_the_solved_email_is_off(ticket, acme, acme_agent, sent):
    from notifications.models import Trigger

    triggers = Trigger.objects.for_account(acme).filter(default_key="requester_solved")
    assert triggers.update(active=False) == 1
    assert sent(solve, ticket, acme_agent) == []
    assert not SatisfactionRating.objects.for_account(acme).exists()


def test_an_offered_survey_shows_no_rating_on_its_page(ticket, acme, acme_agent, client_for, sent):
    sent(solve, ticket, acme_agent)
    page = client_for(account=acme).get(f"/hc/satisfaction/{token_for(ticket)}/").text
    assert "Rate your request" in page and "You rated this request" not in page


def test_a_comment_added_later_keeps_the_day_the_rating_counts_on(
    ticket, acme, acme_agent, client_for
):
    """The reports count a rating on ticket.satisfaction_at: the same score given again
    (a comment added the next day) leaves it, a changed score moves it."""
    import time_machine

    solve(ticket, acme_agent)
    client = client_for(account=acme)
    token = token_for(ticket)
    client.post(f"/hc/satisfaction/{token}/good/")
    ticket.refresh_from_db()
    rated_at = ticket.satisfaction_at
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        client.post(f"/hc/satisfaction/{token}/", {"rating": "good", "comment": "Thanks!"})
        ticket.refresh_from_db()
        assert (ticket.satisfaction_comment, ticket.satisfaction_at) == ("Thanks!", rated_at)
        client.post(f"/hc/satisfaction/{token}/", {"rating": "bad", "comment": "Broke again"})
        ticket.refresh_from_db()
        assert ticket.satisfaction_rating == "bad" and ticket.satisfaction_at > rated_at
