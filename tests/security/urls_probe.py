"""The tenant URLconf plus one probe view that runs raw SQL with no account filter."""

from django.db import connection
from django.http import JsonResponse
from django.urls import path

from helpdesk.urls_tenant import urlpatterns as tenant_urlpatterns


def raw_ticket_accounts(request):
    with connection.cursor() as cursor:
        # Deliberately no WHERE on the account: row-level security must do the scoping.
        cursor.execute("SELECT DISTINCT account_id FROM tickets_ticket")
        accounts = sorted(row[0] for row in cursor.fetchall())
    return JsonResponse({"accounts": accounts})


urlpatterns = [path("__rls_probe__/", raw_ticket_accounts), *tenant_urlpatterns]
