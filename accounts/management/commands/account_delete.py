"""manage.py account_delete SUBDOMAIN --yes-delete-everything"""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.dbsession import platform_access
from accounts.portability.deletion import account_delete
from accounts.selectors import account_for_subdomain


class Command(BaseCommand):
    help = (
        "Remove an account completely: every row (the outbox too), its files and cached "
        "entries. Irreversible: export it first (account_export)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subdomain")
        parser.add_argument(
            "--yes-delete-everything",
            action="store_true",
            dest="confirmed",
            help="confirm; without it the command only says what it would delete",
        )
        parser.add_argument(
            "--operator",
            default=_login(),
            help="who is deleting, for the operators' record (default: your login)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with platform_access():
            account = account_for_subdomain(options["subdomain"])
        if account is None:
            raise CommandError(f"No account with the subdomain {options['subdomain']!r}.")
        if not options["confirmed"]:
            raise CommandError(
                f"This deletes {account.subdomain!r} ({account.name}) and all its data for "
                "good. Run again with --yes-delete-everything to confirm."
            )
        counts = account_delete(account=account, operator=options["operator"])
        self.stdout.write(
            f"{account.subdomain}: deleted {sum(counts.values())} rows "
            f"(recorded for the operators as deleted by {options['operator']})."
        )


def _login() -> str:
    """The operator behind the command: the one who ran sudo, else the login."""
    try:
        return os.environ.get("SUDO_USER") or getpass.getuser()
    except (KeyError, OSError):  # no passwd entry for the uid (a container)
        return f"uid {os.getuid()}"
