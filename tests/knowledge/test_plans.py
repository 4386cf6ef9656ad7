"""The knowledge base's bench scenarios (5k, 5l): a fixed number of queries whatever the
number of articles, and every query index-served (no sequential scan of its tables)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

SEQ_SCAN = re.compile(r"Seq Scan on (knowledge_\w+)")


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def _seq_scans(sqls):
    tables = set()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in sqls:
            if sql.lstrip().upper().startswith("SELECT"):
                cursor.execute("EXPLAIN " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                tables |= set(SEQ_SCAN.findall(plan))
        cursor.execute("SET LOCAL enable_seqscan = on")
    return tables


def test_article_page_and_search_have_fixed_query_counts_and_use_indexes(
    acme, acme_admin, acme_user, client_for, article_factory
):
    first = article_factory(acme_admin, title="Invoice refund")
    # A related article, so that its translations' query runs in both measures.
    article_factory(acme_admin, title="Invoice refund again", section=first.section)
    client = client_for(acme_user)
    article_path = f"/hc/kb/articles/{first.number}/"
    search_path = "/hc/kb/search/?q=invoice+refund"
    few = (len(_queries(client, article_path)), len(_queries(client, search_path)))
    for i in range(12):
        article_factory(acme_admin, title=f"Invoice refund {i}", section=first.section)
    more_article = _queries(client, article_path)
    more_search = _queries(client, search_path)
    assert (len(more_article), len(more_search)) == few
    assert _seq_scans(more_article + more_search) == set()
