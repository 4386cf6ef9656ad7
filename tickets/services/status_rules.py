"""The rule every status change of a ticket goes through (``status_pair``): a
ticket's ``status`` is always its custom status's category (issue 19); and the custom
statuses every account starts with."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Account
from tickets.models import CustomStatus, StatusCategory, Ticket
from tickets.status_models import (
    BUILT_IN_AGENT_LABELS,
    BUILT_IN_END_USER_LABELS,
    category_of,
)

# Seed 004's escalation timeline (Submitted → In evaluation → Engineering → Verify
# resolution → Resolved), shipped as ordinary custom statuses new accounts and the demo
# start with. Submitted waits for the escalation team to pick it up: On-hold (waiting on
# someone other than the requester, so the requester's clock is not the agent's);
# evaluation and engineering are work in progress: Open; verifying asks the requester
# to confirm the fix: Pending; resolved is Solved.
ESCALATION_STATUSES: tuple[dict[str, str], ...] = (
    {
        "category": StatusCategory.HOLD,
        "agent_label": "Escalation submitted",
        "end_user_label": "Escalation submitted",
        "description": "Escalated; waiting for the escalation team to evaluate it.",
        "end_user_description": "Your escalation was sent and is waiting to be evaluated.",
    },
    {
        "category": StatusCategory.OPEN,
        "agent_label": "In evaluation",
        "end_user_label": "In evaluation",
        "description": "The escalation team is evaluating the problem.",
        "end_user_description": "Your escalation is being evaluated.",
    },
    {
        "category": StatusCategory.OPEN,
        "agent_label": "Engineering",
        "end_user_label": "Engineering in progress",
        "description": "Engineering is working on a fix.",
        "end_user_description": "Our engineering team is working on your escalation.",
    },
    {
        "category": StatusCategory.PENDING,
        "agent_label": "Verify resolution",
        "end_user_label": "Verify resolution",
        "description": "A fix is in place; the requester is asked to confirm it.",
        "end_user_description": (
            "A fix is in place: please confirm that the problem no longer occurs."
        ),
    },
    {
        "category": StatusCategory.SOLVED,
        "agent_label": "Resolved",
        "end_user_label": "Resolved",
        "description": "The escalation is resolved.",
        "end_user_description": "Your escalation has been resolved.",
    },
)


def custom_statuses_install_defaults(*, account: Account, escalation: bool = True) -> None:
    """The built-in statuses (one default per category) and, with ``escalation``, seed
    004's. Idempotent: what the account already has is left alone."""
    have = CustomStatus.objects.for_account(account)
    defaults = set(have.filter(is_default=True).values_list("category", flat=True))
    labels = set(have.values_list("agent_label", flat=True))
    rows = [
        CustomStatus(
            account=account,
            category=category,
            agent_label=BUILT_IN_AGENT_LABELS[category],
            end_user_label=BUILT_IN_END_USER_LABELS[category][0],
            position=position * 10,
            is_default=True,
        )
        for position, category in enumerate(StatusCategory.values)
        if category not in defaults
    ]
    if escalation:
        rows += [
            CustomStatus(account=account, position=100 + index, **spec)
            for index, spec in enumerate(ESCALATION_STATUSES)
            if spec["agent_label"] not in labels
        ]
    CustomStatus.objects.for_account(account).bulk_create(rows)


def default_custom_status(account: Account, category: str) -> CustomStatus:
    found = (
        CustomStatus.objects.for_account(account)
        .filter(category=category_of(category), is_default=True)
        .first()
    )
    if found is None:  # an account made around tickets.apps' signal: mend it now
        custom_statuses_install_defaults(account=account, escalation=False)
        return default_custom_status(account, category)
    return found


def status_pair(
    account: Account,
    *,
    status: str | None = None,
    custom_status: CustomStatus | None = None,
    ticket: Ticket | None = None,
) -> tuple[str, CustomStatus | None]:
    """The (status, custom status) a ticket takes: the one road to both, so that a
    ticket's status is always its custom status's category. A custom status sets its
    category; a category alone keeps the ticket's custom status when it is of that
    category (None: keep it, no query), else takes the category's default. Closed keeps
    the Solved one the ticket has."""
    if custom_status is not None:
        if custom_status.account_id != account.pk:
            raise ValidationError({"custom_status": _("Unknown status.")})
        current = ticket.custom_status_id if ticket is not None else None
        if not custom_status.is_active and custom_status.pk != current:
            raise ValidationError({"custom_status": _("This status is no longer in use.")})
        if status == Ticket.Status.CLOSED and custom_status.category == StatusCategory.SOLVED:
            return status, custom_status
        return custom_status.category, custom_status
    if status is None:
        raise ValueError("status_pair needs a status or a custom status")
    if status not in Ticket.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if (
        ticket is not None
        and ticket.custom_status_id is not None
        and category_of(ticket.status) == category_of(status)
    ):
        return status, None
    return status, default_custom_status(account, status)
