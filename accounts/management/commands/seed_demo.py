"""``manage.py seed_demo``: the demo account behind ``make run`` and the README.

Idempotent: whatever already exists is left as it is, so running it twice changes
nothing. Demo tickets come from ``tickets.demo.seed_demo_tickets(account)`` when the
tickets app provides that module.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.dbsession import account_context
from accounts.models import Account, AgentGroup, Organization, User
from accounts.selectors import account_for_subdomain
from accounts.services import (
    account_create,
    group_add_agent,
    group_create,
    organization_create,
    user_create,
)

DEMO_SUBDOMAIN = "demo"
DEMO_NAME = "Demo Company"
DEMO_PASSWORD = "sportello-demo"
ADMIN = {"email": "admin@demo.example", "name": "Dana Admin"}

ORGANIZATIONS = [
    {"name": "Rossi & Figli", "domains": ["rossi.example"]},
    {"name": "Blue Sky Travel", "domains": ["bluesky.example"]},
]
GROUP = "Support"

# Role, email, name, phone, is_org_manager. End users join their organization by the
# email domain (user_create does that), so the organizations come first.
PEOPLE = [
    (User.Role.AGENT, "agent@demo.example", "Alex Agent", "", False),
    (User.Role.AGENT, "agent2@demo.example", "Bea Agent", "", False),
    (User.Role.END_USER, "manager@rossi.example", "Mario Rossi", "+39 02 1234 5678", True),
    (User.Role.END_USER, "user@demo.example", "Uma User", "", False),
    (User.Role.END_USER, "giulia@rossi.example", "Giulia Rossi", "+39 02 8765 4321", False),
    (User.Role.END_USER, "sam@bluesky.example", "Sam Sky", "+44 20 7946 0018", False),
    (User.Role.END_USER, "lena@bluesky.example", "Lena Blue", "", False),
]


def seed_demo_account() -> tuple[Account, bool]:
    """The demo account and its people; returns (account, created)."""
    account = account_for_subdomain(DEMO_SUBDOMAIN)
    created = account is None
    if created:
        account, _admin = account_create(
            subdomain=DEMO_SUBDOMAIN,
            name=DEMO_NAME,
            admin_email=ADMIN["email"],
            admin_name=ADMIN["name"],
            admin_password=DEMO_PASSWORD,
        )

    # Platform command: it works for the demo account only (row-level security).
    with account_context(account):
        for spec in ORGANIZATIONS:
            if not Organization.objects.for_account(account).filter(name=spec["name"]).exists():
                organization_create(account=account, **spec)  # type: ignore[arg-type]  # set above

        users = User.objects.for_account(account)
        for role, email, name, phone, is_manager in PEOPLE:
            if not users.filter(email=email).exists():
                user_create(
                    account=account,  # type: ignore[arg-type]  # set above
                    role=role,
                    email=email,
                    name=name,
                    phone=phone,
                    is_org_manager=is_manager,
                    password=DEMO_PASSWORD,
                )

        group = AgentGroup.objects.for_account(account).filter(name=GROUP).first()
        if group is None:
            group = group_create(account=account, name=GROUP)  # type: ignore[arg-type]  # set above
        for agent in users.filter(role=User.Role.AGENT, email__in=[p[1] for p in PEOPLE]):
            group_add_agent(group=group, agent=agent)  # a no-op when already a member
    return account, created  # type: ignore[return-value]  # set above


def seed_demo_tickets(account: Account) -> None:
    """Hand over to the tickets app for demo tickets, if it has a ``tickets.demo``."""
    # find_spec, not try/except ImportError: a broken tickets.demo must fail loudly.
    if importlib.util.find_spec("tickets.demo") is None:
        return
    importlib.import_module("tickets.demo").seed_demo_tickets(account)
    # Then the macros app's demo macros (in English, Italian and Spanish), if installed.
    if importlib.util.find_spec("macros.demo") is not None:
        importlib.import_module("macros.demo").seed_demo_macros(account)
    # A small knowledge base in three languages (issue 25), if installed.
    if importlib.util.find_spec("knowledge.demo") is not None:
        importlib.import_module("knowledge.demo").seed_demo_articles(account)
    # And ninety days of history for the reports (issue 26), if installed.
    if importlib.util.find_spec("reports.demo") is not None:
        importlib.import_module("reports.demo").seed_report_history(account)
    # A service level policy measuring that history (the reports' SLA table), if installed.
    if importlib.util.find_spec("servicelevels.demo") is not None:
        importlib.import_module("servicelevels.demo").seed_demo_policy(account)
    # Some time worked (seed 002), if installed.
    if importlib.util.find_spec("timeworked.demo") is not None:
        importlib.import_module("timeworked.demo").seed_demo_time(account)


class Command(BaseCommand):
    help = "Create the demo account (idempotent) and print its credentials."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        account, created = seed_demo_account()
        with account_context(account):
            seed_demo_tickets(account)

        done = (
            _("Created the demo account at %(host)s")
            if created
            else _("Found the demo account at %(host)s")
        )
        self.stdout.write(self.style.SUCCESS(done % {"host": account.base_url}))
        self.stdout.write(self.credentials_table(account))

    def credentials_table(self, account: Account) -> str:
        rows = [(_("Role"), _("Email"), _("Password"))]
        emails = [ADMIN["email"], *(p[1] for p in PEOPLE)]
        people = {u.email: u for u in User.objects.for_account(account).filter(email__in=emails)}
        for email in emails:
            user = people.get(email)
            if user is not None:
                role = _("Org manager") if user.is_org_manager else user.get_role_display()
                rows.append((role, email, DEMO_PASSWORD))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)
