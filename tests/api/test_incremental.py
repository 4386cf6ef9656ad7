"""Zendesk's incremental exports: its shapes (checked against its own response schemas),
a cursor walk that neither skips nor repeats a row while tickets change under it,
deleted tickets reported, start_time rules, admins only, one account's rows only, and
Zendesk's 10-a-minute limit."""

from __future__ import annotations

import datetime as dt
import json
import time
from functools import cache
from pathlib import Path

import jsonschema_rs
import pytest
from django.core.cache import cache as django_cache
from django.utils import timezone

from accounts.models import Organization, User
from tests.api.zendesk import _as_json_schema
from tests.factories import make_ticket
from tickets.models import DeletedTicket, Ticket
from tickets.services import ticket_delete, ticket_update
from tickets.services.retention import retention_policy_update, retention_run

EXTRACT = Path(__file__).parent / "zendesk" / "oas-incremental.json"
LONG_AGO = int(time.time()) - 3600


def _enums_nullable(value):
    """Zendesk answers null for an unset enum too (a ticket's type and priority)."""
    if isinstance(value, dict):
        out = {k: _enums_nullable(v) for k, v in value.items()}
        if isinstance(out.get("enum"), list):
            if None not in out["enum"]:  # tests.api.zendesk's reading may have added it
                out["enum"] = [*out["enum"], None]
            # A deleted ticket's status in the incremental export (Zendesk's documentation
            # says so; its schema's enum leaves it out).
            if "hold" in out["enum"] and "deleted" not in out["enum"]:
                out["enum"] = [*out["enum"], "deleted"]
        return out
    if isinstance(value, list):
        return [_enums_nullable(v) for v in value]
    return value


@cache
def _validator(name: str):
    schemas = json.loads(EXTRACT.read_text())["schemas"]
    defs = {k: _enums_nullable(_as_json_schema(v)) for k, v in schemas.items()}
    return jsonschema_rs.Draft202012Validator({"$defs": defs, "$ref": f"#/$defs/{name}"})


def assert_matches(body: dict, schema: str) -> None:
    errors = [f"{e.instance_path}: {e.message}" for e in _validator(schema).iter_errors(body)]
    assert not errors, f"not Zendesk's {schema}: {errors[:5]}"


@pytest.fixture(autouse=True)
def _no_horizon(settings):
    # Rows changed a moment ago are exported at once (the horizon has its own test).
    settings.API_INCREMENTAL_HORIZON_SECONDS = 0
    settings.API_INCREMENTAL_RATE_LIMIT = "1000/min"
    django_cache.clear()


@pytest.fixture
def admin_api(api_for, acme_admin):
    return api_for(acme_admin)


def _backdate(ticket, minutes: int) -> None:
    at = timezone.now() - dt.timedelta(minutes=minutes)
    Ticket.objects.for_account(ticket.account).filter(pk=ticket.pk).update(updated_at=at)


def _walk(api, first: str, key: str, *, between=None) -> list[dict]:
    """Every row of a cursor walk, page by page; ``between(page_number)`` runs between pages."""
    rows, url, pages = [], first, 0
    while True:
        response = api.get(url)
        assert response.status_code == 200, response.json()
        body = response.json()
        rows += body[key]
        pages += 1
        if body["end_of_stream"]:
            return rows
        assert pages < 50
        if between:
            between(pages)
        url = body["after_url"]


def test_cursor_export_in_zendesks_shape(admin_api, acme):
    make_ticket(account=acme, subject="First")
    body = admin_api.get(f"incremental/tickets/cursor.json?start_time={LONG_AGO}").json()
    assert_matches(body, "CursorBasedExportIncrementalTicketsResponse")
    assert body["end_of_stream"] is True
    assert [t["subject"] for t in body["tickets"]] == ["First"]
    assert body["after_cursor"] and body["after_url"].endswith(f"cursor={body['after_cursor']}")
    # Resuming from the last cursor: nothing new yet, and the cursor stays usable.
    again = admin_api.get(body["after_url"]).json()
    assert again["tickets"] == [] and again["end_of_stream"] is True
    assert again["after_cursor"] == body["after_cursor"]


