"""The tenant URLconf plus probe views that run raw SQL with no account filter."""

import threading

from django.db import connection
from django.http import JsonResponse, StreamingHttpResponse
from django.urls import path

from helpdesk.urls_tenant import urlpatterns as tenant_urlpatterns


def raw_ticket_accounts(request):
    with connection.cursor() as cursor:
        # Deliberately no WHERE on the account: row-level security must do the scoping.
        cursor.execute("SELECT DISTINCT account_id FROM tickets_ticket")
        accounts = sorted(row[0] for row in cursor.fetchall())
    return JsonResponse({"accounts": accounts})


def _accounts_seen() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT account_id FROM tickets_ticket")
        return sorted(row[0] for row in cursor.fetchall())


# Set by a test: concurrent requests wait here, each with its account already set,
# before they read (tests/security/test_pgbouncer.py).
BARRIER: threading.Barrier | None = None


def concurrent_ticket_accounts(request):
    if BARRIER is not None:
        BARRIER.wait()
    return JsonResponse({"accounts": _accounts_seen()})


def streamed_ticket_accounts(request):
    # The rows are read while the response streams, after the view has returned.
    return StreamingHttpResponse(str(_accounts_seen()) for _ in range(2))


urlpatterns = [
    path("__rls_probe__/", raw_ticket_accounts),
    path("__rls_probe_stream__/", streamed_ticket_accounts),
    path("__rls_probe_concurrent__/", concurrent_ticket_accounts),
    *tenant_urlpatterns,
]
