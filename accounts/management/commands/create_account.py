"""``manage.py create_account acme --name "Acme Inc." --admin-email ada@acme.example``.

Platform-level: creates a tenant and its first admin through ``accounts.services``.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError
from django.utils.translation import gettext as _

from accounts.services import account_create


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


class Command(BaseCommand):
    help = "Create an account (tenant) with its first admin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subdomain", help="e.g. acme, for acme.<BASE_DOMAIN>")
        parser.add_argument("--name", required=True, help="The company's name.")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", default="")
        parser.add_argument(
            "--admin-password",
            default=None,
            help="Leave out to generate one; it is printed once.",
        )

    def handle(
        self,
        *args: Any,
        subdomain: str,
        name: str,
        admin_email: str,
        admin_name: str,
        admin_password: str | None,
        **options: Any,
    ) -> None:
        generated = admin_password is None
        password = secrets.token_urlsafe(12) if generated else admin_password
        try:
            account, admin = account_create(
                subdomain=subdomain,
                name=name,
                admin_email=admin_email,
                admin_name=admin_name,
                admin_password=password,
            )
        except ValidationError as exc:
            raise CommandError(
                _("Cannot create account “%(subdomain)s”: %(reasons)s")
                % {"subdomain": subdomain, "reasons": _messages(exc)}
            ) from exc
        except IntegrityError as exc:  # lost a race with a concurrent create
            raise CommandError(
                _("An account “%(subdomain)s” already exists.") % {"subdomain": subdomain}
            ) from exc

        self.stdout.write(
            self.style.SUCCESS(
                _("Created %(account)s at %(url)s")
                % {"account": account, "url": f"{account.base_url}/"}
            )
        )
        self.stdout.write(_("Admin: %(email)s") % {"email": admin.email})
        if generated:
            self.stdout.write(
                _("Password: %(password)s  (shown once; change it after signing in)")
                % {"password": password}
            )
