"""Issue 24's measure: import throughput of one worker from a local Dovecot (messages
per second), through the whole path a beat fetch takes — IMAP UID FETCH in bulk, MIME
parsing, notifications.inbound.email_receive (threading, loop checks, the ticket and its
first comment, the triggers' outbox rows), the per-UID bookkeeping, mark-as-read.

    DATABASE_URL=postgres://…/scratch python -m bench.imap_import [--messages 1000] [--json]
    make bench-imap

It starts Dovecot (tests/mailchannels/dovecot.py: dovecot-imapd, unprivileged, on a free
port), creates a throwaway account ``imapbench-<random>`` with one mailbox channel,
delivers the messages by IMAP APPEND (not timed), then times one ``channel_fetch`` per
batch until the mailbox is empty. It writes tickets: run it on a scratch database."""

from __future__ import annotations

import json
import os
import secrets
import sys
import time


def _message(i: int) -> bytes:
    return (
        f"From: Customer {i} <c{i}@customer.example>\r\nTo: support@acme.example\r\n"
        f"Subject: Bench {i}\r\nMessage-ID: <bench-{i}-{secrets.token_hex(6)}@customer.example>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
        f"Hello, this is message {i}.\r\n\r\nRegards\r\n"
    ).encode()


def measure(messages: int) -> dict:
    from django.conf import settings

    from accounts.services import account_create
    from mailchannels.fetch import channel_fetch
    from mailchannels.services import mailbox_connect
    from tests.mailchannels.dovecot import USERS, running_dovecot

    with running_dovecot() as dovecot:
        settings.MAILBOX_CA_FILE = dovecot.ca_file
        account, _admin = account_create(
            subdomain=f"imapbench-{secrets.token_hex(4)}",
            name="IMAP bench",
            admin_email="admin@imapbench.example",
        )
        channel = mailbox_connect(
            account=account,
            email="support@acme.example",
            password=USERS["support@acme.example"],
            host=dovecot.host,
            port=dovecot.port,
            username="support@acme.example",
        )
        started = time.perf_counter()
        dovecot.deliver(*(_message(i) for i in range(messages)))
        delivered = time.perf_counter() - started

        imported = 0
        started = time.perf_counter()
        while imported < messages:
            channel.refresh_from_db()
            report = channel_fetch(channel, limit=500)
            if report.error or not (report.imported or report.failed):
                break
            imported += report.imported
        seconds = time.perf_counter() - started
    return {
        "messages": messages,
        "imported": imported,
        "seconds": round(seconds, 2),
        "messages_per_second": round(imported / seconds, 1) if seconds else None,
        "append_seconds": round(delivered, 2),
        "account": account.subdomain,
    }


# The emails the imports queue (the triggers' acknowledgements) go to a Redis database of
# the bench's own, emptied afterwards: measured as queued, never sent.
BENCH_BROKER = "redis://127.0.0.1:6379/13"


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    os.environ.setdefault("CELERY_BROKER_URL", BENCH_BROKER)
    import django

    django.setup()
    count = 1000
    if "--messages" in sys.argv:
        count = int(sys.argv[sys.argv.index("--messages") + 1])
    result = measure(count)
    if os.environ["CELERY_BROKER_URL"] == BENCH_BROKER:
        import redis

        redis.Redis.from_url(BENCH_BROKER).flushdb()
    print(json.dumps(result, indent=2) if "--json" in sys.argv else result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