def test_cursor_walk_is_stable_under_concurrent_writes(admin_api, acme, acme_agent):
    tickets = [make_ticket(account=acme, subject=f"T{i}") for i in range(7)]
    for i, ticket in enumerate(tickets):
        _backdate(ticket, 50 - i)  # distinct, ordered updated_at
    # A second account's tickets never appear.
    changed = {}

    def write(page: int) -> None:
        if page == 1:  # T0/T1 exported; T1 changes (already exported), T5 (not yet) too
            for name in ("T1", "T5"):
                ticket = Ticket.objects.for_account(acme).get(subject=name)
                ticket_update(ticket=ticket, actor=acme_agent, priority="high")
                changed[name] = True
            # and T3 is deleted before the walk reaches it
            ticket_delete(
                ticket=Ticket.objects.for_account(acme).get(subject="T3"), actor=acme_agent
            )

    rows = _walk(
        admin_api,
        f"incremental/tickets/cursor.json?start_time={LONG_AGO}&per_page=2",
        "tickets",
        between=write,
    )
    seen = [(r["subject"], r["status"]) for r in rows]
    subjects = [s for s, _ in seen]
    # Unchanged tickets exactly once; none skipped.
    for name in ("T0", "T2", "T4", "T6"):
        assert subjects.count(name) == 1, seen
    # T1, exported before its change, reappears after it with its new value (Zendesk's
    # semantics); T5, changed before the walk reached it, comes once, changed.
    assert subjects.count("T1") == 2 and subjects.count("T5") == 1, seen
    last_t1 = [r for r in rows if r["subject"] == "T1"][-1]
    assert last_t1["priority"] == "high"
    # The deleted ticket is reported as deleted, and only so.
    assert ("T3", "deleted") in seen and subjects.count("T3") == 1, seen


def test_deleted_ticket_reported_after_being_exported(admin_api, acme, acme_agent):
    ticket = make_ticket(account=acme, subject="Doomed")
    first = admin_api.get(f"incremental/tickets/cursor.json?start_time={LONG_AGO}").json()
    assert [t["status"] for t in first["tickets"]] == ["new"]
    ticket_delete(ticket=ticket, actor=acme_agent)
    body = admin_api.get(first["after_url"]).json()
    assert_matches(body, "CursorBasedExportIncrementalTicketsResponse")
    assert [(t["id"], t["status"]) for t in body["tickets"]] == [(ticket.number, "deleted")]


def test_rows_of_the_last_moment_wait_for_the_horizon(admin_api, acme, settings):
    settings.API_INCREMENTAL_HORIZON_SECONDS = 60
    old, new = make_ticket(account=acme, subject="Old"), make_ticket(account=acme, subject="New")
    _backdate(old, 5)
    body = admin_api.get(f"incremental/tickets/cursor.json?start_time={LONG_AGO}").json()
    assert [t["subject"] for t in body["tickets"]] == ["Old"]
    _backdate(new, 2)
    body = admin_api.get(body["after_url"]).json()
    assert [t["subject"] for t in body["tickets"]] == ["New"]


def test_time_based_ticket_export(admin_api, acme):
    tickets = [make_ticket(account=acme, subject=f"T{i}") for i in range(5)]
    for i, ticket in enumerate(tickets):
        _backdate(ticket, 50 - i)
    rows, url = [], f"incremental/tickets.json?start_time={LONG_AGO}&per_page=2"
    for _ in range(10):
        body = admin_api.get(url).json()
        assert_matches(body, "TimeBasedExportIncrementalTicketsResponse")
        assert body["count"] == len(body["tickets"]) and isinstance(body["end_time"], int)
        rows += body["tickets"]
        if body["end_of_stream"]:
            break
        assert f"start_time={body['end_time']}" in body["next_page"]
        url = body["next_page"]
    assert [t["subject"] for t in rows] == [f"T{i}" for i in range(5)]


def _backdate_deletion(ticket, minutes: int) -> None:
    at = timezone.now() - dt.timedelta(minutes=minutes)
    DeletedTicket.objects.for_account(ticket.account).filter(pk=ticket.pk).update(updated_at=at)


