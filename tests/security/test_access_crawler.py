"""The access crawler: every URL pattern of the project, for every role of acme, with the
ids of globex's objects, of another end user's ticket, of a private ticket and of an
internal note's file. What each role may reach is spelled out per pattern in ``TABLE``
(crawler_table.py and crawler_table_api.py, with the probes of crawler_probes.py);
everything else must be refused (404, 302 to sign-in, 405 — 401/403 for the API), must
not carry the refused object's text, and must change nothing. A URL pattern without an
entry in ``TABLE`` fails the test, so a new view cannot slip past it.

Set ``CRAWLER_REPORT=1`` to print every answer (to review the table after a change).
The operators' /healthz, /readyz and /metrics are answered by a middleware before any
URLconf, on every host: ``test_operations_endpoints.py`` requests them as each role.
"""

from __future__ import annotations

import os
import re
import threading

import pytest
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver

from accounts import dbsession
from accounts.models import Account
from tests.api.conftest import basic_header, token_for
from tests.conftest import TenantClient
from tests.factories import AccountFactory, AgentGroupFactory
from tests.security.crawler_probes import API_DENY, NEVER_SHOWN, ROLES, WEB_DENY, Entry
from tests.security.crawler_scenario import Scenario, build_scenario
from tests.security.crawler_table import TABLE
from tickets.models import Ticket


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def table_key(route: str) -> str:
    return (
        route.removesuffix(".json")
        if route.startswith("api/v2/") and route != ("api/v2/openapi.json")
        else route
    )


def project_routes() -> list[tuple[str, str]]:
    """(table key, route) of every URL pattern, tenant and base domain."""
    routes = [(table_key(r), r) for r in _walk(get_resolver("helpdesk.urls_tenant").url_patterns)]
    for route in _walk(get_resolver("helpdesk.urls").url_patterns):
        if route.startswith("admin/") and route != "admin/":
            continue  # Django's own admin: its index stands for it (operators only)
        routes.append((f"base:{route}", route))
    return routes


def test_every_url_pattern_has_an_entry():
    keys = {key for key, _route in project_routes()}
    assert sorted(keys - TABLE.keys()) == [], "add these patterns to TABLE"
    assert sorted(TABLE.keys() - keys) == [], "these TABLE entries match no pattern"


_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def fill(route: str, kwargs: dict) -> str:
    return "/" + _CONVERTER.sub(lambda m: str(kwargs[m.group(1)]), route)


def client_for_role(role: str, scenario: Scenario) -> TenantClient:
    client = TenantClient(scenario.acme)
    user = scenario.users.get(role)
    if user is not None:
        client.force_login(user)
        client.defaults["HTTP_AUTHORIZATION"] = basic_header(user.email, token_for(user))
    return client


# A row version this test's transaction wrote (its own statements or its requests', in
# savepoints or not) is "in progress" until the test ends; a version another session
# committed is not. The scenario's rows are all written in the test's transaction, so a
# request that changes or deletes one changes the digest, while a process another test left
# behind (a worker, a server) that commits rows of its own does not: the crawler judges the
# requests it made, and other sessions are named in the failure message.
# xmin is 32 bits; the current transaction id's epoch makes it comparable.
# Every transaction id of this test's transaction tree (savepoints' included) is at least
# its top-level id, so a plain comparison first leaves out the rows of earlier
# transactions (a restored database's, in the restore drill: most rows) before the status
# lookup, which costs a commit-log read per row.
_OURS = (
    "r.xmin::text::bigint >= (pg_current_xact_id()::text::bigint & 4294967295)"
    " AND pg_xact_status(((pg_current_xact_id()::text::bigint >> 32 << 32)"
    " + r.xmin::text::bigint)::text::xid8) = 'in progress'"
)


