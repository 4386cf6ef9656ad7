"""Changes to the knowledge base. Every entry point (the editor, the help center, the
API) calls these; each checks who may do it (``may_edit``) itself."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Value
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, User
from knowledge.access import may_edit
from knowledge.models import (
    LOCALES,
    SEARCH_CONFIGS,
    Article,
    ArticleImage,
    ArticleRevision,
    ArticleTranslation,
    ArticleVote,
    Category,
    Deflection,
    KnowledgeSettings,
    Section,
    Status,
    Visibility,
)
from knowledge.text import (
    MAX_BODY_CHARS,
    article_text,
    clean_article_html,
    clean_line,
    image_tokens,
    image_url,
)
from tickets.attachments import (
    SAFE_INLINE_IMAGE_TYPES,
    content_type_for,
    safe_filename,
    validate_uploads,
)
from tickets.models import Channel, Ticket, TicketEvent
from tickets.services.common import record_event

# The ticket's Activity line (tickets.labels.FIELD_LABELS: "Article created").
CAPTURE_EVENT_FIELD = "knowledge_article"


def _require_editor(user: User) -> None:
    if not may_edit(user):
        raise PermissionDenied


def _check_locale(locale: str) -> None:
    if locale not in LOCALES:
        raise ValidationError(_("Choose a language the help center offers."))


@transaction.atomic
def settings_update(*, account: Account, agents_may_edit: bool) -> None:
    KnowledgeSettings.objects.update_or_create(
        account=account, defaults={"agents_may_edit": agents_may_edit}
    )


def _set_names(obj: Category | Section, *, locale: str, name: str, description: str) -> None:
    name = clean_line(name, max_length=200)
    if not name:
        raise ValidationError(_("A name is required."))
    obj.names = {
        **obj.names,
        locale: {
            "name": name,
            "description": clean_line(description, max_length=1000),
            "updated_at": timezone.now().isoformat(),
        },
    }


@transaction.atomic
def category_save(
    *,
    editor: User,
    category: Category | None = None,
    locale: str,
    name: str,
    description: str = "",
    position: int = 0,
) -> Category:
    _require_editor(editor)
    _check_locale(locale)
    category = category or Category(account=editor.account)
    _set_names(category, locale=locale, name=name, description=description)
    category.position = position
    category.save()
    return category


@transaction.atomic
def section_save(
    *,
    editor: User,
    category: Category,
    section: Section | None = None,
    locale: str,
    name: str,
    description: str = "",
    position: int = 0,
) -> Section:
    _require_editor(editor)
    _check_locale(locale)
    if category.account_id != editor.account_id:
        raise PermissionDenied
    section = section or Section(account=editor.account)
    section.category = category
    _set_names(section, locale=locale, name=name, description=description)
    section.position = position
    section.save()
    return section


def _labels(value: str) -> str:
    words = dict.fromkeys(w.lower() for w in (value or "").replace(",", " ").split())
    return " ".join(words)[:500]


def _store_images(*, account: Account, editor: User, uploads: Sequence[UploadedFile]) -> str:
    """Images uploaded with a save, under the account's attachment rules (how many, how
    big, which extensions, content matching the extension) and plain images only; the
    HTML that shows them, appended to the body."""
    if not uploads:
        return ""
    validate_uploads(account=account, files=uploads)
    refused = [
        safe_filename(u.name or "")
        for u in uploads
        if content_type_for(safe_filename(u.name or "")) not in SAFE_INLINE_IMAGE_TYPES
    ]
    if refused:
        raise ValidationError(
            _("Only PNG, JPEG and GIF images can be added to an article: %(names)s.")
            % {"names": ", ".join(refused)}
        )
    html = []
    for upload in uploads:
        name = safe_filename(upload.name or "")
        image = ArticleImage(
            account=account,
            uploader=editor,
            filename=name,
            content_type=content_type_for(name),
            size=upload.size or 0,
        )
        image.file.save(name, upload, save=False)
        image.save()
        html.append(f'<p><img src="{image_url(image.token)}" alt=""></p>')
    return "\n".join(html)


def _save_translation(
    *,
    article: Article,
    editor: User,
    locale: str,
    title: str,
    body: str,
    images: Sequence[UploadedFile] = (),
) -> ArticleTranslation:
    _check_locale(locale)
    title = clean_line(title, max_length=255)
    if not title:
        raise ValidationError(_("A title is required."))
    if len(body or "") > MAX_BODY_CHARS:
        raise ValidationError(_("The article is too long."))
    added = _store_images(account=article.account, editor=editor, uploads=images)
    body = clean_article_html("\n".join(filter(None, [body, added])))
    # The images the body shows belong to this article (their readers are its readers).
    ArticleImage.objects.for_account(article.account).filter(
        token__in=image_tokens(body), article__isnull=True
    ).update(article=article)
    now = timezone.now()
    translation, created = ArticleTranslation.objects.get_or_create(
        account=article.account,
        article=article,
        locale=locale,
        defaults={"title": title, "body": body, "updated_at": now},
    )
    changed = created or translation.title != title or translation.body != body
    if not changed:
        return translation
    if not created:
        translation.title, translation.body, translation.updated_at = title, body, now
        translation.save(update_fields=["title", "body", "updated_at"])
    if connection.vendor == "postgresql":
        config = SEARCH_CONFIGS[locale]
        ArticleTranslation.objects.filter(account=article.account, pk=translation.pk).update(
            search_vector=SearchVector(Value(title), config=config, weight="A")
            + SearchVector(Value(article_text(body)), config=config, weight="B")
        )
    ArticleRevision.objects.create(
        account=article.account,
        article=article,
        locale=locale,
        title=title,
        body=body,
        author=editor,
    )
    if locale == article.source_locale:
        article.updated_at = now
        article.save(update_fields=["updated_at"])
    return translation


@transaction.atomic
def article_create(
    *,
    editor: User,
    section: Section,
    locale: str,
    title: str,
    body: str,
    visibility: str = Visibility.EVERYONE,
    promoted: bool = False,
    labels: str = "",
    position: int = 0,
    images: Sequence[UploadedFile] = (),
) -> Article:
    _require_editor(editor)
    _check_locale(locale)
    if section.account_id != editor.account_id:
        raise PermissionDenied
    article = Article.objects.create(
        account_id=section.account_id,
        section=section,
        author=editor,
        visibility=Visibility(visibility),
        promoted=promoted,
        labels=_labels(labels),
        position=position,
        source_locale=locale,
    )
    _save_translation(
        article=article, editor=editor, locale=locale, title=title, body=body, images=images
    )
    return article


@transaction.atomic
def article_update(
    *,
    article: Article,
    editor: User,
    locale: str,
    title: str,
    body: str,
    section: Section | None = None,
    visibility: str | None = None,
    promoted: bool | None = None,
    labels: str | None = None,
    position: int | None = None,
    images: Sequence[UploadedFile] = (),
) -> Article:
    _require_editor(editor)
    if section is not None:
        if section.account_id != article.account_id:
            raise PermissionDenied
        article.section = section
    if visibility is not None:
        article.visibility = Visibility(visibility)
    if promoted is not None:
        article.promoted = promoted
    if labels is not None:
        article.labels = _labels(labels)
    if position is not None:
        article.position = position
    article.save(update_fields=["section", "visibility", "promoted", "labels", "position"])
    _save_translation(
        article=article, editor=editor, locale=locale, title=title, body=body, images=images
    )
    return article


@transaction.atomic
def article_set_status(*, article: Article, editor: User, status: str) -> Article:
    """Publish, unpublish (back to draft) or archive."""
    _require_editor(editor)
    article.status = Status(status)
    article.save(update_fields=["status"])
    return article


@transaction.atomic
def revision_restore(*, revision: ArticleRevision, editor: User) -> ArticleTranslation:
    """The revision's title and body become the translation's again (a new revision)."""
    _require_editor(editor)
    return _save_translation(
        article=revision.article,
        editor=editor,
        locale=revision.locale,
        title=revision.title,
        body=revision.body,
    )


@transaction.atomic
def vote_record(*, article: Article, voter_key: str, helpful: bool) -> None:
    """One vote per voter and article; voting again changes it."""
    ArticleVote.objects.update_or_create(
        account=article.account,
        article=article,
        voter_key=voter_key[:64],
        defaults={"helpful": helpful},
    )


@transaction.atomic
def deflection_record(*, article: Article, user: User, subject: str) -> Deflection:
    return Deflection.objects.create(
        account=article.account,
        article=article,
        user=user,
        subject=clean_line(subject, max_length=255),
    )


@transaction.atomic
def article_capture(
    *,
    editor: User,
    ticket: Ticket,
    section: Section,
    locale: str,
    title: str,
    body: str,
    visibility: str = Visibility.EVERYONE,
    promoted: bool = False,
    labels: str = "",
    position: int = 0,
    images: Sequence[UploadedFile] = (),
) -> Article:
    """Knowledge capture: a draft article written from a solved ticket's reply
    (knowledge.capture prefilled the editor), which remembers the ticket, and a line in
    the ticket's Activity naming the article."""
    if ticket.account_id != editor.account_id:
        raise PermissionDenied
    article = article_create(
        editor=editor,
        section=section,
        locale=locale,
        title=title,
        body=body,
        visibility=visibility,
        promoted=promoted,
        labels=labels,
        position=position,
        images=images,
    )
    article.source_ticket = ticket
    article.save(update_fields=["source_ticket"])
    record_event(
        ticket,
        editor,
        Channel.WEB,
        TicketEvent.Kind.CHANGE,
        field=CAPTURE_EVENT_FIELD,
        new=f"#{article.number}",
    )
    return article
