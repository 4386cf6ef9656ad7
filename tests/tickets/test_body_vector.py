"""Comment.body_vector: the comments' full-text vector, stored by PostgreSQL with the row
and GIN-indexed (tickets/migrations/0004). Both searches match and rank comments on it,
through tickets.search.matching_comments, and never parse comment bodies again: that
parsing was most of a help-center search at a million tickets (bench scenario 5a)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.selectors import search_requests
from tests.factories import make_ticket
from tickets import search as search_module
from tickets.models import Comment
from tickets.search import matching_comments, prefix_tsquery, tickets_search
from tickets.services import comment_add

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
)

# to_tsvector over a comment's body, as any alias: what the searches must not compute.
PARSES_BODIES = re.compile(r'to_tsvector\([^()]*COALESCE\("\w+"\."body"', re.IGNORECASE)


def test_the_vector_is_written_with_the_comment_and_follows_its_body(acme, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_agent, subject="Hi")
    comment = comment_add(ticket=ticket, author=acme_agent, body="Zyzzyva Refunds arrived")
    comment.refresh_from_db()
    assert {"zyzzyva", "refunds", "arrived"} <= set(re.findall(r"'(\w+)'", comment.body_vector))
    Comment.objects.for_account(acme).filter(pk=comment.pk).update(body="Quokka only")
    comment.refresh_from_db()
    assert re.findall(r"'(\w+)'", comment.body_vector) == ["only", "quokka"]


def _sql_of(run) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        run()
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("walk_above", [0, float("inf")], ids=["walk", "index"])
def test_both_searches_match_comments_on_the_stored_vector(
    walk_above, monkeypatch, acme, acme_agent, acme_user
):
    monkeypatch.setattr(search_module, "WALK_ABOVE", walk_above)
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Hi")
    comment_add(ticket=ticket, author=acme_agent, body="The quokka refund is on its way.")
    hits = []
    helpdesk = _sql_of(lambda: hits.extend(search_requests(viewer=acme_user, query="quok ref")))
    agent = _sql_of(lambda: hits.extend(tickets_search(viewer=acme_agent, query="quok ref")))
    assert [getattr(h, "ticket", h) for h in hits] == [ticket, ticket]
    assert ("quokka", True) in hits[0].snippet_parts  # the headline still reads the body
    for queries in (helpdesk, agent):
        # Row by row on the column, or from its index through search_comment_ids
        # (tickets/migrations/0005), which matches on the column too.
        assert any('"body_vector" @@' in sql or "search_comment_ids(" in sql for sql in queries)
        assert not [sql for sql in queries if PARSES_BODIES.search(sql)]


def test_the_stored_vector_still_keeps_internal_notes_from_the_help_center(
    acme, acme_agent, acme_user
):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Hi")
    comment_add(ticket=ticket, author=acme_agent, body="quokka escalation", public=False)
    assert search_requests(viewer=acme_user, query="quokka") == []
    assert tickets_search(viewer=acme_agent, query="quokka") == [ticket]
    query = prefix_tsquery(["quokka"])
    assert not matching_comments(viewer=acme_user, tsquery=query).exists()
    assert matching_comments(viewer=acme_agent, tsquery=query).count() == 1


def test_the_gin_index_holds_the_stored_vector(db):
    """comment_body_fts indexes the column (the expression index of 0002 is gone); that
    the planner reads it for a rare word: tests/portal/test_search.py."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'comment_body_fts'")
        [(definition,)] = cursor.fetchall()
    assert definition.endswith("USING gin (body_vector)")
