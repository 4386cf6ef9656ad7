"""``manage.py mailboxes_idle``: the IMAP IDLE worker (mailchannels.idle). Run it as one
long-lived process beside the Celery worker and beat (a second copy only doubles the
connections: imports stay exactly-once). SIGTERM or Ctrl-C stops it."""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand

from mailchannels.idle import IDLE_SECONDS, Supervisor


class Command(BaseCommand):
    help = "Watch every active IMAP mailbox channel with IDLE and import new mail at once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rescan", type=float, default=60.0, help="seconds between reads of the channel list"
        )
        parser.add_argument(
            "--idle-seconds",
            type=float,
            default=IDLE_SECONDS,
            help="IDLE re-issued after this many seconds (at most 1740)",
        )

    def handle(self, *args, **options):
        supervisor = Supervisor(idle_seconds=min(options["idle_seconds"], 29 * 60.0))

        def stop(*_args):
            supervisor.stop.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("Watching mailbox channels with IMAP IDLE.")
        supervisor.run(rescan=options["rescan"])
