"""The application's Prometheus metrics: counted where things happen, exposed at
``/metrics`` (``operations.endpoints``) and, for Celery workers, on their own port
(``operations.worker_metrics``).

Definitions only, importing nothing of the project's, so any app may count into them.
Gauges that describe the database or the broker (outbox rows, queue lengths) are not
here: they are read when Prometheus scrapes (``operations.collectors``), so every web
process answers the same and none keeps a copy that goes stale.

Several processes (gunicorn's workers, Celery's pool) each count for themselves: with
``PROMETHEUS_MULTIPROC_DIR`` set in their environment before start, prometheus-client
keeps each process's values in files there, and a scrape adds them up. Labels are
bounded: a view's resolved name (never its URL), the method, the status code, a task's
name; accounts only as ``sportello_http_requests_by_account_total``, for the accounts
listed in ``METRICS_ACCOUNTS`` ("other" for the rest).
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram, disable_created_metrics

# The *_created series double what is exposed for no use of ours (and multiprocess mode
# has none): one exposition, whether or not PROMETHEUS_MULTIPROC_DIR is set.
disable_created_metrics()

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
QUERY_BUCKETS = (0, 1, 2, 5, 10, 20, 50, 100, 200, 500)
TASK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0)

HTTP_REQUESTS = Counter(
    "sportello_http_requests",
    "HTTP requests answered, by resolved view name, method and status code.",
    ["view", "method", "status"],
)
HTTP_REQUESTS_BY_ACCOUNT = Counter(
    "sportello_http_requests_by_account",
    "HTTP requests on accounts' subdomains; the accounts of METRICS_ACCOUNTS by name, "
    "every other one as 'other'.",
    ["account"],
)
HTTP_DURATION = Histogram(
    "sportello_http_request_duration_seconds",
    "Time from the request's arrival to its response, by resolved view name.",
    ["view"],
    buckets=LATENCY_BUCKETS,
)
HTTP_SQL_QUERIES = Histogram(
    "sportello_http_request_sql_queries",
    "SQL queries run while answering one request, by resolved view name.",
    ["view"],
    buckets=QUERY_BUCKETS,
)
TASK_DURATION = Histogram(
    "sportello_celery_task_duration_seconds",
    "Celery task run time, by task name and final state (success, failure, retry).",
    ["task", "state"],
    buckets=TASK_BUCKETS,
)
INBOUND_MESSAGES = Counter(
    "sportello_inbound_messages",
    "Inbound emails received, by outcome (comment, ticket, dropped).",
    ["outcome"],
)
SIGNIN_FAILURES = Counter(
    "sportello_signin_failures",
    "Failed sign-ins (wrong email or password), accounts' users or the operators' admin.",
    ["site"],
)
SIGNIN_LOCKOUTS = Counter(
    "sportello_signin_lockouts",
    "Sign-ins refused because the address or the client is locked out, by reason.",
    ["reason"],
)
