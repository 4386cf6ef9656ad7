"""``manage.py create_api_token <subdomain> <agent-email>``: a new API token for scripts.

The secret is printed once, on stdout alone (so ``TOKEN=$(manage.py create_api_token …)``
works), and only its digest is stored. The token acts as that agent only.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.dbsession import account_context
from accounts.models import User
from accounts.selectors import account_for_subdomain
from api.models import ApiToken
from api.tokens import api_token_create


class Command(BaseCommand):
    help = "Create an API token for an agent of an account and print its secret once."

    def add_arguments(self, parser):
        parser.add_argument("subdomain", help="The account's subdomain, e.g. acme.")
        parser.add_argument("email", help="The email of an active agent or admin of the account.")
        parser.add_argument("--name", default="", help="A name to tell the token apart.")
        parser.add_argument(
            "--bearer",
            action="store_true",
            help="An OAuth-style access token (Authorization: Bearer) instead of basic auth.",
        )

    def handle(self, *args, subdomain, email, name, bearer, **options):
        account = account_for_subdomain(subdomain.strip().lower())
        if account is None:
            raise CommandError(f"No account with the subdomain {subdomain!r}.")
        # A platform command: it reads and writes this account's rows while working for
        # it (row-level security).
        with account_context(account):
            agent = (
                User.objects.for_account(account)
                .agents()
                .filter(email=email.strip().lower())
                .first()
            )
        if agent is None:
            raise CommandError(f"No active agent with the email {email!r} in {subdomain}.")
        try:
            with account_context(account):
                token, secret = api_token_create(
                    account=account,
                    name=name or f"Script token for {agent.email}",
                    kind=ApiToken.Kind.BEARER if bearer else ApiToken.Kind.API,
                    user=agent,
                    created_by=agent,
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        usage = (
            f"Authorization: Bearer {secret[:4]}…"
            if bearer
            else f"basic auth as {agent.email}/token:<the token>"
        )
        self.stderr.write(f"Token “{token.name}” created (shown once); use it as {usage}.")
        self.stdout.write(secret)
