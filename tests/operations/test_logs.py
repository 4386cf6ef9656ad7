"""Logs: one JSON object per line (the default with DEBUG off), the request line's
fields, the request id (trusted from our proxy only, echoed, carried into tasks and the
emails they send), and no personal data: no email address, no subject."""

from __future__ import annotations

import io
import json
import logging
import re
import secrets

import pytest
from django.core import mail

from helpdesk.celery import REQUEST_ID_HEADER
from helpdesk.request_id import set_request_id
from notifications import addresses
from notifications.models import Delivery
from notifications.tasks import delivery_send_task
from operations.logs import JsonFormatter, RequestContextFilter
from tests.broker import broker_at
from tests.commands import manage
from tests.factories import make_ticket
from tests.notifications.payloads import WEBHOOK_SECRET, post_postmark, postmark_payload
from tests.operations.test_deploy_env import production_env
from tests.operations.test_health import _queued

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
REQUEST_LINE_FIELDS = {
    "time",
    "level",
    "logger",
    "message",
    "request_id",
    "account",
    "account_id",
    "user_id",
    "view",
    "method",
    "status",
    "duration_ms",
    "sql_queries",
}


@pytest.fixture
def json_log():
    """What the production handler writes, for the length of the test: a list of the
    lines, each parsed (a line that is not one JSON object fails here)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    saved_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def lines() -> list[dict]:
        raw = stream.getvalue().splitlines()
        parsed = [json.loads(line) for line in raw]
        assert all(isinstance(entry, dict) for entry in parsed)
        lines.raw = stream.getvalue()
        return parsed

    yield lines
    root.removeHandler(handler)
    root.setLevel(saved_level)


def request_lines(entries: list[dict]) -> list[dict]:
    return [e for e in entries if e["logger"] == "sportello.request"]


def test_the_request_line_has_every_field_and_the_echoed_id(json_log, client_for, acme_agent):
    ticket = make_ticket(account=acme_agent.account, submitter=acme_agent, subject="Shape")
    response = client_for(acme_agent).get(f"/agent/tickets/{ticket.number}/")
    [line] = request_lines(json_log())
    assert set(line) == REQUEST_LINE_FIELDS
    assert line["request_id"] == response["X-Request-ID"]
    assert line["account"] == "acme" and line["account_id"] == acme_agent.account_id
    assert line["user_id"] == acme_agent.pk
    assert line["view"] == "tickets:ticket_detail"
    assert (line["method"], line["status"]) == ("GET", 200)
    assert isinstance(line["sql_queries"], int) and line["sql_queries"] > 0
    assert isinstance(line["duration_ms"], float)
    assert str(ticket.number) not in line["message"]  # the view's name, not the path


def test_an_anonymous_request_on_the_base_domain_has_no_account_or_user(json_log, client, db):
    client.get("/", HTTP_HOST="localhost")
    [line] = request_lines(json_log())
    assert "account" not in line and "user_id" not in line
    assert line["view"] == "landing"


def test_lines_written_during_a_request_carry_its_id(json_log, settings, db):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": WEBHOOK_SECRET}
    response = post_postmark(postmark_payload(sender="a@b.example", to="x@nowhere.example"))
    logging.getLogger("outside").warning("not in a request")
    entries = json_log()
    [dropped] = [e for e in entries if e["logger"] == "notifications.inbound"]
    assert dropped["request_id"] == response["X-Request-ID"]
    [request_line] = request_lines(entries)
    assert request_line["request_id"] == response["X-Request-ID"]
    [outside] = [e for e in entries if e["logger"] == "outside"]
    assert "request_id" not in outside


def test_an_incoming_request_id_is_believed_only_behind_our_proxy(settings, client_for, acme):
    client = client_for(account=acme)
    settings.TRUSTED_PROXY_COUNT = 0  # the client wrote it: a fresh one
    assert client.get("/hc/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] != "abc-123"
    settings.TRUSTED_PROXY_COUNT = 1  # our proxy set it
    assert client.get("/hc/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    malformed = client.get("/hc/", HTTP_X_REQUEST_ID="not an id\u2028{}")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", malformed)


def test_a_task_is_queued_with_the_request_id(db, redis_url, queue_name):
    import redis

    from notifications.tasks import deliveries_sweep_task

    token = set_request_id("req-from-the-page")
    try:
        with broker_at(redis_url):
            deliveries_sweep_task.delay()
    finally:
        from helpdesk.request_id import reset_request_id

        reset_request_id(token)
    client = redis.Redis.from_url(redis_url)
    try:
        message = json.loads(client.rpop(queue_name))
    finally:
        client.delete(queue_name)
        client.close()
    assert message["headers"][REQUEST_ID_HEADER] == "req-from-the-page"


def test_a_task_sends_its_emails_with_the_request_id_it_was_queued_with(
    json_log, acme, outbox_backend
):
    delivery = _queued(acme, due_minutes_ago=0)
    delivery_send_task.apply(args=[delivery.pk], headers={REQUEST_ID_HEADER: "req-42"})
    [message] = mail.outbox
    assert message.extra_headers["X-Request-ID"] == "req-42"
    # Its log lines too, naming the task.
    [line] = [e for e in json_log() if e["logger"] == "celery.app.trace"]
    assert line["request_id"] == "req-42"
    assert line["task"] == "notifications.tasks.delivery_send_task" and line["task_id"]


def test_an_email_sent_because_of_a_request_carries_its_id(
    transactional_db, client_for, acme_agent, acme_user, outbox_backend
):
    # Real commits: the outbox hands its rows to the (eager) task when the reply's
    # transaction commits, inside the request, as in production.
    ticket = make_ticket(account=acme_user.account, submitter=acme_user, subject="Printer")
    response = client_for(acme_agent).post(
        f"/agent/tickets/{ticket.number}/reply/",
        {"comment_type": "public", "body": "Try turning it off."},
    )
    assert response.status_code == 302
    *_created, replied = [m for m in mail.outbox if acme_user.email in m.to]
    assert replied.extra_headers["X-Request-ID"] == response["X-Request-ID"]


@pytest.fixture
def outbox_backend(settings):
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0
    mail.outbox = []
    return mail.outbox


def test_no_email_address_or_subject_reaches_the_log(
    json_log,
    settings,
    client_for,
    acme,
    acme_agent,
    acme_user,
    outbox_backend,
    django_capture_on_commit_callbacks,
):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": WEBHOOK_SECRET}
    subject = "Zebra-" + secrets.token_hex(4)
    visitor = client_for(account=acme)
    visitor.post("/signin/", {"username": acme_user.email, "password": "wrong"})
    user = client_for(acme_user)
    with django_capture_on_commit_callbacks(execute=True):
        user.post("/hc/requests/new/", {"subject": subject, "body": "It is on fire."})
    ticket = make_ticket(account=acme, submitter=acme_user, subject=subject + " again")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(acme_agent).post(
            f"/agent/tickets/{ticket.number}/reply/",
            {"comment_type": "public", "body": "Try turning it off."},
        )
    reply_to = addresses.reply_address(ticket)
    # Inbound: a comment, an auto-reply dropped, a stranger's burst, nobody's address.
    post_postmark(postmark_payload(sender=acme_user.email, to=reply_to, subject=subject))
    post_postmark(
        postmark_payload(
            sender="robot@elsewhere.example",
            to=reply_to,
            subject=subject,
            headers=[("Auto-Submitted", "auto-replied")],
        )
    )
    post_postmark(postmark_payload(sender=acme_user.email, to="x@nowhere.example"))
    logging.getLogger("notifications").info("Delivery to %s failed", acme_user.email)

    entries = json_log()
    assert request_lines(entries), "the journey wrote request lines"
    text = json_log.raw
    assert EMAIL.search(text) is None, [e for e in entries if EMAIL.search(json.dumps(e))]
    assert subject not in text
    assert Delivery.objects.for_account(acme).exists()  # emails were written, and sent


def test_djangos_response_lines_name_no_path(json_log, client_for, acme):
    client_for(account=acme).get("/hc/requests/424242/token-9f8e7d6c/")
    [line] = [e for e in json_log() if e["logger"] == "django.request"]
    assert line["message"] == "Not Found: [unresolved]"
    assert "token-9f8e7d6c" not in json_log.raw and "424242" not in json_log.raw


def test_production_logs_are_json_lines_by_default(db):
    env = production_env()
    code = (
        "import logging; logging.getLogger('sportello.check').warning('hello %s', 'ops@x.example')"
    )
    result = manage("shell", "-c", code, env=env)
    [line] = [x for x in result.stderr.splitlines() if "sportello.check" in x]
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["message"] == "hello [email]"


def test_log_format_text_is_a_switch(db):
    env = production_env(LOG_FORMAT="text")
    code = "import logging; logging.getLogger('sportello.check').warning('hello')"
    result = manage("shell", "-c", code, env=env)
    [line] = [x for x in result.stderr.splitlines() if "sportello.check" in x]
    assert line.startswith("WARNING sportello.check")


def test_sentry_dsn_without_the_sdk_warns_and_starts(db):
    pytest.importorskip("django")  # sentry-sdk is an optional extra, absent here
    try:
        import sentry_sdk  # noqa: F401

        pytest.skip("sentry-sdk is installed: this is the test of its absence")
    except ImportError:
        pass
    env = production_env(SENTRY_DSN="https://key@sentry.example/1")
    result = manage("check", env=env)
    assert result.returncode == 0, result.stderr
    assert "sentry-sdk is not installed" in result.stderr
