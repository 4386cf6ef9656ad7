"""/api/v2/tags.json is index-served (issue 23): its page and its total are read from
tickets_tagcount through the (account, count DESC, tag) index, never from the tickets;
at 1M tickets 3.5-7 ms against 1.1-1.2 s recounted from the tickets (bench/README.md,
"Tags")."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_ticket

SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")


def test_tags_json_reads_the_counts_by_their_index(api_for, acme, acme_admin):
    for tags in ("vip billing", "vip", "refund"):
        make_ticket(account=acme, tags=tags)
    api = api_for(acme_admin)
    with CaptureQueriesContext(connection) as ctx:
        response = api.get("tags.json", {"per_page": 2})
        assert response.status_code == 200, response.json()
    assert response.json()["tags"] == [{"name": "vip", "count": 2}, {"name": "billing", "count": 1}]
    queries = [q["sql"] for q in ctx.captured_queries if "tickets_tagcount" in q["sql"]]
    assert len(queries) == 2  # the page and the total
    assert not any("tickets_ticket" in sql for sql in queries)
    with connection.cursor() as cursor:
        # As the other plan tests: with a handful of rows (and whatever statistics the
        # suite's earlier tests left) the planner may sort a bitmap scan instead; at 1M
        # it walks the index (bench/README.md, "Tags"). Off, the index must serve.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plans = []
        for sql in queries:
            cursor.execute("EXPLAIN " + sql)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
        cursor.execute("SET LOCAL enable_seqscan = on")
        cursor.execute("SET LOCAL enable_bitmapscan = on")
        cursor.execute("SET LOCAL enable_sort = on")
    joined = "\n".join(plans)
    assert not SEQ_SCAN.findall(joined), joined
    page, total = sorted(plans, key=lambda plan: "Aggregate" in plan)
    assert re.search(r"Index (Only )?Scan using tagcount_acct_count_tag", page), page
    assert "Sort" not in page, page  # the index gives the order
    assert re.search(r"Index (Only )?Scan using \w+ on tickets_tagcount", total), total
