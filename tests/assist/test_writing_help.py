"""Writing help in the reply box (issue 28): the built-in provider drafts from the
account's own macros and articles and fixes spelling; an OpenAI-compatible server (a
local fake one here, a real HTTP server on a port) does the rest, and its failures are
a clear message that leaves the reply box as it was."""

from __future__ import annotations

import json
import re
import threading

import pytest

from assist import services
from assist.models import AssistRequest
from macros.services import macro_create
from tests.assist.conftest import FakeLLM
from tests.assist.conftest import use_server as _use_server
from tests.factories import make_ticket
from tests.knowledge.conftest import make_article

pytestmark = pytest.mark.django_db


def _ask(client, ticket, feature, body=""):
    return client.post(
        f"/agent/tickets/{ticket.number}/assist/{feature}/", {"body": body}
    ).content.decode()


def _answer(client, page):
    """The fragment after the answer is in (tasks run eagerly after commit here)."""
    token = page.split("/agent/assist/")[1].split("/")[0]
    return client.get(f"/agent/assist/{token}/").content.decode()


@pytest.fixture
def ticket(acme, acme_user, acme_agent):
    return make_ticket(
        account=acme,
        submitter=acme_user,
        requester=acme_user,
        subject="Cannot reset my password",
        body="I forgot my password and the reset email never arrives.",
    )


def test_generate_reply_drafts_from_macros_and_articles(
    acme, acme_admin, acme_agent, ticket, client_for, django_capture_on_commit_callbacks
):
    macro_create(
        account=acme,
        actor=acme_admin,
        title="Password reset help",
        actions=[
            {
                "field": "comment_value",
                "value": "Hello {{ticket.requester.first_name}}, check your spam folder "
                "for the password reset email.",
            }
        ],
    )
    macro_create(
        account=acme,
        actor=acme_admin,
        title="Invoice copy",
        actions=[{"field": "comment_value", "value": "Your invoice is attached."}],
    )
    article = make_article(acme_admin, title="Reset your password")
    client = client_for(acme_agent)
    with django_capture_on_commit_callbacks(execute=True):
        page = _ask(client, ticket, "generate")
    answer = _answer(client, page)
    assert "Hello Uma, check your spam folder for the password reset email." in answer
    assert "Your invoice is attached." not in answer
    assert f"/hc/kb/articles/{article.number}/" in answer
    assert "Nothing has been sent." in answer
    # Nothing reached the ticket: the draft only waits in the agent's box.
    assert ticket.comments.count() == 1
    logged = AssistRequest.objects.for_account(acme).get()
    assert logged.provider == "offline" and logged.sent == ""


def test_generate_reply_says_so_when_nothing_matches(
    acme, acme_agent, ticket, client_for, django_capture_on_commit_callbacks
):
    client = client_for(acme_agent)
    with django_capture_on_commit_callbacks(execute=True):
        page = _ask(client, ticket, "generate")
    assert "No macro or article matches this conversation." in _answer(client, page)


@pytest.mark.parametrize(
    ("locale", "typed", "fixed"),
    [
        (
            "en",
            "Thank you for your mesage, we recieved it.",
            "Thank you for your message, we received it.",
        ),
        ("it", "Grazie per il messagio, la risposta arriverà domani.", "Grazie per il messaggio"),
        ("es", "Gracias por su mensage, responderemos pronto.", "Gracias por su mensaje"),
    ],
)
def test_fix_spelling_in_the_requesters_language(
    acme, acme_agent, ticket, client_for, django_capture_on_commit_callbacks, locale, typed, fixed
):
    ticket.requester.locale = locale
    ticket.requester.save(update_fields=["locale"])
    client = client_for(acme_agent)
    with django_capture_on_commit_callbacks(execute=True):
        page = _ask(client, ticket, "spelling", typed)
    assert fixed in _answer(client, page)


def test_spelling_keeps_addresses_numbers_and_capitals(acme):
    from assist.offline import fix_spelling

    text, changed = fix_spelling(
        "See https://exmple.com/pasword or cal +39 0612, Mesage ID A7B.", locale="en"
    )
    assert "https://exmple.com/pasword" in text and "+39 0612" in text and "A7B" in text
    assert "Message" in text and changed >= 1


def test_rewrites_are_unavailable_without_a_server(acme, acme_agent, ticket, client_for):
    client = client_for(acme_agent)
    tools = client.get(f"/agent/tickets/{ticket.number}/assist/").content.decode()
    assert "More formal" in tools and "disabled" in tools
    page = _ask(client, ticket, "formal", "hi")
    assert "needs an AI server" in page
    assert not AssistRequest.objects.for_account(acme).exists()


def test_text_features_need_text(acme, acme_agent, ticket, client_for):
    page = _ask(client_for(acme_agent), ticket, "spelling", "   ")
    assert "Type a reply first" in page


