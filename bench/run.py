# ruff: noqa: S310, S603, S607 - a benchmark driving local processes and 127.0.0.1 only
"""``make bench``: the issue-8 scenarios against gunicorn (2 workers) on the bench database.

    python -m bench.run [--tickets 200000] [--duration 10] [--connections 4] [--only 1a,2]

Creates and seeds the database when it holds no ``bench`` account (seed_load, 3 accounts),
signs in the roles (session cookies made with the test client's force_login, an API
token), runs each scenario with wrk from a second process, and prints a table: requests/s,
p50, p99 and the SQL queries one request runs (``X-Bench-Queries``, bench/middleware.py).
The table is also written as JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from bench.automation_pass import scenario_row as automation_pass_row
from bench.chats import chat_context
from bench.custom_fields import custom_field_context
from bench.incremental import walk_http
from bench.knowledge import knowledge_context
from bench.mail_scenarios import INBOUND_SECRET, delivery_rows
from bench.people_fields import people_field_context
from bench.scenarios import (
    CURSOR_WALK_KEY,
    activity_view,
    custom_status_view,
    deep_page,
    deep_page_cursor,
    hc_request,
    scenarios,
    urgent_billing_view,
)
from bench.sla_views import sla_breached_view

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PROBE_TIMEOUT = 30
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sportello_bench"
# Issue 20: one scheduled automation pass (bench/automation_pass.py), timed.
AUTOMATION_PASS_KEY = "10"


def _environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"),
        BASE_DOMAIN="localhost",
        CONN_MAX_AGE=env.get("CONN_MAX_AGE", "60"),
        # Notifications are queued to Redis (as in production) on a database of their own.
        CELERY_BROKER_URL=env.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/9"),
        # Inbound email on (scenario 7a posts with this basic-auth secret).
        ANYMAIL_WEBHOOK_SECRET=INBOUND_SECRET,
    )
    return env


def _ensure_database(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


APP_ROLE, PLATFORM_ROLE = "sportello_bench_app", "sportello_bench_platform"


def _as_application_role(database_url: str, env: dict) -> dict:
    """The servers and the worker connect as production's application does: a role that
    is neither superuser, nor owner, nor BYPASSRLS, nor a member of any role, so every
    row-level-security policy binds it, with the platform's own BYPASSRLS login for the
    platform's queries (DATABASE_PLATFORM_URL; deploy/postgres/10-app-roles.sh, for the
    bench database). Migrations and seeding stay with the owner. BENCH_DB_ROLE=owner
    measures as the superuser instead."""
    if os.environ.get("BENCH_DB_ROLE") == "owner":
        return env
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        for name, options in (
            (APP_ROLE, "LOGIN NOSUPERUSER NOBYPASSRLS"),
            (PLATFORM_ROLE, "LOGIN NOSUPERUSER BYPASSRLS"),
        ):
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone():
                conn.execute(f"CREATE ROLE {name} {options}")
            conn.execute(f"ALTER ROLE {name} {options}")
        # A bench database made before the platform had a login of its own.
        conn.execute(f"REVOKE {PLATFORM_ROLE} FROM {APP_ROLE}")
        for role in (APP_ROLE, PLATFORM_ROLE):
            conn.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
            conn.execute(
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
            )
            conn.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    _user, host_part = database_url.split("://", 1)[1].split("@", 1)
    pooled = {}
    if port := os.environ.get("BENCH_PGBOUNCER_PORT"):
        # The servers through a PgBouncer in transaction mode already listening on this
        # port in front of the same database (README, "Scaling"); setup stays direct.
        host, _, rest = host_part.partition(":")
        host_part = f"{host}:{port}/{rest.split('/', 1)[1]}"
        pooled = {"DATABASE_TRANSACTION_POOLING": "true"}
    return (
        env
        | pooled
        | {
            "DATABASE_URL": f"postgres://{APP_ROLE}@{host_part}",
            "DATABASE_PLATFORM_URL": f"postgres://{PLATFORM_ROLE}@{host_part}",
        }
    )


CUSTOM_FIELD_KEYS = ("1f", "2f")
KNOWLEDGE_KEYS = ("5k", "5l")
CHAT_KEYS = ("11c", "11q")


def _wants(wanted: set[str] | None, keys: tuple[str, ...]) -> bool:
    return wanted is None or any(key in wanted for key in keys)


def _prepare(tickets: int, comments: float, wanted: set[str] | None = None) -> dict:
    """Migrate, seed if empty, and return what the scenarios need (cookies, token, ids).

    The two slow one-off set-ups run only when their scenarios are chosen: issue 19's
    custom-field values (one UPDATE of every ticket, ~12 minutes at 1M) for 1f/2f, and
    issue 25's 50,000 articles for 5k/5l, so ``--only 5k,5l`` on a fresh copy of the 1M
    database does not wait for the custom fields' UPDATE. Scenarios left out get number 0
    (never requested)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import Account, User
    from api.pagination import encode_cursor
    from api.tokens import api_token_create
    from bench.seed import LONG_THREAD_NUMBER, ROLE_EMAILS
    from notifications.addresses import support_address
    from tickets.models import Ticket, View

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off: the manifest
    if not Account.objects.filter(subdomain="bench").exists():
        started = time.monotonic()
        call_command("seed_load", accounts=3, tickets=tickets, comments=comments)
        print(f"seeded in {time.monotonic() - started:.0f} s")
    account = Account.objects.get(subdomain="bench")
    people = User.objects.for_account(account)
    agent = people.get(email=ROLE_EMAILS["agent"])
    cookies = {}
    for role, email in ROLE_EMAILS.items():
        user = people.get(email=email)
        client = Client()
        client.force_login(user)
        cookies[role] = f"sessionid={client.cookies['sessionid'].value}"
    _token, secret = api_token_create(account=account, name="bench", created_by=agent)
    basic = base64.b64encode(f"{agent.email}/token:{secret}".encode()).decode()
    # Scenario 6w: the incremental export is for admins.
    admin = people.get(email=ROLE_EMAILS["admin"])
    _token, secret = api_token_create(account=account, name="bench admin", created_by=admin)
    admin_basic = base64.b64encode(f"{admin.email}/token:{secret}".encode()).decode()
    tickets_in_account = Ticket.objects.for_account(account)
    unsolved = tickets_in_account.filter(status__in=Ticket.UNSOLVED).count()
    numbers = tickets_in_account.order_by("-number").values_list("number", flat=True)
    views = View.objects.for_account(account)
    return {
        "unsolved_view": views.get(key="unsolved").number,
        "urgent_billing_view": urgent_billing_view(account).number,
        "sla_breached_view": sla_breached_view(account).number,
        "custom_status_view": custom_status_view(account).number,
        "activity_view": activity_view(account).number,
        "host": account.host,
        "support_address": support_address(account),
        "cookies": cookies,
        "authorization": f"Basic {basic}",
        "admin_authorization": f"Basic {admin_basic}",
        "tickets": tickets_in_account.count(),
        "unsolved": unsolved,
        "deep_page": (page := deep_page(agent)),
        "deep_page_cursor": deep_page_cursor(agent, page),
        "long_thread": LONG_THREAD_NUMBER,
        "hc_request": hc_request(account),  # 4c: the heavy requester's newest request
        "deep_cursor": encode_cursor(numbers.first() // 2),  # type: ignore[operator]  # the bench seeds tickets first
        # issue 19: 20 fields with values, a filtered view
        **(
            custom_field_context(account)
            if _wants(wanted, CUSTOM_FIELD_KEYS)
            else {"dropdown_view": 0}
        ),
        **people_field_context(account),  # issue 19: views on people's fields
        # issue 25: 50,000 articles
        **(knowledge_context(account) if _wants(wanted, KNOWLEDGE_KEYS) else {"kb_article": 0}),
        # issue 28: 20,000 ended chats, 30 waiting, 3 in progress with the admin
        **(chat_context(account) if _wants(wanted, CHAT_KEYS) else {}),
    }


DELIVERY_KEYS = ("7b", "7c")


def _headers(ctx: dict, scenario: dict) -> dict[str, str]:
    headers = {"Host": ctx["host"], "X-Forwarded-Proto": "https"}
    if scenario["role"] == "inbound":  # the bare base domain, as the ESP posts
        secret = base64.b64encode(INBOUND_SECRET.encode()).decode()
        headers |= {"Host": "localhost", "Authorization": f"Basic {secret}"}
        headers["Content-Type"] = "application/json"
    elif scenario["role"] == "api":
        headers["Authorization"] = ctx["authorization"]
        headers["Content-Type"] = "application/json"
    else:
        headers["Cookie"] = ctx["cookies"][scenario["role"]]
    if scenario.get("htmx"):
        headers["HX-Request"] = "true"
    headers |= scenario.get("headers", {})  # e.g. a poll asking for JSON
    return headers


def _probe(base: str, ctx: dict, scenario: dict) -> tuple[int | str, int | None]:
    """One request: its status and SQL query count."""
    body = scenario["body_factory"]() if "body_factory" in scenario else scenario.get("body", "")
    body = body.encode() or None
    request = urllib.request.Request(
        base + scenario["path"],
        data=body,
        method=scenario.get("method", "GET"),
        headers=_headers(ctx, scenario),
    )
    try:
        with urllib.request.urlopen(request, timeout=PROBE_TIMEOUT) as response:  # noqa: S310 - localhost
            response.read()
            status, queries = response.status, response.headers.get("X-Bench-Queries")
    except urllib.error.HTTPError as exc:
        status, queries = exc.code, exc.headers.get("X-Bench-Queries")
    except TimeoutError:
        return "timeout", None
    return status, int(queries) if queries else None


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]  # the probe's own output
    return float(number) * _UNITS[unit]


