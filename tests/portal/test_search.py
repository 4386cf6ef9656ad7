"""Help-center search: the viewer's visible requests by words in the subject and public
comments, ranked and highlighted, through PostgreSQL full-text indexes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.selectors import search_requests
from tests.factories import EndUserFactory, make_ticket
from tickets.services import comment_add, ticket_add_ccs

SEARCH = "/hc/search/"

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
)


def hits_for(client, q):
    return client.get(SEARCH, {"q": q}).context["hits"]


def test_finds_by_subject_and_by_public_comment_words_as_prefixes(
    acme, acme_agent, acme_user, client_for
):
    printer = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Printer jammed"
    )
    vpn = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="VPN")
    comment_add(ticket=vpn, author=acme_agent, body="Reinstall the certificate please.")
    client = client_for(acme_user)
    assert [h.ticket for h in hits_for(client, "printer")] == [printer]
    assert [h.ticket for h in hits_for(client, "certif")] == [vpn]
    assert [h.ticket for h in hits_for(client, "reinstall certificate")] == [vpn]
    assert hits_for(client, "reinstall printer") == []  # every word must match
    assert client.get(SEARCH, {"q": ""}).context["hits"] == []


def test_a_subject_match_ranks_above_a_comment_match(acme, acme_agent, acme_user, client_for):
    in_comment = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Question"
    )
    comment_add(ticket=in_comment, author=acme_agent, body="About your invoice: it is paid.")
    in_subject = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Invoice missing"
    )
    comment_add(ticket=in_comment, author=acme_agent, body="Bumping this.")  # most recent
    hits = hits_for(client_for(acme_user), "invoice")
    assert [h.ticket for h in hits] == [in_subject, in_comment]


def test_matches_are_highlighted_and_everything_else_escaped(
    acme, acme_agent, acme_user, client_for
):
    ticket = make_ticket(
        account=acme,
        submitter=acme_agent,
        requester=acme_user,
        subject="<b>Refund</b> for order",
        body="We sent the refund <script>alert(1)</script> yesterday.",
    )
    response = client_for(acme_user).get(SEARCH, {"q": "refund"})
    [hit] = response.context["hits"]
    assert hit.ticket == ticket
    assert ("Refund", True) in hit.subject_parts
    assert "<mark>Refund</mark>" in response.text
    assert "&lt;b&gt;<mark>Refund</mark>&lt;/b&gt; for order" in response.text
    assert "<mark>refund</mark>" in response.text
    assert "<script>alert" not in response.text


def test_only_the_viewers_visible_requests(acme, acme_agent, acme_user, client_for):
    stranger = EndUserFactory(account=acme)
    make_ticket(account=acme, submitter=stranger, subject="Quarterly payroll")
    ccd = make_ticket(account=acme, submitter=stranger, subject="Payroll access")
    ticket_add_ccs(ticket=ccd, actor=acme_agent, users=[acme_user])
    assert [h.ticket for h in hits_for(client_for(acme_user), "payroll")] == [ccd]


def test_the_query_text_is_not_an_operator(acme, acme_agent, acme_user, client_for):
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Login fails")
    client = client_for(acme_user)
    for q in ("login & !fails", "'); drop table x; --", "login:* | *", "!!!", "a" * 200):
        assert client.get(SEARCH, {"q": q}).status_code == 200
    assert client.get(SEARCH, {"q": "x" * 500}).status_code == 200  # over max_length: no 500


def test_search_runs_a_fixed_number_of_queries(acme, acme_agent, acme_user, client_for):
    client = client_for(acme_user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get(SEARCH, {"q": "widget"})
        return len(captured)

    make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Widget 0")
    few = queries()
    for n in range(1, 12):
        t = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Other")
        comment_add(ticket=t, author=acme_agent, body=f"widget number {n}")
    assert queries() == few
    assert len(hits_for(client, "widget")) == 12


def test_postgres_answers_from_the_full_text_indexes(acme, acme_agent, acme_user):
    """What search_requests filters on is what the GIN indexes hold (the subject's
    expression, the comments' stored vector): for a rare word the planner answers from
    them."""
    from django.contrib.postgres.search import SearchQuery, SearchVector

    from tickets.models import Comment, Ticket

    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Hi")
    Comment.objects.bulk_create(
        Comment(account=acme, ticket=ticket, author=acme_agent, body=f"filler {n}")
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
        cursor.execute("ANALYZE tickets_comment")
        cursor.execute("ANALYZE tickets_ticket")
    query = SearchQuery("printer:*", search_type="raw", config="simple")
    # Comments match on a stored column now: to the planner that costs one operator per
    # row, so on 2,000 rows the account_id index and a filter can look as cheap. With no
    # other road (no account filter, no order, sequential scans priced out as in
    # tests/bench/test_query_plans.py) the column's own GIN index must answer.
    comments = Comment.all_accounts.filter(body_vector=query).order_by()
    tickets = (
        Ticket.objects.for_account(acme)
        .annotate(v=SearchVector("subject", config="simple"))
        .filter(v=query)
    )
    assert "ticket_subject_fts" in tickets.explain()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        assert "comment_body_fts" in comments.explain()
        cursor.execute("SET LOCAL enable_seqscan = on")
    assert search_requests(viewer=acme_user, query="printer") == []


def test_results_beyond_one_page_are_paginated_not_cut(acme, acme_agent, acme_user, client_for):
    tickets = [
        make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject=f"Laptop {i}")
        for i in range(23)
    ]
    client = client_for(acme_user)
    first = client.get(SEARCH, {"q": "laptop"})
    assert len(first.context["hits"]) == 20
    assert "Requests 1–20, best matches first" in first.text
    assert "page=2" in first.text and 'rel="prev"' not in first.text
    second = client.get(SEARCH, {"q": "laptop", "page": "2"})
    assert "Requests 21–23, best matches first" in second.text
    assert 'rel="next"' not in second.text
    shown = [h.ticket for h in first.context["hits"] + second.context["hits"]]
    assert sorted(t.pk for t in shown) == sorted(t.pk for t in tickets)  # each once, none lost
    # A mangled page number shows page 1 rather than an error or an empty search.
    assert len(client.get(SEARCH, {"q": "laptop", "page": "x"}).context["hits"]) == 20