def test_time_based_export_reports_deleted_tickets_in_time_order(admin_api, acme, acme_agent):
    tickets = [make_ticket(account=acme, subject=f"T{i}") for i in range(6)]
    for i, ticket in enumerate(tickets):
        _backdate(ticket, 50 - i)
    for i in (1, 4):  # deleted, at minutes 30 and 20 before now: after every live row
        ticket_delete(ticket=tickets[i], actor=acme_agent)
        _backdate_deletion(tickets[i], 30 - 10 * (i // 4))
    rows, url = [], f"incremental/tickets.json?start_time={LONG_AGO}&per_page=2"
    for _ in range(10):
        body = admin_api.get(url).json()
        assert_matches(body, "TimeBasedExportIncrementalTicketsResponse")
        rows += body["tickets"]
        if body["end_of_stream"]:
            break
        url = body["next_page"]
    assert [(t["subject"], t["status"]) for t in rows] == [
        ("T0", "new"),
        ("T2", "new"),
        ("T3", "new"),
        ("T5", "new"),
        ("T1", "deleted"),
        ("T4", "deleted"),
    ]


def test_tickets_the_retention_pass_deletes_are_reported(admin_api, acme, acme_admin):
    kept = make_ticket(account=acme, subject="Kept")
    gone = make_ticket(account=acme, subject="Expired")
    old = timezone.now() - dt.timedelta(days=800)
    Ticket.objects.for_account(acme).filter(pk=gone.pk).update(
        status="closed", last_activity_at=old
    )
    retention_policy_update(
        account=acme, actor=acme_admin, closed_ticket_months=12, attachment_months=None
    )
    assert retention_run(account=acme, dry_run=False).tickets == 1
    for url in (
        f"incremental/tickets.json?start_time={LONG_AGO}",
        f"incremental/tickets/cursor.json?start_time={LONG_AGO}",
    ):
        body = admin_api.get(url).json()
        assert ("Expired", "deleted") in [(t["subject"], t["status"]) for t in body["tickets"]]
        assert ("Kept", "new") in [(t["subject"], t["status"]) for t in body["tickets"]]
    assert kept.number != gone.number


def test_time_based_pages_never_loop_on_one_busy_second(admin_api, acme):
    at = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=10)
    for i in range(4):
        make_ticket(account=acme, subject=f"S{i}")
    Ticket.objects.for_account(acme).update(updated_at=at)
    body = admin_api.get(f"incremental/tickets.json?start_time={LONG_AGO}&per_page=2").json()
    # All four share a second: one longer page, and the walk moves past that second.
    assert body["count"] == 4 and body["end_time"] == int(at.timestamp()) + 1
    assert body["end_of_stream"] is True


def test_users_organizations_and_events_in_zendesks_shape(admin_api, acme, acme_agent):
    Organization.objects.create(account=acme, name="Initech")
    ticket = make_ticket(account=acme, subject="Evented")
    ticket_update(ticket=ticket, actor=acme_agent, status="open")
    users = admin_api.get(f"incremental/users/cursor.json?start_time={LONG_AGO}").json()
    assert_matches(users, "CursorBasedExportIncrementalUsersResponse")
    assert acme_agent.email in {u["email"] for u in users["users"]}
    orgs = admin_api.get(f"incremental/organizations.json?start_time={LONG_AGO}").json()
    assert_matches(orgs, "ExportIncrementalOrganizationsResponse")
    assert "Initech" in {o["name"] for o in orgs["organizations"]}
    events = admin_api.get(f"incremental/ticket_events.json?start_time={LONG_AGO}").json()
    assert_matches(events, "ExportIncrementalTicketEventsResponse")
    kinds = [(e["ticket_id"], e["child_events"][0]["event_type"]) for e in events["ticket_events"]]
    assert (ticket.number, "Create") in kinds and (ticket.number, "Change") in kinds


def test_a_user_changed_after_the_walk_passed_is_exported_again(admin_api, acme, acme_user):
    """The users' cursor follows updated_at: a sync tool sees a renamed user, whether
    the change went through save(), save(update_fields=…) or QuerySet.update()."""
    body = admin_api.get(f"incremental/users/cursor.json?start_time={LONG_AGO}").json()
    assert body["end_of_stream"] and acme_user.email in {u["email"] for u in body["users"]}
    created = User.objects.for_account(acme).get(pk=acme_user.pk).updated_at
    User.objects.for_account(acme).filter(pk=acme_user.pk).update(name="Renamed by update")
    after_update = User.objects.for_account(acme).get(pk=acme_user.pk)
    assert after_update.updated_at > created
    again = admin_api.get(body["after_url"]).json()
    assert_matches(again, "CursorBasedExportIncrementalUsersResponse")
    assert [(u["id"], u["name"]) for u in again["users"]] == [
        (acme_user.number, "Renamed by update")
    ]
    after_update.notes = "Prefers phone"
    after_update.save(update_fields=["notes"])
    assert User.objects.for_account(acme).get(pk=acme_user.pk).updated_at > (
        after_update.updated_at
    )
    # A write that changes nothing moves nothing.
    same = User.objects.for_account(acme).get(pk=acme_user.pk)
    User.objects.for_account(acme).filter(pk=acme_user.pk).update(notes="Prefers phone")
    assert User.objects.for_account(acme).get(pk=acme_user.pk).updated_at == same.updated_at


ENDPOINTS = [
    "incremental/tickets/cursor.json",
    "incremental/tickets.json",
    "incremental/users/cursor.json",
    "incremental/organizations.json",
    "incremental/ticket_events.json",
]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_start_time_must_be_a_minute_old(admin_api, endpoint):
    for query, words in [
        (f"start_time={int(time.time()) - 10}", "Too recent start_time"),
        ("start_time=yesterday", "Unix epoch"),
        ("", "required"),
    ]:
        response = admin_api.get(f"{endpoint}?{query}")
        assert response.status_code == 400
        body = response.json()
        assert body["error"] == "InvalidValue" and words in body["description"]


def test_bad_cursor_is_a_400(admin_api):
    response = admin_api.get("incremental/tickets/cursor.json?cursor=%%%not-a-cursor")
    assert response.status_code == 400 and response.json()["error"] == "InvalidValue"


def test_per_page_is_capped_at_1000(admin_api, acme):
    make_ticket(account=acme)
    body = admin_api.get(f"incremental/tickets.json?start_time={LONG_AGO}&per_page=5000").json()
    assert body["count"] == 1 and "per_page=5000" in body["next_page"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_admins_only(api_for, acme_agent, acme_user, endpoint):
    for who in (acme_agent, acme_user):
        response = api_for(who).get(f"{endpoint}?start_time={LONG_AGO}")
        assert response.status_code == 403, who.role
        assert response.json()["error"] == "Forbidden"
    assert api_for(account=acme_agent.account).get(endpoint).status_code == 401


def test_another_accounts_rows_never_appear(api_for, acme, globex, acme_admin, globex_agent):
    make_ticket(account=acme, subject="Acme's")
    secret = make_ticket(account=globex, subject="Globex's secret")
    ticket_delete(ticket=secret, actor=globex_agent)
    make_ticket(account=globex, subject="Globex's other")
    Organization.objects.create(account=globex, name="Globex Org")
    api = api_for(acme_admin)
    text = "".join(
        api.get(f"{endpoint}?start_time={LONG_AGO}").content.decode() for endpoint in ENDPOINTS
    )
    assert "Acme's" in text
    assert "Globex" not in text and globex_agent.email not in text
    # A cursor made from globex's rows shows acme's rows only, never globex's.
    assert User.objects.for_account(globex).exists()


def test_ten_calls_a_minute_then_429_with_retry_after(admin_api, settings):
    settings.API_INCREMENTAL_RATE_LIMIT = "10/min"
    url = f"incremental/tickets/cursor.json?start_time={LONG_AGO}"
    for _ in range(10):
        assert admin_api.get(url).status_code == 200
    response = admin_api.get(url)
    assert response.status_code == 429
    assert response.json()["error"] == "TooManyRequests"
    assert 1 <= int(response["Retry-After"]) <= 60
    # The rest of the API keeps its own, larger budget.
    assert admin_api.get("tickets.json").status_code == 200


def test_the_openapi_document_lists_the_exports(api_for, acme):
    paths = api_for(account=acme).get("openapi.json").json()["paths"]
    for endpoint in ENDPOINTS:
        assert f"/{endpoint}" in paths
        assert {"200", "400", "403", "429"} <= set(paths[f"/{endpoint}"]["get"]["responses"])
