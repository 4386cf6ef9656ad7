"""/metrics: the names and labels Prometheus and the sample dashboard rely on, pinned;
requests counted per resolved view name (never per URL), sign-in failures and lockouts,
inbound emails by outcome, task durations, the outbox by kind and the queues' lengths;
the accounts named only as configured; several processes added up (multiprocess mode)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from notifications import addresses
from notifications.models import Delivery
from notifications.tasks import deliveries_sweep_task
from tests.broker import broker_at
from tests.factories import make_ticket
from tests.notifications.payloads import WEBHOOK_SECRET, post_postmark, postmark_payload
from tests.operations.conftest import answers_in_a_process
from tests.operations.test_health import _queued

# name (without _total) → (type, label names). The dashboard in deploy/ and any alert
# rules an operator wrote depend on these: change them only on purpose.
PINNED = {
    "sportello_http_requests": ("counter", {"view", "method", "status"}),
    "sportello_http_requests_by_account": ("counter", {"account"}),
    "sportello_http_request_duration_seconds": ("histogram", {"view"}),
    "sportello_http_request_sql_queries": ("histogram", {"view"}),
    "sportello_celery_task_duration_seconds": ("histogram", {"task", "state"}),
    "sportello_celery_queue_length": ("gauge", {"queue"}),
    "sportello_inbound_messages": ("counter", {"outcome"}),
    "sportello_signin_failures": ("counter", {"site"}),
    "sportello_signin_lockouts": ("counter", {"reason"}),
    "sportello_outbox_pending": ("gauge", {"kind"}),
    "sportello_outbox_failed": ("gauge", {"kind"}),
    "sportello_outbox_oldest_pending_age_seconds": ("gauge", set()),
    "sportello_metrics_source_up": ("gauge", {"source"}),
}


def scrape(client) -> dict:
    response = client.get("/metrics", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return {f.name: f for f in text_string_to_metric_families(response.content.decode())}


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def inbound_on(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": WEBHOOK_SECRET}


def sign_in(client, email, password):
    return client.post("/signin/", {"username": email, "password": password})


def test_metric_names_and_labels_are_pinned(
    operator, client_for, acme, acme_agent, acme_user, inbound_on, redis_url, queue_name
):
    # Something of each kind happens, so every family has samples whose labels show.
    ticket = make_ticket(account=acme, submitter=acme_user, subject="Printer")
    client_for(acme_agent).get(f"/agent/tickets/{ticket.number}/")
    anonymous = client_for(account=acme)
    for _ in range(6):  # five failures lock the address for this client; the sixth is refused
        sign_in(anonymous, acme_user.email, "wrong")
    post_postmark(postmark_payload(sender=acme_user.email, to=addresses.reply_address(ticket)))
    deliveries_sweep_task.delay()
    _queued(acme, due_minutes_ago=1)
    with broker_at(redis_url):
        families = scrape(operator)

    for name, (kind, labels) in PINNED.items():
        assert name in families, f"{name} is not exposed"
        family = families[name]
        assert family.type == kind, name
        assert family.samples, f"{name} has no samples"
        for sample in family.samples:
            assert set(sample.labels) - {"le"} == labels, (name, sample.labels)


def test_requests_are_counted_by_view_name_never_by_url(operator, client_for, acme, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_agent, subject="Numbered")
    before = value(
        "sportello_http_requests_total", view="tickets:ticket_detail", method="GET", status="200"
    )
    for _ in range(2):
        assert client_for(acme_agent).get(f"/agent/tickets/{ticket.number}/").status_code == 200
    after = value(
        "sportello_http_requests_total", view="tickets:ticket_detail", method="GET", status="200"
    )
    assert after - before == 2
    families = scrape(operator)
    for family in families.values():
        for sample in family.samples:
            for label_value in sample.labels.values():
                assert "/" not in label_value, (family.name, sample.labels)


def test_unresolved_paths_share_one_label(client_for, acme):
    before = value("sportello_http_requests_total", view="unresolved", method="GET", status="404")
    client_for(account=acme).get("/no/such/page/12345/")
    client_for(account=acme).get("/another/missing/9/")
    after = value("sportello_http_requests_total", view="unresolved", method="GET", status="404")
    assert after - before == 2


def test_sql_queries_and_latency_are_observed_per_view(client_for, acme, acme_agent):
    count_before = value("sportello_http_request_sql_queries_count", view="tickets:home")
    sum_before = value("sportello_http_request_sql_queries_sum", view="tickets:home")
    latency_before = value("sportello_http_request_duration_seconds_count", view="tickets:home")
    client_for(acme_agent).get("/agent/")
    assert value("sportello_http_request_sql_queries_count", view="tickets:home") == (
        count_before + 1
    )
    assert value("sportello_http_request_sql_queries_sum", view="tickets:home") > sum_before
    assert value("sportello_http_request_duration_seconds_count", view="tickets:home") == (
        latency_before + 1
    )


def test_accounts_are_named_only_when_listed(settings, client_for, acme, globex):
    settings.METRICS_ACCOUNTS = ["acme"]
    acme_before = value("sportello_http_requests_by_account_total", account="acme")
    other_before = value("sportello_http_requests_by_account_total", account="other")
    client_for(account=acme).get("/hc/")
    client_for(account=globex).get("/hc/")
    assert value("sportello_http_requests_by_account_total", account="acme") == acme_before + 1
    assert value("sportello_http_requests_by_account_total", account="other") == other_before + 1
    assert value("sportello_http_requests_by_account_total", account="globex") == 0


def test_signin_failures_and_lockouts_are_counted(client_for, acme, acme_user):
    failures = value("sportello_signin_failures_total", site="accounts")
    lockouts = value("sportello_signin_lockouts_total", reason="address")
    client = client_for(account=acme)
    for _ in range(5):
        sign_in(client, acme_user.email, "wrong")
    assert value("sportello_signin_failures_total", site="accounts") == failures + 5
    assert value("sportello_signin_lockouts_total", reason="address") == lockouts
    sign_in(client, acme_user.email, "wrong")  # locked: refused before the password
    assert value("sportello_signin_lockouts_total", reason="address") == lockouts + 1
    assert value("sportello_signin_failures_total", site="accounts") == failures + 5


def test_inbound_emails_are_counted_by_outcome(acme, acme_user, inbound_on):
    ticket = make_ticket(account=acme, submitter=acme_user, subject="Printer")
    comments = value("sportello_inbound_messages_total", outcome="comment")
    dropped = value("sportello_inbound_messages_total", outcome="dropped")
    post_postmark(postmark_payload(sender=acme_user.email, to=addresses.reply_address(ticket)))
    post_postmark(postmark_payload(sender=acme_user.email, to="nobody@elsewhere.example"))
    assert value("sportello_inbound_messages_total", outcome="comment") == comments + 1
    assert value("sportello_inbound_messages_total", outcome="dropped") == dropped + 1


def test_task_durations_are_observed_by_task_and_state(db):
    name = "notifications.tasks.deliveries_sweep_task"
    before = value("sportello_celery_task_duration_seconds_count", task=name, state="success")
    deliveries_sweep_task.delay()
    after = value("sportello_celery_task_duration_seconds_count", task=name, state="success")
    assert after == before + 1


def test_outbox_gauges_count_every_accounts_rows_by_kind(operator, acme, globex):
    _queued(acme, due_minutes_ago=3)
    _queued(globex, due_minutes_ago=1)
    _queued(acme, due_minutes_ago=1, kind="reset", state=Delivery.State.FAILED)
    _queued(acme, due_minutes_ago=1, kind="mention", state=Delivery.State.SENT)
    families = scrape(operator)

    def gauge(name):
        return {s.labels.get("kind"): s.value for s in families[name].samples}

    # Every kind of outbox row has its gauge, at zero while none waits.
    assert gauge("sportello_outbox_pending") == {kind: 0 for kind in Delivery.Kind.values} | {
        "trigger": 2
    }
    assert gauge("sportello_outbox_failed")["reset"] == 1
    assert sum(gauge("sportello_outbox_failed").values()) == 1
    (age,) = families["sportello_outbox_oldest_pending_age_seconds"].samples
    assert 170 < age.value < 400


def test_queue_lengths_are_read_from_the_broker(operator, db, redis_url, queue_name):
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        client.lpush(queue_name, "a", "b", "c")
        with broker_at(redis_url):
            families = scrape(operator)
    finally:
        client.delete(queue_name)
        client.close()
    lengths = {
        s.labels["queue"]: s.value for s in families["sportello_celery_queue_length"].samples
    }
    assert lengths == {queue_name: 3}


def test_a_broker_that_cannot_be_read_is_reported_not_fatal(operator, db, queue_name):
    with broker_at("redis://127.0.0.1:1/0"):
        families = scrape(operator)
    up = {s.labels["source"]: s.value for s in families["sportello_metrics_source_up"].samples}
    assert up == {"database": 1, "broker": 0}
    assert "sportello_celery_queue_length" not in families


def test_several_processes_are_added_up_in_multiprocess_mode(tmp_path, db):
    # gunicorn's workers each count into PROMETHEUS_MULTIPROC_DIR; any of them answers
    # the scrape with the sum. Two processes request a page, a third scrapes.
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(2):
        answers_in_a_process(env, "/no/such/page/")
    body = answers_in_a_process(env, "/metrics")["/metrics"]["body"]
    families = {f.name: f for f in text_string_to_metric_families(body)}
    counts = {
        tuple(sorted(s.labels.items())): s.value
        for s in families["sportello_http_requests"].samples
        if s.name == "sportello_http_requests_total"
    }
    assert counts[(("method", "GET"), ("status", "404"), ("view", "unresolved"))] == 2


def test_the_sample_dashboard_asks_only_for_pinned_metrics():
    path = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "sportello-dashboard.json"
    dashboard = json.loads(path.read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    used = {
        re.sub(r"_(total|bucket|count|sum)$", "", name)
        for expr in exprs
        for name in re.findall(r"sportello_[a-z_]+", expr)
    }
    assert used and used <= PINNED.keys(), used - PINNED.keys()
    assert PINNED.keys() <= used, f"not on the dashboard: {PINNED.keys() - used}"
