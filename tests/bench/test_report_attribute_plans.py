"""Issue 26: the report narrowed to a tag or a drop-down value reads the matching tickets
through their index (a condition in the form of ticket_tags_gin from tickets 0028 or of
ticket_custom_fields_gin) and their ReportTicket rows by key, in no more queries than the
unfiltered page; never the account's tickets. (An organization is a rollups' key:
tests/bench/test_report_plans.py.)"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customfields.models import TicketField
from tests.factories import OrganizationFactory, make_ticket
from tickets.services import ticket_update

URL = "/agent/reports/?preset=90&period=week"


def _captured(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return ctx.captured_queries


@pytest.mark.parametrize(
    ("kind", "index"),
    [
        ("organization", ""),
        ("tag", "ticket_tags_gin"),
        ("field", "ticket_custom_fields_gin"),
    ],
)
def test_attribute_filters_read_the_matching_tickets_by_index(
    kind, index, acme, acme_admin, acme_user, client_for, run
):
    org = OrganizationFactory(account=acme, name="Bigorg")
    impact = TicketField.objects.for_account(acme).get(title="Impact")
    for n in range(3):
        ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
        fields = {"organization": org, "tags": "vip", "custom_fields": {str(impact.number): "high"}}
        run(ticket_update, ticket=ticket, actor=acme_admin, **(fields if n else {}))
    query = {
        "organization": f"&organization={org.number}",
        "tag": "&tag=vip",
        "field": f"&field_{impact.number}=high",
    }[kind]
    client = client_for(acme_admin)
    unfiltered = len(_captured(client, URL))
    queries = _captured(client, URL + query)
    assert len(queries) <= unfiltered  # the rollups' five reads become one
    facts = [q["sql"] for q in queries if "reports_reportticket" in q["sql"]]
    if kind == "organization":
        assert facts == []  # the organization rollups answer (test_report_plans.py)
        return
    assert len(facts) == 1
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + facts[0])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    assert "reports_reportticket_ticket_id_key" in plan, plan
    assert "Seq Scan" not in plan, plan
    # A GIN index serves bitmap scans only, and on three tickets the account's own index
    # is cheaper; what must hold is that the condition is the index's expression, so at
    # scale the planner takes it (on the 1M bench copy: Bitmap Index Scan on
    # ticket_tags_gin for a tag, ticket_custom_fields_gin for a value).
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
        definition = cursor.fetchone()[0]
    expression = {"tag": "string_to_array((tags)::text, ' '::text)", "field": "custom_fields"}
    assert expression[kind] in definition
    assert f"{expression[kind]} @>" in plan, plan
