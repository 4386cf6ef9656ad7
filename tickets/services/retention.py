"""Retention: an account deletes closed tickets N months after their last activity and
attachments M months after their upload (empty: keeps them for ever).

Nothing is deleted on settings the account has not seen a dry run of: a change of the
months makes the next scheduled pass a dry run (counted, shown on the settings page),
and only the pass after it deletes. ``manage.py retention --dry-run`` reports the same at
any time. Rows go in batches, each its own transaction; the files of a batch go after it
commits (a failure in between leaves a file without a row, never a row without a file).
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.dbsession import account_context
from accounts.models import Account, User
from tickets.events import retention_expiring
from tickets.models import Attachment, RetentionPolicy, Ticket
from tickets.selectors import retention_policy_for
from tickets.services.tickets import tickets_delete_recorded

logger = logging.getLogger("sportello.operations")

BATCH = 200
MAX_MONTHS = 1200  # a hundred years; more is "for ever", which is an empty field


@dataclass(frozen=True)
class RetentionReport:
    tickets: int
    attachments: int
    dry_run: bool
    # Rows of other apps tied to the same policy (live chat: its chats), through
    # tickets.events.retention_expiring; their files count among ``attachments``.
    others: int = 0


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time ``months`` calendar months earlier (the month's last day
    when it has fewer days: 31 March less one month is 28 or 29 February)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def retention_policy_update(
    *,
    account: Account,
    actor: User,
    closed_ticket_months: int | None,
    attachment_months: int | None,
) -> RetentionPolicy:
    """Admins set the months; a change waits for a dry run before anything goes."""
    if not actor.is_admin or actor.account_id != account.pk:
        raise ValidationError(_("Only admins change how long data is kept."))
    for value in (closed_ticket_months, attachment_months):
        if value is not None and not 1 <= value <= MAX_MONTHS:
            raise ValidationError(
                _("Give a number of months from 1 to %(max)s, or leave it empty to keep for ever.")
                % {"max": MAX_MONTHS}
            )
    policy = retention_policy_for(account=account)
    if (policy.closed_ticket_months, policy.attachment_months) != (
        closed_ticket_months,
        attachment_months,
    ) or policy.pk is None:
        policy.closed_ticket_months = closed_ticket_months
        policy.attachment_months = attachment_months
        policy.changed_at = timezone.now()
        policy.save()
    return policy


def expired_tickets(policy: RetentionPolicy, now: dt.datetime) -> QuerySet[Ticket]:
    if policy.closed_ticket_months is None:
        return Ticket.objects.for_account(policy.account).none()
    return Ticket.objects.for_account(policy.account).filter(
        status=Ticket.Status.CLOSED,
        last_activity_at__lt=months_before(now, policy.closed_ticket_months),
    )


def expired_attachments(policy: RetentionPolicy, now: dt.datetime) -> QuerySet[Attachment]:
    """Attachments past their months, outside the tickets that go whole (counted once)."""
    if policy.attachment_months is None:
        return Attachment.objects.for_account(policy.account).none()
    old = Attachment.objects.for_account(policy.account).filter(
        created_at__lt=months_before(now, policy.attachment_months)
    )
    if policy.closed_ticket_months is not None:
        old = old.exclude(comment__ticket__in=expired_tickets(policy, now))
    return old


def retention_run(
    *, account: Account, dry_run: bool, now: dt.datetime | None = None
) -> RetentionReport:
    """Count (dry run) or delete what the account's policy says has expired, and record
    the counts on the policy for the settings page."""
    now = now or timezone.now()
    policy = retention_policy_for(account=account)
    if policy.pk is None or policy.keeps_everything:
        return RetentionReport(tickets=0, attachments=0, dry_run=dry_run)
    # Other apps' rows first: those tied to expiring tickets still find them.
    others, other_files = _others_expiring(policy, now, dry_run)
    if dry_run:
        report = RetentionReport(
            tickets=expired_tickets(policy, now).count(),
            attachments=expired_attachments(policy, now).count() + other_files,
            dry_run=True,
            others=others,
        )
        policy.dry_run_at = timezone.now()
        policy.dry_run_tickets, policy.dry_run_attachments = report.tickets, report.attachments
        policy.dry_run_others = report.others
    else:
        # Attachments first: those of expiring tickets go with their tickets.
        attachments = _delete_in_batches(account, expired_attachments(policy, now))
        tickets = _delete_in_batches(account, expired_tickets(policy, now))
        report = RetentionReport(
            tickets=tickets, attachments=attachments + other_files, dry_run=False, others=others
        )
        policy.run_at = timezone.now()
        policy.run_tickets, policy.run_attachments = report.tickets, report.attachments
        policy.run_others = report.others
    policy.save()
    logger.info(
        "retention %s",
        "dry run" if dry_run else "run",
        extra={
            "account": account.subdomain,
            "tickets": report.tickets,
            "attachments": report.attachments,
            "others": report.others,
        },
    )
    return report


def _others_expiring(policy: RetentionPolicy, now: dt.datetime, dry_run: bool) -> tuple[int, int]:
    """Rows and files of the apps that keep their own data by this policy (counted on a
    dry run, deleted otherwise): the sums of their answers to ``retention_expiring``."""
    rows = files = 0
    answer: Any
    for _receiver, answer in retention_expiring.send(
        sender=RetentionPolicy,
        account=policy.account,
        policy=policy,
        now=now,
        expired_tickets=expired_tickets(policy, now),
        dry_run=dry_run,
    ):
        rows, files = rows + answer[0], files + answer[1]
    return rows, files


def _delete_in_batches(account: Account, queryset: QuerySet[Ticket] | QuerySet[Attachment]) -> int:
    """Delete the queryset's rows BATCH at a time, and the files of their attachments."""
    model = queryset.model
    deleted = 0
    while ids := list(queryset.values_list("pk", flat=True)[:BATCH]):
        key = "pk__in" if model is Attachment else "comment__ticket__in"
        attachments = Attachment.objects.for_account(account).filter(**{key: ids})
        with transaction.atomic():
            files = [a.file for a in attachments if a.file.name]
            if model is Ticket:  # the incremental exports report each deletion
                tickets_delete_recorded(Ticket.objects.for_account(account).filter(pk__in=ids))
            else:
                model.objects.for_account(account).filter(pk__in=ids).delete()
        for file in files:
            file.storage.delete(str(file.name))
        deleted += len(ids)
    return deleted


def retention_sweep(*, now: dt.datetime | None = None) -> dict[str, RetentionReport]:
    """The scheduled pass over every account with a policy: a dry run where the present
    settings have had none yet, the real run otherwise. Platform-level (it lists the
    accounts' policies), then works for one account at a time."""
    policies = list(
        RetentionPolicy.all_accounts.select_related("account").filter(
            models.Q(closed_ticket_months__isnull=False) | models.Q(attachment_months__isnull=False)
        )
    )
    reports: dict[str, RetentionReport] = {}
    for policy in policies:
        with account_context(policy.account):
            reports[policy.account.subdomain] = retention_run(
                account=policy.account, dry_run=not policy.dry_run_is_current, now=now
            )
    return reports
