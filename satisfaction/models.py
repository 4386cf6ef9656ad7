"""A ticket's satisfaction rating, the reasons a requester may give for a bad one, and
the account's survey settings.

The ticket keeps its rating in ``satisfaction_rating`` too (views, conditions and the
lists read that column); the rating row holds what only the survey needs: the reason,
which email links were used, and its own times for the API.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import NumberedTenantModel
from accounts.tenancy import TenantModel


class Score(models.TextChoices):
    """What a requester may give."""

    GOOD = "good", _("Good, I'm satisfied")
    BAD = "bad", _("Bad, I'm unsatisfied")


class State(models.TextChoices):
    """A rating row's score, as Zendesk's API names it: "offered" from the survey email
    going out until the requester answers (the row keeps its id when they do). Zendesk's
    "unoffered" is a ticket never surveyed: it has no row."""

    OFFERED = "offered", _("Offered")
    GOOD = "good", _("Good, I'm satisfied")
    BAD = "bad", _("Bad, I'm unsatisfied")


RECEIVED = (State.GOOD, State.BAD)


# Zendesk's standard reasons. Stored in English and shown in the reader's language
# while an admin has not renamed them (SatisfactionReason.label).
DEFAULT_REASONS: dict[str, Promise] = {
    "too_long": _("The issue took too long to resolve"),
    "not_resolved": _("The issue was not resolved"),
    "knowledge": _("The agent's knowledge is unsatisfactory"),
    "attitude": _("The agent's attitude is unsatisfactory"),
    "other": _("Some other reason"),
}
DEFAULT_REASON_TITLES = {
    "too_long": "The issue took too long to resolve",
    "not_resolved": "The issue was not resolved",
    "knowledge": "The agent's knowledge is unsatisfactory",
    "attitude": "The agent's attitude is unsatisfactory",
    "other": "Some other reason",
}


class SatisfactionReason(NumberedTenantModel):
    title = models.CharField(_("reason"), max_length=200)
    # Set on the defaults: while the title is the default's, it reads translated.
    key = models.CharField(max_length=20, blank=True, default="", editable=False)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("satisfaction reason")
        ordering = ["position", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "number"], name="satisfaction_reason_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str | Promise:
        if self.key and DEFAULT_REASON_TITLES.get(self.key) == self.title:
            return DEFAULT_REASONS[self.key]
        return self.title


class SatisfactionRating(NumberedTenantModel):
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="satisfaction_ratings"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Who and which group the rating was about, as at the time (Zendesk's assignee_id,
    # group_id): reports credit the agent who solved it, not a later assignee.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    group = models.ForeignKey(
        "accounts.AgentGroup", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    score = models.CharField(_("rating"), max_length=8, choices=State)
    comment = models.TextField(_("comment"), blank=True)
    reason = models.ForeignKey(
        SatisfactionReason, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The survey email's links already followed ("good", "bad"): each works once.
    links_used = models.CharField(max_length=20, blank=True, default="")
    # When the survey was offered (the first email with its links), or, for a rating
    # given without one (the help center, the API), when it was given.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("satisfaction rating")
        ordering = ["-updated_at", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "number"], name="satisfaction_rating_number_unique"
            ),
            models.UniqueConstraint(
                fields=["account", "ticket"], name="satisfaction_rating_one_per_ticket"
            ),
        ]
        indexes = [
            models.Index(fields=["account", "-updated_at", "-number"], name="satisfaction_recent"),
            # The reports' response rate: the surveys offered in a date range.
            models.Index(fields=["account", "created_at"], name="satisfaction_offered"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.score}"

    @property
    def is_received(self) -> bool:
        return self.score in RECEIVED

    def link_used(self, choice: str) -> bool:
        return choice in self.links_used.split()


class SatisfactionSettings(TenantModel):
    """One row per account, made on first change; absent, the defaults apply."""

    # Ratings are taken until the ticket has been Closed this many days.
    days_after_close = models.PositiveSmallIntegerField(
        _("days after closing that ratings are still taken"), default=14
    )
    ask_reason = models.BooleanField(_("ask for a reason when the rating is bad"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("satisfaction settings")
        constraints = [
            models.UniqueConstraint(fields=["account"], name="satisfaction_settings_one"),
        ]
