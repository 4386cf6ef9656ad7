"""Who reaches which part of the knowledge base.

Help center: an article is found only when it is published, in the viewer's account, and
its visibility admits the viewer — "everyone" for anonymous visitors, also "signed-in
users" for end users, every visibility for agents. Anything else, a draft, an archived
article, an internal one for an end user, another account's, is 404 alike.

Editor: admins, and agents when an admin allows it (403 for other agents, 404 for end
users, as the settings pages); objects are found in the editor's own account only.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.access import require_agent
from accounts.models import Account, User
from knowledge.models import (
    Article,
    ArticleImage,
    ArticleRevision,
    Category,
    KnowledgeSettings,
    Section,
    Status,
    Visibility,
)
from tickets.models import Comment, Ticket
from tickets.selectors import tickets_visible_to


def visibilities_for(viewer: User | AnonymousUser) -> list[str]:
    if not viewer.is_authenticated:
        return [Visibility.EVERYONE]
    if viewer.is_agent:
        return [Visibility.EVERYONE, Visibility.SIGNED_IN, Visibility.AGENTS]
    return [Visibility.EVERYONE, Visibility.SIGNED_IN]


def article_for_visitor(*, account: Account, viewer: User | AnonymousUser, number: int) -> Article:
    """A published article the viewer's visibility admits; 404 for anything else."""
    article = (
        Article.objects.for_account(account)
        .filter(number=number, status=Status.PUBLISHED, visibility__in=visibilities_for(viewer))
        .select_related("section__category")
        .first()
    )
    if article is None:
        raise Http404
    return article


def category_for_visitor(*, account: Account, number: int) -> Category:
    """Any category of the account (its page lists only what the viewer may read)."""
    category = Category.objects.for_account(account).filter(number=number).first()
    if category is None:
        raise Http404
    return category


def section_for_visitor(*, account: Account, number: int) -> Section:
    section = (
        Section.objects.for_account(account)
        .filter(number=number)
        .select_related("category")
        .first()
    )
    if section is None:
        raise Http404
    return section


def may_edit(user: User | AnonymousUser) -> bool:
    """Admins, and agents when an admin allows it (Settings › Knowledge base)."""
    if not user.is_authenticated or not user.is_agent:
        return False
    if user.is_admin:
        return True
    settings = KnowledgeSettings.objects.for_account(user.account)
    return settings.filter(agents_may_edit=True).exists()


def require_editor(viewer: User) -> None:
    """404 for end users, 403 for agents an admin has not allowed to write articles."""
    require_agent(viewer)
    if not may_edit(viewer):
        raise PermissionDenied


def article_for_editor(*, viewer: User, number: int) -> Article:
    require_editor(viewer)
    article = (
        Article.objects.for_account(viewer.account)
        .filter(number=number)
        .select_related("section__category", "author", "source_ticket")
        .first()
    )
    if article is None:
        raise Http404
    return article


def revision_for_editor(*, article: Article, number: int) -> ArticleRevision:
    """A revision of this article (another article's number is 404, as another account's)."""
    revision = (
        ArticleRevision.objects.for_account(article.account)
        .filter(article=article, number=number)
        .select_related("article", "author")
        .first()
    )
    if revision is None:
        raise Http404
    return revision


def category_for_editor(*, viewer: User, number: int) -> Category:
    require_editor(viewer)
    category = Category.objects.for_account(viewer.account).filter(number=number).first()
    if category is None:
        raise Http404
    return category


def section_for_editor(*, viewer: User, number: int) -> Section:
    require_editor(viewer)
    section = Section.objects.for_account(viewer.account).filter(number=number).first()
    if section is None:
        raise Http404
    return section


def image_for_visitor(
    *, account: Account, viewer: User | AnonymousUser, token: str
) -> ArticleImage:
    """An article's image, for whoever may read the article (editors: every image of the
    account, a draft's too, and one not saved into an article yet); 404 otherwise."""
    image = (
        ArticleImage.objects.for_account(account)
        .filter(token=token)
        .select_related("article")
        .first()
    )
    if image is None:
        raise Http404
    if viewer.is_authenticated and viewer.is_agent and may_edit(viewer):
        return image
    article = image.article
    if (
        article is None
        or article.status != Status.PUBLISHED
        or article.visibility not in visibilities_for(viewer)
    ):
        raise Http404
    return image


CAPTURE_STATUSES = ("solved", "closed")
MAX_POSITION = 1_000_000


def capture_source(*, viewer: User, ticket_number: int, position: int) -> tuple[Ticket, Comment]:
    """Knowledge capture's ticket and reply: a solved or closed ticket the editor sees
    (tickets_visible_to: their account's, narrowed by their role) and a public reply an
    agent wrote on it (``position``: its place in the conversation, 1 the description, as
    the ticket page's ``#comment-N``). 404 for anyone who may not write articles (the
    action is not shown to them) and for any other ticket or comment."""
    if not (viewer.is_authenticated and viewer.is_agent and may_edit(viewer)):
        raise Http404
    ticket = (
        tickets_visible_to(viewer=viewer)
        .filter(number=ticket_number, status__in=CAPTURE_STATUSES)
        .select_related("requester")
        .first()
    )
    # A position past any conversation is 404 here, not an OFFSET PostgreSQL refuses.
    if ticket is None or not 1 <= position <= MAX_POSITION:
        raise Http404
    found = list(
        Comment.objects.for_account(viewer.account)
        .filter(ticket=ticket)
        .order_by("created_at", "id")
        .select_related("author")[position - 1 : position]
    )
    if not found or not found[0].public or not found[0].author.is_agent:
        raise Http404
    return ticket, found[0]
