"""Categories → sections → articles, each ordered by ``position``; every one has a
version per language the account offers (en/it/es).

Categories and sections keep their few words per language in ``names`` (a JSON object
``{"it": {"name": ..., "description": ..., "updated_at": ...}}``); an article's
translations are rows (``ArticleTranslation``) because they are searched with the
language's own text-search configuration and each keeps its revision history.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import NumberedTenantModel
from accounts.tenancy import TenantModel
from tickets.models import TsVectorField

LOCALES = tuple(code for code, _name in settings.LANGUAGES)
# PostgreSQL's text-search configuration of each language (issue 25: an Italian article
# is found by an inflected Italian word).
SEARCH_CONFIGS = {"en": "english", "it": "italian", "es": "spanish"}


class Visibility(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    SIGNED_IN = "signed_in", _("Signed-in users")
    AGENTS = "agents", _("Agents only")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class KnowledgeSettings(TenantModel):
    """One row per account, made on first change; absent, only admins write articles."""

    agents_may_edit = models.BooleanField(_("agents may write and publish articles"), default=False)

    class Meta:
        verbose_name = _("knowledge base settings")
        constraints = [
            models.UniqueConstraint(fields=["account"], name="knowledge_settings_one"),
        ]


class _Named(NumberedTenantModel):
    position = models.PositiveIntegerField(default=0)
    names = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def version(self, locale: str) -> dict[str, Any]:
        value = self.names.get(locale)
        return value if isinstance(value, dict) else {}

    def name_in(self, locale: str, fallback: str) -> str:
        return str(self.version(locale).get("name") or self.version(fallback).get("name") or "")

    def __str__(self) -> str:
        for locale in LOCALES:
            if self.version(locale).get("name"):
                return str(self.version(locale)["name"])
        return f"#{self.number}"


class Category(_Named):
    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="kb_category_number"),
        ]


class Section(_Named):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="sections")

    class Meta:
        verbose_name = _("section")
        ordering = ["position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="kb_section_number"),
        ]
        indexes = [
            models.Index(fields=["account", "category", "position"], name="kb_section_order"),
        ]


class Article(NumberedTenantModel):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="articles")
    position = models.PositiveIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    visibility = models.CharField(
        _("visible to"), max_length=10, choices=Visibility, default=Visibility.EVERYONE
    )
    promoted = models.BooleanField(_("promoted"), default=False)
    # Lower case, one space between (as tickets' tags).
    labels = models.CharField(_("labels"), max_length=500, blank=True, default="")
    # The language the article was written in: translations are outdated when older.
    source_locale = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    # Knowledge capture: the solved ticket whose answer the article was written from
    # (knowledge.capture); the ticket's Activity records the article too.
    source_ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("article")
        ordering = ["position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="kb_article_number"),
        ]
        indexes = [
            models.Index(
                fields=["account", "section", "status", "position"], name="kb_article_order"
            ),
            models.Index(fields=["account", "status", "promoted"], name="kb_article_promoted"),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"

    @property
    def label_list(self) -> list[str]:
        return self.labels.split()


class ArticleTranslation(TenantModel):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="translations")
    locale = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("body"), blank=True)  # sanitised HTML (knowledge.text)
    # Filled by the service in the language's configuration (SEARCH_CONFIGS).
    search_vector = TsVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("article translation")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "article", "locale"], name="kb_translation_one_per_locale"
            ),
        ]
        indexes = [
            models.Index(fields=["account", "locale"], name="kb_translation_locale"),
            # PostgreSQL also has a GIN index on search_vector (migration 0002).
        ]

    def __str__(self) -> str:
        return self.title


class ArticleRevision(NumberedTenantModel):
    """What a translation said after each save: who, when, title and body."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    locale = models.CharField(max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("article revision")
        ordering = ["-created_at", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="kb_revision_number"),
        ]
        indexes = [
            models.Index(fields=["account", "article", "-created_at"], name="kb_revision_history"),
        ]


class ArticleVote(TenantModel):
    """ "Was this helpful?": one per signed-in user, else one per browser (a cookie key)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    voter_key = models.CharField(max_length=64)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "article", "voter_key"], name="kb_vote_one_per_voter"
            ),
        ]


class Deflection(TenantModel):
    """An end user opened a suggested article while writing a request and left without
    submitting it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deflections")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["account", "-created_at"], name="kb_deflection_recent"),
        ]


def image_upload_to(instance: ArticleImage, filename: str) -> str:
    # As tickets' attachments: an unguessable storage key, the name lives in the row.
    return f"attachments/{instance.account_id}/kb-{secrets.token_urlsafe(24)}"


class ArticleImage(TenantModel):
    """An image uploaded into an article's body, under the account's attachment rules
    (tickets.attachments) and answered as tickets' files are. Its address
    (``/hc/kb/images/<token>/``) is the only image source an article body keeps
    (knowledge.text); it is served to whoever may read its article, and to editors."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="images"
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(upload_to=image_upload_to, max_length=200)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    token = models.CharField(max_length=48, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("article image")
        constraints = [
            models.UniqueConstraint(fields=["account", "token"], name="kb_image_token_unique")
        ]

    def __str__(self) -> str:
        return self.filename
