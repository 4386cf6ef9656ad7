"""Writing help for agents (issue 28): the account's choice of provider, and every
request an agent makes from the reply box, which is also the log of what was sent.

A request is a row first (status "pending"), answered by a Celery task after commit
(assist.tasks); the reply box polls it by its random token, never by a primary key.
Nothing a provider answers is ever sent to a requester: it goes into the agent's box."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantModel


class Provider(models.TextChoices):
    OFFLINE = "offline", _("Built in (no network)")
    OPENAI = "openai", _("OpenAI-compatible server")


class Feature(models.TextChoices):
    GENERATE = "generate", _("Generate reply")
    REPHRASE = "rephrase", _("Rephrase")
    FORMAL = "formal", _("More formal")
    CASUAL = "casual", _("More casual")
    SHORTER = "shorter", _("Shorter")
    SPELLING = "spelling", _("Fix spelling")
    SUMMARISE = "summarise", _("Summarise")
    # Not the agent's: an end user's comment scored by the remote provider (assist.sentiment).
    SENTIMENT = "sentiment", _("Sentiment")


# What the reply box offers an agent.
AGENT_FEATURES = tuple(f for f in Feature if f != Feature.SENTIMENT)


class AssistSettings(TenantModel):
    provider = models.CharField(
        _("provider"), max_length=10, choices=Provider, default=Provider.OFFLINE
    )
    base_url = models.URLField(_("base URL"), max_length=300, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    # Fernet (accounts.field_crypto), never shown back on the page.
    api_key_encrypted = models.TextField(blank=True)
    monthly_budget = models.PositiveIntegerField(_("requests per month"), default=1000)
    send_internal_notes = models.BooleanField(
        _("send internal notes to the provider"), default=False
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("writing help settings")
        constraints = [
            models.UniqueConstraint(fields=["account"], name="assist_settings_one"),
        ]


def new_token() -> str:
    return secrets.token_urlsafe(18)


class AssistRequest(TenantModel):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    token = models.CharField(max_length=32, default=new_token, editable=False)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    feature = models.CharField(_("feature"), max_length=10, choices=Feature)
    provider = models.CharField(_("provider"), max_length=10, choices=Provider)
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    # The agent's text the feature works on (the reply box's content).
    text = models.TextField(blank=True)
    # What left the server (the provider's prompt); empty for the built-in provider.
    sent = models.TextField(_("sent"), blank=True)
    result = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When a worker claimed it (assist.services._claim); the provider is asked after.
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("writing help request")
        constraints = [
            models.UniqueConstraint(fields=["account", "token"], name="assist_request_token"),
        ]
        indexes = [
            models.Index(fields=["account", "provider", "created_at"], name="assist_acct_created"),
        ]
