"""The satisfaction survey's pages in Jinja2 (issue 17: templates/jinja2/portal/
satisfaction.html, satisfaction_choice.html, satisfaction_refused.html), reached without
signing in from the solved email's Good and Bad links.

Each page printed what the DTL page printed, whitespace folded, for the same context in
English, Italian and Spanish, with hostile values in what people type (the account, the
subject, a reason's title, the rating's comment): the Good and the Bad link's page, the
survey offered, rated good, rated bad with a reason and a comment, a form refused, a used
link's message, a request closed too long ago and one not solved. The pages exist in
Jinja2 only now (the test that said so compared both engines until the DTL pages went,
at 42b8989); this test checks that they escape and speak the visitor's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from satisfaction.links import token_for
from satisfaction.services import rate, reason_create, settings_update
from tests.security.test_hostile_values_escaped import ESCAPED, HOSTILE, unescaped
from tests.security.test_hostile_values_escaped import hostile as hostile  # the fixture
from tickets.models import Ticket
from tickets.services import ticket_update

LANGUAGES = ["en", "it", "es"]
CASES = {
    # case: (status, template, a mark of the case)
    "good-link": (200, "portal/satisfaction_choice.html", "data-autosubmit"),
    "bad-link": (200, "portal/satisfaction_choice.html", "data-autosubmit"),
    "offered": (200, "portal/satisfaction.html", 'name="reason"'),
    "rated-good": (200, "portal/satisfaction.html", "checked"),
    "rated-bad": (200, "portal/satisfaction.html", "Comment &lt;script&gt;"),
    "refused-form": (400, "portal/satisfaction.html", 'class="error"'),
    "used-link": (200, "portal/satisfaction.html", 'class="messages"'),
    "expired": (403, "portal/satisfaction_refused.html", 'role="alert"'),
    "unsolved": (403, "portal/satisfaction_refused.html", 'role="alert"'),
}


@pytest.fixture
def survey(acme, hostile):
    settings_update(account=acme, days_after_close=3, ask_reason=True)
    reason = reason_create(account=acme, title=f"Reason {HOSTILE}")
    return {**hostile, "reason": reason}


def _response(client_for, acme, survey, case, language):
    ticket, admin, requester = survey["ticket"], survey["admin"], survey["requester"]
    client = client_for(account=acme)  # the link's visitor: not signed in
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    token = token_for(ticket)
    page = f"/hc/satisfaction/{token}/"
    if case == "unsolved":
        return client.post(f"{page}good/", **headers)
    ticket_update(ticket=ticket, actor=admin, status=Ticket.Status.SOLVED)
    if case in ("good-link", "bad-link"):
        return client.get(f"{page}{case.split('-')[0]}/", **headers)
    if case == "expired":
        Ticket.objects.for_account(acme).filter(pk=ticket.pk).update(
            status=Ticket.Status.CLOSED, status_changed_at=timezone.now() - timedelta(days=4)
        )
        return client.get(f"{page}bad/", **headers)
    if case == "rated-good":
        rate(ticket=ticket, user=requester, score="good")
    if case == "rated-bad":
        rate(
            ticket=ticket,
            user=requester,
            score="bad",
            comment=f"Comment {HOSTILE}\nline",
            reason=survey["reason"],
        )
    if case == "refused-form":
        return client.post(page, {"rating": "meh", "comment": f"C {HOSTILE}"}, **headers)
    if case == "used-link":
        client.post(f"{page}bad/", **headers)
        client.post(page, {"rating": "good", "comment": f"Changed {HOSTILE}"}, **headers)
        return client.post(f"{page}bad/", follow=True, **headers)  # the Bad link replayed
    return client.get(page, **headers)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", list(CASES))
def test_the_survey_pages_escape_and_speak_the_visitors_language(
    client_for, acme, survey, language, case
):
    status, template, mark = CASES[case]
    response = _response(client_for, acme, survey, case, language)
    assert response.status_code == status
    assert response.headers["Content-Language"] == language
    assert [t.name for t in response.templates][:1] == [template]
    text = response.text
    assert not unescaped(text) and ESCAPED in text  # the account's name, the subject
    assert mark in text
    with translation.override(language):
        assert translation.gettext("Rate your request") in text