def _wrk(base: str, ctx: dict, scenario: dict, *, duration: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f'wrk.method = "{scenario.get("method", "GET")}"\n')
        if scenario.get("body"):
            script.write(f"wrk.body = {json.dumps(scenario['body'])}\n")
        script.write(scenario.get("lua", ""))
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    command += ["-s", script.name]
    for name, value in _headers(ctx, scenario).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(  # noqa: S603 - fixed program, our own arguments
        [*command, base + scenario["path"]], capture_output=True, text=True, check=True
    ).stdout
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]  # the probe's own output
    latencies = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    timeouts = re.search(r"timeout (\d+)", output)
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]  # the probe's own output
    return {
        "rps": rps,
        "p50_ms": _ms(latencies["50"]),
        "p99_ms": _ms(latencies["99"]),
        "requests": total,
        "errors": (int(errors.group(1)) if errors else 0)
        + (int(timeouts.group(1)) if timeouts else 0),
    }


TIMED_OUT = {"rps": 0.0, "p50_ms": float("nan"), "p99_ms": float("nan"), "requests": 0}


def _cursor_walk(base: str, ctx: dict) -> dict:
    """Scenario 6w, not driven by wrk: one connector's full walk of the incremental
    export (bench/incremental.py); its rows/s stand in the req/s column, and the table's
    p50/p99 are the mean and the slowest page."""
    headers = {"Host": ctx["host"], "X-Forwarded-Proto": "https"}
    walk = walk_http(base, headers | {"Authorization": ctx["admin_authorization"]})
    print(
        f"6w: {walk['rows']:,} tickets in {walk['pages']:,} pages, {walk['seconds']} s, "
        f"{walk['rows_per_s']:,} rows/s",
        flush=True,
    )
    return {
        "key": CURSOR_WALK_KEY,
        "name": "Incremental cursor walk, all",
        "path": "/api/v2/incremental/tickets/cursor.json?start_time=0",
        "rps": float(walk["rows_per_s"]),
        "p50_ms": walk["page_ms_avg"],
        "p99_ms": walk["page_ms_max"],
        "requests": walk["pages"],
        "queries": None,
        "status": walk["status"],
        "walk": walk,
    }