# The tables a request could change.
FINGERPRINT_TABLES = (
    "tickets_ticket",
    "tickets_comment",
    "tickets_attachment",
    "tickets_ticketcc",
    "tickets_ticketevent",
    "tickets_tagcount",
    "notifications_delivery",
    "notifications_trigger",
    "automations_automation",
    "notifications_suppression",
    "macros_macro",
    "macros_macroapplication",
    "ticketlinks_ticketlink",
    "escalations_escalation",
    "escalations_escalationstage",
    "escalations_escalationevent",
    "calls_ticketcall",
    "timeworked_timeentry",
    "timeworked_timetimer",
    "timeworked_timesettings",
    "assist_assistrequest",
    "assist_assistsettings",
    "notifications_notification",
    "notifications_ticketfollow",
    "notifications_notificationpreference",
    "mailchannels_supportaddress",
    "mailchannels_mailboxchannel",
    "mailchannels_fetchedmessage",
    "mailchannels_ticketaddress",
    "accounts_user",
    "accounts_deleteduser",
    "accounts_organization",
    "accounts_agentgroup",
    "accounts_groupmembership",
    "accounts_agentrole",
    "tickets_view",
    "tickets_viewgroup",
    "tickets_customstatus",
    "servicelevels_schedule",
    "servicelevels_scheduleinterval",
    "servicelevels_holiday",
    "webhooks_webhook",
    "webhooks_webhookcall",
    "closing_closereason",
    "closing_ticketclosure",
    "knowledge_knowledgesettings",
    "knowledge_category",
    "knowledge_section",
    "knowledge_article",
    "knowledge_articletranslation",
    "knowledge_articlerevision",
    "knowledge_articlevote",
    "knowledge_deflection",
    "knowledge_articleimage",
    "reports_reportday",
    "reports_reportagentday",
    "reports_reportgroupday",
    "reports_reportorganizationagentday",
    "reports_reportorganizationday",
    "reports_reporttagagentday",
    "reports_reporttagday",
    "reports_reportfieldvalueagentday",
    "reports_reportfieldvalueday",
    "reports_reportattributeday",
    "reports_reportattributemonth",
    "reports_reportsladay",
    "reports_reportslagroupday",
    "reports_reportchannelagentday",
    "reports_reportpriorityagentday",
    "reports_reporttypeagentday",
    "reports_reportchannelagentmonth",
    "reports_reportpriorityagentmonth",
    "reports_reporttypeagentmonth",
    "reports_reportagentmonth",
    "reports_reportticket",
    "chat_chatsettings",
    "chat_chatgroup",
    "chat_agentchatstatus",
    "chat_chat",
    "chat_chatparticipant",
    "chat_chatmessage",
    "chat_chatattachment",
)


def state_fingerprint(tables=FINGERPRINT_TABLES) -> tuple:
    """A digest of every row version this test's transaction wrote, per table a request
    could change."""
    sql = " UNION ALL ".join(
        f"SELECT '{t}', md5(coalesce(string_agg(r::text, ',' ORDER BY r.id), '')) "  # noqa: S608
        f"FROM {t} r WHERE {_OURS}"
        for t in tables
    )
    with dbsession.platform_access(), connection.cursor() as cursor:  # every account's rows
        cursor.execute(sql)
        rows = cursor.fetchall()
    return tuple(rows)


# The rows this backend's transaction inserted, updated and deleted so far, per table
# (savepoints' included, open or rolled back): PostgreSQL's own per-transaction counters,
# which no other session moves. One cheap query instead of a digest of every table.
_WRITES = (
    "SELECT t, pg_stat_get_xact_tuples_inserted(t::regclass),"
    " pg_stat_get_xact_tuples_updated(t::regclass),"
    " pg_stat_get_xact_tuples_deleted(t::regclass) FROM unnest(%s::text[]) AS t"
)


def _writes() -> dict[str, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(_WRITES, [list(FINGERPRINT_TABLES)])
        return {table: tuple(counts) for table, *counts in cursor.fetchall()}


class StateWatch:
    """``state_fingerprint`` between one look and the next, its digests recomputed only for
    the tables this transaction wrote to in between: a table nobody wrote to holds the same
    row versions (a request that rolls its writes back, or writes what was there, still
    changes no digest). Most requests write nothing: one counter query, no digest."""

    def __init__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SHOW track_counts")
            assert cursor.fetchone()[0] == "on", "the watch reads PostgreSQL's row counters"
        self._writes = _writes()
        self._digests = dict(state_fingerprint())

    def changed(self) -> list[str]:
        """The tables whose digest differs from the last look's."""
        writes = _writes()
        written = [t for t in FINGERPRINT_TABLES if writes[t] != self._writes[t]]
        self._writes = writes
        if not written:
            return []
        digests = dict(state_fingerprint(written))
        changed = [t for t in written if digests[t] != self._digests[t]]
        self._digests.update(digests)
        return changed


# A refusal may redirect to sign-in, or to the role's own home (an agent sent from the
# help center to the workspace): fixed places that say nothing about the object asked for.
REFUSAL_REDIRECTS = ("/signin/", "/admin/login/", "/agent/", "/hc/")


def _is_refusal(response, entry: Entry, role: str) -> bool:
    deny = (API_DENY if entry.api else WEB_DENY) | entry.also_refuse.get(role, set())
    if response.status_code not in deny:
        return False
    if response.status_code == 302:
        return response["Location"].split("?")[0] in REFUSAL_REDIRECTS
    return True


def _is_denial(response) -> bool:
    """Not found, forbidden or sent to sign in: wrong for a pair the table allows."""
    if response.status_code in (401, 403, 404):
        return True
    location = response.get("Location", "").split("?")[0]
    return response.status_code == 302 and location.endswith(("/signin/", "/admin/login/"))


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.fixture
def scenario(acme, globex, settings, tmp_path, caplog):
    caplog.set_level("ERROR", logger="django.request")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "crawler:" + "s" * 32}
    # A crawl sends more API calls a minute than an account's budget (700) allows: a 429
    # would hide what the table asks about (tests/api test the limit itself).
    settings.API_RATE_LIMIT = "1000000/min"
    return build_scenario(acme, globex)