def test_remote_server_rewrites_and_the_log_shows_what_was_sent(
    acme,
    acme_admin,
    acme_agent,
    acme_user,
    ticket,
    client_for,
    llm,
    django_capture_on_commit_callbacks,
):
    from tickets.services import comment_add

    comment_add(ticket=ticket, author=acme_agent, body="SECRET internal note", public=False)
    _use_server(acme, llm)
    client = client_for(acme_agent)
    with django_capture_on_commit_callbacks(execute=True):
        page = _ask(client, ticket, "formal", "hey, fixed it")
    assert "Dear customer, thank you." in _answer(client, page)
    path, auth, payload = FakeLLM.seen[-1]
    assert path == "/v1/chat/completions" and auth == "Bearer sk-test"
    assert payload["model"] == "llama-3"
    assert payload["messages"][1]["content"] == "hey, fixed it"
    with django_capture_on_commit_callbacks(execute=True):
        page = _ask(client, ticket, "summarise")
    _answer(client, page)
    sent = json.dumps(FakeLLM.seen[-1][2])
    assert "reset email never arrives" in sent
    assert "SECRET internal note" not in sent  # internal notes stay unless allowed
    log = client_for(acme_admin).get("/agent/settings/writing-help/").content.decode()
    assert "hey, fixed it" in log and "sk-test" not in log


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("slow", "did not answer in time"),
        ("error", "answered with an error (HTTP 500)"),
        ("garbage", "answer could not be read"),
    ],
)
def test_remote_failures_are_a_clear_message(
    acme, acme_agent, ticket, client_for, llm, django_capture_on_commit_callbacks, mode, message
):
    _use_server(acme, llm)
    FakeLLM.mode = mode
    client = client_for(acme_agent)
    with django_capture_on_commit_callbacks(execute=True):
        page = _ask(client, ticket, "shorter", "A long reply.")
    answer = _answer(client, page)
    assert message in answer and 'role="alert"' in answer


def test_monthly_budget_stops_remote_calls(
    acme, acme_agent, ticket, client_for, llm, django_capture_on_commit_callbacks
):
    _use_server(acme, llm, monthly_budget=1)
    client = client_for(acme_agent)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            page = _ask(client, ticket, "shorter", "A long reply.")
    assert "budget is used up" in _answer(client, page)
    assert len(FakeLLM.seen) == 1


def test_private_addresses_are_refused_as_the_server(acme, settings):
    from django.core.exceptions import ValidationError

    settings.WEBHOOKS_ALLOW_LOCALHOST = False
    with pytest.raises(ValidationError):
        _use_server(acme, "http://127.0.0.1:6379/v1")


def test_settings_page_keeps_the_key_secret(acme, acme_admin, client_for):
    client = client_for(acme_admin)
    response = client.post(
        "/agent/settings/writing-help/",
        {"provider": "openai", "base_url": "", "model": "", "monthly_budget": "10"},
    )
    assert "needs its base URL and a model" in response.content.decode()
    page = client.get("/agent/settings/writing-help/").content.decode()
    assert "Built in (no network)" in page


def test_settings_page_names_each_thing_once(acme_admin, client_for):
    page = client_for(acme_admin).get("/agent/settings/writing-help/").text
    form = page.split('action="/agent/settings/writing-help/"')[1].split("</form>")[0]
    headings_and_labels = re.findall(r"<(?:h2|label)[^>]*>\s*([^<]+?)\s*<", form)
    assert "Provider" in headings_and_labels
    assert len(headings_and_labels) == len(set(headings_and_labels)), headings_and_labels


def test_requests_are_the_askers_own(acme, globex, acme_agent, acme_user, ticket, client_for):
    from tests.factories import AgentFactory

    page = _ask(client_for(acme_agent), ticket, "generate")
    token = page.split("/agent/assist/")[1].split("/")[0]
    other = AgentFactory(account=acme)
    assert client_for(other).get(f"/agent/assist/{token}/").status_code == 404
    assert client_for(acme_user).get(f"/agent/assist/{token}/").status_code == 404
    assert (
        client_for(acme_user).post(f"/agent/tickets/{ticket.number}/assist/generate/").status_code
        == 404
    )
    assert client_for(acme_user).get("/agent/settings/writing-help/").status_code == 404
    assert client_for(acme_agent).get("/agent/settings/writing-help/").status_code == 403


def test_built_in_suggestions_on_the_demo_data(django_capture_on_commit_callbacks):
    """The built-in provider on the demo account: the password ticket gets a draft from
    the demo's macros and articles, never an empty box."""
    from io import StringIO

    from django.core.management import call_command

    from accounts.models import Account, User
    from tickets.models import Ticket

    call_command("seed_demo", stdout=StringIO())
    demo = Account.objects.get(subdomain="demo")
    agent = User.objects.for_account(demo).agents().get(email="admin@demo.example")
    drafted = 0
    for ticket in Ticket.objects.for_account(demo).filter(is_public=True)[:6]:
        with django_capture_on_commit_callbacks(execute=True):
            request = services.request_create(
                ticket=ticket, actor=agent, feature="generate", text=""
            )
        request.refresh_from_db()
        assert request.state in ("done", "failed")
        if request.state == "done":
            assert request.result.strip()
            drafted += 1
    assert drafted >= 1


def test_a_hanging_provider_holds_no_lock_and_one_worker_runs_a_request(
    transactional_db, acme, acme_agent, ticket, llm, settings
):
    """The provider is asked outside any transaction: while it hangs, the row can be
    written by others, and a second worker given the same request leaves it."""
    from django.db import connection, transaction

    settings.ASSIST_READ_TIMEOUT = 10
    _use_server(acme, llm)
    FakeLLM.mode = "hang"
    request = AssistRequest.objects.create(
        account=acme,
        ticket=ticket,
        agent=acme_agent,
        feature="shorter",
        provider="openai",
        text="A long reply.",
    )
    outcome = {}

    def first_worker():
        try:
            outcome["first"] = services.request_run(account_id=acme.pk, pk=request.pk)
        finally:
            connection.close()

    worker = threading.Thread(target=first_worker)
    worker.start()
    try:
        assert FakeLLM.arrived.wait(5)
        assert services.request_run(account_id=acme.pk, pk=request.pk) == "skipped"
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '500ms'")
            AssistRequest.objects.for_account(acme).filter(pk=request.pk).update(
                text="A long reply, edited."
            )
    finally:
        FakeLLM.release.set()
        worker.join(15)
    assert outcome["first"] == "done"
    assert len(FakeLLM.seen) == 1
    request.refresh_from_db()
    assert (request.state, request.result) == ("done", "Dear customer, thank you.")
