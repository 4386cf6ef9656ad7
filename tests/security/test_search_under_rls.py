"""Full-text search as production runs it: as the application role, under row-level
security, with no role to switch to. PostgreSQL checks a policy before any operator that
is not LEAKPROOF, and ``@@`` is not, so under the policy a query cannot use the GIN
indexes; the searches find their matches through the SECURITY DEFINER functions of
tickets/migrations/0005 (ids of the session's account, from the index) and read the rows
under the policy."""

from __future__ import annotations

import pytest
from django.db import ProgrammingError, connection, transaction

from accounts import dbsession
from portal.selectors import search_requests
from tests.factories import make_ticket
from tests.security.conftest import raw_rows
from tickets.search import tickets_search
from tickets.services import comment_add

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's RLS")

# The column of the GIN index comment_body_fts, and no account filter of its own.
FTS = "SELECT id FROM tickets_comment WHERE body_vector @@ to_tsquery('simple', 'zyzzyva:*')"
FUNCTIONS = ("search_ticket_ids", "search_comment_ids", "search_comment_estimate")


def gin_scans(index: str = "comment_body_fts") -> int:
    return raw_rows("SELECT pg_stat_get_xact_numscans(%s::regclass)", [index])[0][0]


@pytest.fixture
def word_in_both_accounts(acme, globex, acme_agent, acme_user, globex_agent, globex_user):
    mine = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="VPN")
    comment_add(ticket=mine, author=acme_agent, body="Try the zyzzyva profile.")
    theirs = make_ticket(
        account=globex, submitter=globex_agent, requester=globex_user, subject="zyzzyva plan"
    )
    comment_add(ticket=theirs, author=globex_agent, body="zyzzyva in Globex too")
    return mine


@pytest.fixture
def no_seqscan(acme, acme_agent, acme_user, word_in_both_accounts):
    """Enough of the account's rows that its account_id index is no shortcut, sequential
    scans priced out (as in tests/bench/test_query_plans.py): a rare word's road is the
    GIN index, when the road to it is open.

    The GIN indexes' pending lists are merged first: every comment an earlier test wrote
    and rolled back stays in them until a vacuum, and in a long serial run the planner
    priced the GIN scan by that list and read the account's btree index instead (0 GIN
    scans). Autovacuum keeps the list short in production; here nothing does."""
    from tickets.models import Comment, Ticket

    Comment.objects.bulk_create(
        Comment(account=acme, ticket=word_in_both_accounts, author=acme_agent, body=f"filler {n}")
        for n in range(2000)
    )
    Ticket.objects.bulk_create(
        Ticket(
            account=acme,
            number=10 + n,
            subject=f"filler {n}",
            requester=acme_user,
            submitter=acme_agent,
        )
        for n in range(2000)
    )
    with connection.cursor() as cursor:
        for index in ("comment_body_fts", "ticket_subject_fts"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE tickets_comment")
        cursor.execute("ANALYZE tickets_ticket")
        cursor.execute("SET enable_seqscan = off")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET enable_seqscan")


def test_the_policy_keeps_a_raw_full_text_query_off_the_index(
    acme, word_in_both_accounts, no_seqscan, as_app_role
):
    """The premise: as the application role a plain ``@@`` reads the account's rows and
    filters each, whatever the planner would prefer."""
    with dbsession.account_context(acme):
        before = gin_scans()
        assert len(raw_rows(FTS)) == 1
        assert gin_scans() == before


def test_agent_search_as_the_application_role_uses_the_index_and_stays_in_the_account(
    acme, acme_agent, word_in_both_accounts, no_seqscan, as_app_role
):
    with dbsession.account_context(acme):
        comment_add(ticket=word_in_both_accounts, author=acme_agent, body="quux", public=False)
        before = gin_scans(), gin_scans("ticket_subject_fts")
        assert tickets_search(viewer=acme_agent, query="zyzzyva") == [word_in_both_accounts]
        assert tickets_search(viewer=acme_agent, query="quux") == [word_in_both_accounts]
        assert gin_scans() > before[0]
        assert gin_scans("ticket_subject_fts") > before[1]
    # No role was switched to, and nothing is left lifted.
    assert raw_rows("SELECT current_user")[0][0] == as_app_role.name
    assert raw_rows("SELECT count(*) FROM tickets_comment") == [(0,)]


def test_help_center_search_as_the_application_role_finds_only_the_viewers_requests(
    acme, acme_user, word_in_both_accounts, no_seqscan, as_app_role
):
    with dbsession.account_context(acme):
        before = gin_scans()
        hits = search_requests(viewer=acme_user, query="zyzzyva")
        assert gin_scans() > before
    assert [h.ticket for h in hits] == [word_in_both_accounts]
    assert ("zyzzyva", True) in hits[0].snippet_parts


def test_a_search_outside_any_account_still_runs_for_the_viewers(
    acme_agent, word_in_both_accounts, as_app_role
):
    # A command or a test has no account set: the search works for the viewer's.
    assert tickets_search(viewer=acme_agent, query="zyzzyva") == [word_in_both_accounts]
    assert dbsession.current_account_id() is None


@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_index_functions_answer_only_for_the_sessions_account(
    function, acme, globex, word_in_both_accounts, as_app_role
):
    call = f"SELECT {function}(%s, to_tsquery('simple', 'zyzzyva:*'))"
    refused = pytest.raises(ProgrammingError, match="while working for account")
    with dbsession.account_context(acme):
        raw_rows(call, [acme.pk])  # its own account: allowed
        with refused, transaction.atomic():
            raw_rows(call, [globex.pk])
    with refused, transaction.atomic():
        raw_rows(call, [acme.pk])  # no account set: nothing


def test_the_index_functions_return_ids_of_that_account_only(acme, globex, word_in_both_accounts):
    with dbsession.account_context(globex):
        comments = raw_rows(
            "SELECT c.account_id FROM search_comment_ids(%s, to_tsquery('simple', 'zyzzyva'))"
            " AS f(id) JOIN tickets_comment c ON c.id = f.id",
            [globex.pk],
        )
        tickets = raw_rows(
            "SELECT t.account_id FROM search_ticket_ids(%s, to_tsquery('simple', 'zyzzyva'))"
            " AS f(id) JOIN tickets_ticket t ON t.id = f.id",
            [globex.pk],
        )
    assert comments == [(globex.pk,)]
    assert tickets == [(globex.pk,)]


def test_the_index_functions_cannot_be_redirected(db):
    """SECURITY DEFINER, a fixed search_path (nothing on the caller's path stands in for
    what they call), and owned by a role that row-level security does not bind."""
    rows = raw_rows(
        """
        SELECT p.proname, p.prosecdef, p.proconfig, r.rolsuper OR r.rolbypassrls
        FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
        WHERE p.proname = ANY(%s) ORDER BY p.proname
        """,
        [list(FUNCTIONS)],
    )
    assert sorted(r[0] for r in rows) == sorted(FUNCTIONS)
    for _name, definer, config, owner_bypasses in rows:
        assert definer
        assert config == ["search_path=pg_catalog, pg_temp"]
        assert owner_bypasses
