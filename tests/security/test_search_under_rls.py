"""Full-text search as production runs it: as the application role, under row-level
security. PostgreSQL checks a policy before any operator that is not LEAKPROOF, and
``@@`` is not, so under the policy a search cannot use the GIN indexes and reads the
whole account; searches therefore run through ``rls.indexed_text_search``, scoped by the
application and checked again by ``same_account_only``."""

from __future__ import annotations

import logging

import pytest
from django.db import connection

from accounts import rls
from portal.selectors import search_requests
from tests.factories import make_ticket
from tests.security.conftest import raw_rows
from tickets.models import Comment
from tickets.services import comment_add

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's RLS")

# The column of the GIN index comment_body_fts, and no account filter of its own.
FTS = "SELECT id FROM tickets_comment WHERE body_vector @@ to_tsquery('simple', 'zyzzyva:*')"


def gin_scans() -> int:
    return raw_rows("SELECT pg_stat_get_xact_numscans('comment_body_fts'::regclass)")[0][0]


@pytest.fixture
def word_in_both_accounts(acme, globex, acme_agent, acme_user, globex_agent, globex_user):
    mine = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="VPN")
    comment_add(ticket=mine, author=acme_agent, body="Try the zyzzyva profile.")
    theirs = make_ticket(account=globex, submitter=globex_agent, requester=globex_user)
    comment_add(ticket=theirs, author=globex_agent, body="zyzzyva in Globex too")
    return mine


def test_the_policy_keeps_full_text_off_the_index_and_the_search_road_lets_it_on(
    acme, word_in_both_accounts, platform_role, app_role
):
    app_role.activate()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
        # Under the policy the planner may not use the GIN index for @@ (the premise):
        # it reads the account's rows and filters each.
        with rls.account_context(acme):
            before = gin_scans()
            assert len(raw_rows(FTS)) == 1
            assert gin_scans() == before
        # On the search road it may. The policy is lifted there, so the scoping is the
        # application's: this raw query has none, and sees both accounts' comments.
        with rls.indexed_text_search(acme):
            before = gin_scans()
            assert len(raw_rows(FTS)) == 2
            assert gin_scans() > before
        # Afterwards the connection is the application role again, policy bound.
        assert raw_rows("SELECT current_user")[0][0] == app_role.name
        assert raw_rows("SELECT count(*) FROM tickets_comment")[0][0] == 0
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")
        app_role.deactivate()


def test_help_center_search_as_the_application_role_finds_only_the_viewers_requests(
    acme, acme_user, word_in_both_accounts, platform_role, app_role
):
    app_role.activate()
    try:
        with rls.account_context(acme):
            hits = search_requests(viewer=acme_user, query="zyzzyva")
        assert [h.ticket for h in hits] == [word_in_both_accounts]
        assert "<mark>zyzzyva</mark>" in hits[0].snippet_html
    finally:
        app_role.deactivate()


def test_same_account_only_drops_and_logs_a_stranger(acme, globex, word_in_both_accounts, caplog):
    rows = list(Comment.all_accounts.filter(body__contains="zyzzyva").order_by("account_id"))
    with caplog.at_level(logging.ERROR, logger="accounts.rls"):
        kept = rls.same_account_only(rows, acme)
    assert [c.account_id for c in kept] == [acme.pk]
    assert "returned 1 rows of other accounts" in caplog.text


def test_the_help_center_search_query_runs_on_the_search_road(
    acme, acme_user, word_in_both_accounts
):
    roads = []

    def spy(execute, sql, params, many, context):
        if "@@" in sql:
            roads.append(rls._platform_depth.get() > 0)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        assert search_requests(viewer=acme_user, query="zyzzyva")
    assert roads and all(roads)


def test_the_agent_search_runs_on_the_search_road_and_finds_internal_notes(
    acme, acme_agent, word_in_both_accounts, platform_role, app_role
):
    from tickets.search import tickets_search

    comment_add(ticket=word_in_both_accounts, author=acme_agent, body="quux note", public=False)
    roads = []

    def spy(execute, sql, params, many, context):
        if "@@" in sql:
            roads.append(rls._platform_depth.get() > 0)
        return execute(sql, params, many, context)

    app_role.activate()
    try:
        with rls.account_context(acme), connection.execute_wrapper(spy):
            assert tickets_search(viewer=acme_agent, query="zyzzyva") == [word_in_both_accounts]
            assert tickets_search(viewer=acme_agent, query="quux") == [word_in_both_accounts]
    finally:
        app_role.deactivate()
    assert roads and all(roads)
