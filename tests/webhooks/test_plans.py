"""The webhooks' reads stay index-served however many calls an account has made: the
delivery log (the newest attempts of one webhook) reads webhookattempt_log in order, with
no sort; the sweeper's scan of due calls reads webhookcall_sweep. EXPLAINed with
sequential scans priced out, as tests/bench/test_query_plans.py does for the pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from accounts.dbsession import platform_access
from webhooks.models import WebhookAttempt, WebhookCall
from webhooks.selectors import webhook_log
from webhooks.services import webhook_create

pytestmark = pytest.mark.django_db


def _explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    return plan


@pytest.fixture
def many_attempts(acme, acme_admin):
    hooks = [
        webhook_create(account=acme, actor=acme_admin, name=f"H{i}", endpoint="https://e.com/h")
        for i in range(3)
    ]
    calls = WebhookCall.objects.bulk_create(
        WebhookCall(account=acme, webhook=hooks[n % 3], body="{}", state="sent") for n in range(600)
    )
    WebhookAttempt.objects.bulk_create(
        WebhookAttempt(account=acme, webhook=call.webhook, call=call, status_code=200)
        for call in calls
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE webhooks_webhookattempt")
        cursor.execute("ANALYZE webhooks_webhookcall")
    return hooks[0]


def test_the_delivery_log_reads_its_index_in_order(many_attempts):
    queryset = (
        WebhookAttempt.objects.for_account(many_attempts.account)
        .filter(webhook=many_attempts)
        .order_by("-created_at", "-id")[:50]
    )
    sql, params = queryset.query.sql_with_params()
    plan = _explain(sql, params)
    assert "webhookattempt_log" in plan, plan
    assert "Sort" not in plan, plan
    assert len(webhook_log(webhook=many_attempts)) == 50


def test_the_sweeper_finds_due_calls_from_its_index(many_attempts):
    with platform_access():
        queryset = WebhookCall.all_accounts.filter(
            state=WebhookCall.State.QUEUED, next_attempt_at__lte=timezone.now()
        ).values_list("pk", flat=True)[:500]
        sql, params = queryset.query.sql_with_params()
        plan = _explain(sql, params)
    assert "webhookcall_sweep" in plan, plan
