"""``manage.py import_zendesk <subdomain> <folder>``: a Zendesk export into an account
(api.zendesk_import: organizations, users, tickets with their comments and attachments).
Run it again at will: what was imported is skipped, what was cut short is finished."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.dbsession import account_context
from accounts.selectors import account_for_subdomain
from api.zendesk_import import ZendeskImport


class Command(BaseCommand):
    help = "Import a Zendesk export (JSON lines and attachments) into an account, resumably."

    def add_arguments(self, parser):
        parser.add_argument("subdomain", help="The account's subdomain, e.g. acme.")
        parser.add_argument(
            "folder",
            help="organizations.jsonl, users.jsonl, tickets.jsonl, ticket_comments.jsonl "
            "and an attachments/ folder (each file optional).",
        )
        parser.add_argument(
            "--source",
            default="zendesk",
            help="A name for this Zendesk instance (two instances into one account: two names).",
        )

    def handle(self, *args, subdomain, folder, source, **options):
        account = account_for_subdomain(subdomain.strip().lower())
        if account is None:
            raise CommandError(f"No account with the subdomain {subdomain!r}.")
        root = Path(folder)
        if not root.is_dir():
            raise CommandError(f"No folder {folder!r}.")
        try:
            with account_context(account):
                report = ZendeskImport(account=account, root=root, source=source).run()
        except ValueError as exc:  # an unreadable file: nothing after it was loaded
            raise CommandError(str(exc)) from exc
        for kind in ("organization", "user", "ticket"):
            self.stdout.write(
                f"{kind}s: {report.created[kind]} created, {report.matched[kind]} matched "
                f"existing, {report.skipped[kind]} already imported"
            )
        for failure in report.failed:
            self.stderr.write(f"not imported: {failure}")
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} records were not imported (listed above); fix the "
                "export and run the command again: the rest is not imported twice."
            )