# Every role as the suite's superuser; the signed-in roles again as a role that row-level
# security binds (as production's), so a view reading tenant rows outside its account's
# context fails here too.
CRAWLS = [(role, "superuser") for role in ROLES] + [
    (role, "app_role") for role in ("end_user", "admin", "group_agent")
]


@pytest.mark.long
@pytest.mark.parametrize(("role", "database_role"), CRAWLS)
def test_every_url_answers_each_role_as_the_table_says(role, database_role, scenario, request):
    client = client_for_role(role, scenario)
    if database_role == "app_role":
        request.getfixturevalue("platform_role")  # the fingerprint reads every account
        request.getfixturevalue("app_role").activate()
    report = os.environ.get("CRAWLER_REPORT")
    failures = []
    watch = StateWatch()  # nothing runs between one request's look and the next's
    for key, route in project_routes():
        entry = TABLE.get(key)
        if entry is None:
            continue  # test_every_url_pattern_has_an_entry names it
        allowed = entry.allow.get(role, set())
        host = "localhost" if entry.host == "base" else f"{scenario.acme.subdomain}.localhost"
        for probe, kwargs_of in entry.probes.items():
            kwargs = dict(kwargs_of(scenario.ids))
            query = kwargs.pop("_query", "")
            path = (entry.url or fill(route, kwargs)) + query
            may = "*" in allowed or probe in allowed
            # "?probe": any answer will do, as long as it carries nothing it must not.
            text_only = f"?{probe}" in allowed or "?*" in allowed
            methods = ["get"] if may else ["get", "post"] + (["put", "delete"] if entry.api else [])
            for method in methods:
                response = getattr(client, method)(path, HTTP_HOST=host)
                text = _text(response)
                where = (
                    f"{role}: {method.upper()} {path} [{key} / {probe}] → "
                    f"{response.status_code} {response.get('Location', '')}"
                )
                if report:
                    print(("ALLOW " if may else "DENY  ") + where)
                if response.status_code >= 500:
                    failures.append(f"server error: {where}")
                if not may and not text_only and not _is_refusal(response, entry, role):
                    failures.append(f"not refused: {where}")
                if may and _is_denial(response):
                    failures.append(f"refused though allowed: {where}")
                changed = watch.changed()
                if not may and changed:
                    failures.append(f"refused but changed state: {where} {changed}")
                if method == "get" and changed:
                    failures.append(f"GET changed state: {where} {changed}")
                leaked = [m for m in NEVER_SHOWN[role] if m in text]
                if leaked:
                    failures.append(f"leaked {leaked}: {where}")
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures) + _other_sessions()


def _other_sessions() -> str:
    """Who else is connected to this test database: a process an earlier test left running
    (a worker, a server) writes rows the fingerprint sees."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT application_name, state, left(query, 200) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        rows = cursor.fetchall()
    return "\nother sessions on this database: " + repr(rows)


def _in_another_session(work) -> None:
    """Run ``work`` on a connection of its own, committed at once (as a process another
    test left running would)."""
    errors = []

    def run():
        try:
            with dbsession.platform_access():
                work()
        except Exception as error:  # noqa: BLE001 - re-raised below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def test_the_fingerprint_sees_the_tests_own_writes_and_not_another_sessions(scenario):
    start = state_fingerprint()
    watch = StateWatch()
    outsider = {}

    def write_elsewhere():
        account = AccountFactory(subdomain="outsider")
        outsider["account"] = account.pk
        AgentGroupFactory(account=account, name="Outsiders")

    _in_another_session(write_elsewhere)
    try:
        assert state_fingerprint() == start  # committed by someone else: not the crawl's
        assert watch.changed() == []
        with dbsession.platform_access():
            tickets = Ticket.all_accounts.filter(account=scenario.acme)
            # Written, then rolled back; then written with the values it had: no change.
            with pytest.raises(RuntimeError), transaction.atomic():
                tickets.update(subject="Rolled back")
                raise RuntimeError
            assert watch.changed() == []
            for ticket in tickets:
                Ticket.all_accounts.filter(pk=ticket.pk).update(subject=ticket.subject)
            assert watch.changed() == []
            tickets.update(subject="Changed")
        assert state_fingerprint() != start  # a scenario row this test's requests changed
        assert watch.changed() == ["tickets_ticket"]
        with dbsession.platform_access():
            tickets.filter(number=scenario.ids["private"].number).delete()
        assert "tickets_ticket" in watch.changed()  # a row gone
    finally:
        _in_another_session(
            lambda: Account.objects.filter(pk=outsider["account"]).delete() if outsider else None
        )