def _start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    process = subprocess.Popen(  # noqa: S603
        [gunicorn, "helpdesk.wsgi:application", "-w", "2", "-b", f"127.0.0.1:{port}"]
        + ["--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)  # noqa: S310
            return process
        except urllib.error.HTTPError:
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def _table(rows: list[dict]) -> str:
    lines = [
        f"| {'#':3} | {'scenario':32} | {'req/s':>7} | {'p50 ms':>7} | {'p99 ms':>7} "
        f"| {'SQL':>4} | {'status':>6} |",
        f"|{'-' * 5}|{'-' * 34}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 6}|{'-' * 8}|",
    ]
    for r in rows:
        status = str(r["status"]) + (f" ({r['errors']} err)" if r.get("errors") else "")
        lines.append(
            f"| {r['key']:3} | {r['name'][:32]:32} | {r['rps']:7.1f} | {r['p50_ms']:7.1f} "
            f"| {r['p99_ms']:7.1f} | {r['queries'] if r['queries'] is not None else '?':>4} "
            f"| {status:>6} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tickets", type=int, default=int(os.environ.get("BENCH_TICKETS", 200_000))
    )
    parser.add_argument("--comments", type=float, default=4.0)
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 10)))
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8765)))
    parser.add_argument("--only", default="", help="Comma-separated scenario keys, e.g. 1a,2")
    parser.add_argument(
        "--delivery-rate", type=float, default=200.0, help="Emails/s offered in scenario 7c"
    )
    args = parser.parse_args(argv)
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    env = _environment(database_url)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    _ensure_database(database_url)
    wanted = set(args.only.split(",")) if args.only else None
    ctx = _prepare(args.tickets, args.comments, wanted)
    env = _as_application_role(database_url, env)
    print(
        f"bench: {ctx['tickets']:,} tickets in the account ({ctx['unsolved']:,} unsolved); "
        f"gunicorn -w 2 on 127.0.0.1:{args.port}; wrk -c{args.connections} -d{args.duration}s"
    )
    chosen = [s for s in scenarios(ctx) if wanted is None or s["key"] in wanted]
    load_before = os.getloadavg()[0]
    server = _start_gunicorn(env, args.port)
    base = f"http://127.0.0.1:{args.port}"
    rows = []
    try:
        for scenario in chosen:
            for _ in range(3):  # warm the workers' caches
                status, queries = _probe(base, ctx, scenario)
            result = _wrk(base, ctx, scenario, duration=args.duration, connections=args.connections)
            row = {"key": scenario["key"], "name": scenario["name"], "path": scenario["path"]}
            rows.append(row | result | {"status": status, "queries": queries})
            print(_table(rows[-1:]).splitlines()[-1], flush=True)
        if wanted is None or CURSOR_WALK_KEY in wanted:
            rows.append(_cursor_walk(base, ctx))
            print(_table(rows[-1:]).splitlines()[-1], flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    delivery = {k for k in DELIVERY_KEYS if wanted is None or k in wanted}
    if delivery:  # after gunicorn stopped: the worker has the machine to itself
        for row in delivery_rows(
            env, ctx, duration=args.duration, rate=args.delivery_rate, keys=delivery
        ):
            rows.append(row)
            print(_table([row]).splitlines()[-1], flush=True)
    if wanted is None or AUTOMATION_PASS_KEY in wanted:
        # Last: it writes (closes what the default automation finds, records SLA alerts).
        rows.append(automation_pass_row(env, key=AUTOMATION_PASS_KEY))
        print(_table(rows[-1:]).splitlines()[-1], flush=True)
    print()
    print(_table(rows))
    RESULTS.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(  # noqa: S603, S607
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"{stamp}-{commit or 'nogit'}.json"
    meta = {k: ctx[k] for k in ("tickets", "unsolved", "deep_page")}
    meta |= {"commit": commit, "duration_s": args.duration, "connections": args.connections}
    meta |= {"database_role": env["DATABASE_URL"].split("://", 1)[1].split("@", 1)[0]}
    # The machine is shared: the load average says how much the numbers can be trusted.
    meta |= {"load_avg_before": load_before, "load_avg_after": os.getloadavg()[0]}
    out.write_text(json.dumps({"meta": meta, "scenarios": rows}, indent=2) + "\n")
    load = f"load average {load_before:.1f} → {os.getloadavg()[0]:.1f}"
    print(f"\n{load}; written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
