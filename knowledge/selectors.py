"""Reads of the knowledge base for a viewer: what the help center lists and finds (only
published articles whose visibility admits the viewer, ``knowledge.access``), and what
the editor shows (translations missing or outdated, revisions and their diffs, votes,
deflections)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.utils.text import Truncator

from accounts.dbsession import account_context
from accounts.models import Account, User
from knowledge.access import CAPTURE_STATUSES, may_edit, visibilities_for
from knowledge.models import (
    LOCALES,
    SEARCH_CONFIGS,
    Article,
    ArticleRevision,
    ArticleTranslation,
    ArticleVote,
    Category,
    Deflection,
    KnowledgeSettings,
    Section,
    Status,
)
from knowledge.text import article_text
from portal.selectors import _START, _STOP, excerpt, mark_terms, marked_parts
from tickets.models import Ticket
from tickets.search import search_terms

SUGGESTIONS = 5
PROMOTED = 10


def published_for(*, account: Account, viewer: User | AnonymousUser) -> QuerySet[Article]:
    return Article.objects.for_account(account).filter(
        status=Status.PUBLISHED, visibility__in=visibilities_for(viewer)
    )


def has_public_articles(*, account: Account) -> bool:
    """Whether anonymous visitors have anything to read (the help center's public home)."""
    return published_for(account=account, viewer=AnonymousUser()).exists()


def _translations(account: Account) -> Prefetch:
    return Prefetch(
        "translations",
        queryset=ArticleTranslation.objects.for_account(account).defer("search_vector"),
    )


def _with_translations(qs: QuerySet[Article], account: Account) -> QuerySet[Article]:
    return qs.prefetch_related(_translations(account))


@dataclass
class Shown:
    """An article (or its title) in the viewer's language, or the fallback's."""

    article: Article
    translation: ArticleTranslation | None
    fallback: bool


def shown(article: Article, *, locale: str, default: str) -> Shown:
    """The viewer's language, else the account's default, else the article's own."""
    by_locale = {t.locale: t for t in article.translations.all()}
    for candidate in (locale, default, article.source_locale, *LOCALES):
        if candidate in by_locale:
            return Shown(article, by_locale[candidate], fallback=candidate != locale)
    return Shown(article, None, fallback=True)


def kb_home(*, account: Account, viewer: User | AnonymousUser, locale: str) -> dict:
    """Categories with their sections, and the promoted articles."""
    categories = list(
        Category.objects.for_account(account).prefetch_related(
            Prefetch(
                "sections",
                queryset=Section.objects.for_account(account).order_by("position", "number"),
            )
        )
    )
    promoted = _with_translations(
        published_for(account=account, viewer=viewer).filter(promoted=True), account
    )
    default = account.default_locale
    return {
        "categories": categories,
        "promoted": [shown(a, locale=locale, default=default) for a in promoted[:PROMOTED]],
    }


def section_articles(
    *, account: Account, section: Section, viewer: User | AnonymousUser, locale: str
) -> list[Shown]:
    qs = _with_translations(
        published_for(account=account, viewer=viewer).filter(section=section), account
    ).order_by("position", "number")
    default = account.default_locale
    return [shown(a, locale=locale, default=default) for a in qs]


def category_sections(
    *, account: Account, category: Category, viewer: User | AnonymousUser, locale: str
) -> list[tuple[Section, list[Shown]]]:
    sections = list(Section.objects.for_account(account).filter(category=category))
    articles = _with_translations(
        published_for(account=account, viewer=viewer).filter(section__in=sections), account
    ).order_by("position", "number")
    default = account.default_locale
    by_section: dict[int, list[Shown]] = {}
    for article in articles:
        by_section.setdefault(article.section_id, []).append(
            shown(article, locale=locale, default=default)
        )
    return [(s, by_section.get(s.pk, [])) for s in sections]


def related_articles(
    *, account: Account, article: Article, viewer: User | AnonymousUser, locale: str
) -> list[Shown]:
    qs = _with_translations(
        published_for(account=account, viewer=viewer)
        .filter(section_id=article.section_id)
        .exclude(pk=article.pk)
        .order_by("position", "number"),
        account,
    )[:5]
    return [shown(a, locale=locale, default=account.default_locale) for a in qs]


# An article's address in a comment, as "Link an article" inserts it.
_ARTICLE_LINK = re.compile(r"/hc/kb/articles/(\d{1,9})/")
SHARED = 10


def shared_articles(
    *, account: Account, viewer: User | AnonymousUser, texts: Iterable[str], locale: str
) -> list[Shown]:
    """Seed 004's "Shared resources": the articles linked in the given comments (the
    request page's, public ones) that the viewer may read, in the order first shared.
    No query when no comment links one."""
    numbers: dict[int, None] = {}
    for text in texts:
        for match in _ARTICLE_LINK.finditer(text or ""):
            numbers.setdefault(int(match.group(1)), None)
    if not numbers:
        return []
    wanted = list(numbers)[:SHARED]
    found = {
        a.number: a
        for a in _with_translations(
            published_for(account=account, viewer=viewer).filter(number__in=wanted), account
        )
    }
    default = account.default_locale
    return [shown(found[n], locale=locale, default=default) for n in wanted if n in found]


# --- Search -----------------------------------------------------------------------------


@dataclass
class ArticleHit:
    article: Article
    title_parts: list[tuple[str, bool]]
    snippet_parts: list[tuple[str, bool]]


def search_articles(
    *,
    account: Account,
    viewer: User | AnonymousUser,
    locale: str,
    query: str,
    offset: int = 0,
    limit: int = 20,
) -> list[ArticleHit]:
    """Published articles the viewer may read, in the viewer's language (with the
    language's text-search configuration), best match first."""
    terms = search_terms(query)
    if not terms:
        return []
    translations = (
        ArticleTranslation.objects.for_account(account)
        .filter(
            locale=locale,
            article__status=Status.PUBLISHED,
            article__visibility__in=visibilities_for(viewer),
        )
        .select_related("article")
    )
    window = slice(offset, offset + limit)
    if connection.vendor != "postgresql":
        match = Q()
        for term in terms:
            match &= Q(title__icontains=term) | Q(body__icontains=term)
        rows = translations.filter(match).order_by("-article__updated_at", "-id")[window]
        return [
            ArticleHit(
                article=t.article,
                title_parts=marked_parts(mark_terms(t.title, terms)),
                snippet_parts=marked_parts(mark_terms(excerpt(article_text(t.body), terms), terms)),
            )
            for t in rows
        ]
    config = SEARCH_CONFIGS.get(locale, "simple")
    tsquery = SearchQuery(" ".join(terms), config=config, search_type="plain")
    # Under row-level security ``@@`` cannot reach the GIN index (it is not LEAKPROOF):
    # the matching ids come from the SECURITY DEFINER function of migration 0003, for
    # the account the session works for; the rows are read under the policy.
    matching = RawSQL(  # noqa: S611 - our function; the values are parameters
        "SELECT search_article_translation_ids(%s, plainto_tsquery(%s::regconfig, %s))",
        [account.pk, config, " ".join(terms)],
    )
    # The page's rows by rank first, then their headlines: ts_headline re-parses a body,
    # and computed before the sort it ran for every match (7,711 of 50,000 articles for
    # "invoice refund" in bench scenario 5k), not for the page's twenty.
    ranked = (
        translations.filter(pk__in=matching)
        .annotate(rank=SearchRank(F("search_vector"), tsquery))
        .order_by("-rank", "-article__updated_at", "-id")
        .values_list("pk", flat=True)
    )[window]
    # The function answers for the account the session works for (a request's already;
    # a caller outside one, such as a test or a command, gets it here).
    with account_context(account.pk):
        page = list(ranked)
    if not page:
        return []
    by_pk = {
        t.pk: t
        for t in translations.filter(pk__in=page).annotate(
            title_headline=SearchHeadline(
                "title",
                tsquery,
                config=config,
                start_sel=_START,
                stop_sel=_STOP,
                highlight_all=True,
            ),
            body_headline=SearchHeadline(
                "body",
                tsquery,
                config=config,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=35,
                min_words=15,
            ),
        )
    }
    found = [by_pk[pk] for pk in page if pk in by_pk]
    return [
        ArticleHit(
            article=t.article,
            title_parts=marked_parts(t.title_headline),
            snippet_parts=marked_parts(article_text(t.body_headline)),
        )
        for t in found
    ]


def suggestions(
    *, account: Account, viewer: User | AnonymousUser, locale: str, subject: str
) -> list[ArticleHit]:
    """Up to five articles matching a new request's subject (deflection)."""
    return search_articles(
        account=account, viewer=viewer, locale=locale, query=subject, limit=SUGGESTIONS
    )


# --- The editor -------------------------------------------------------------------------


@dataclass
class TranslationState:
    locale: str
    name: str
    state: str  # "source", "current", "outdated", "missing"


def agents_may_edit(account: Account) -> bool:
    return KnowledgeSettings.objects.for_account(account).filter(agents_may_edit=True).exists()


def editor_articles(*, account: Account) -> QuerySet[Article]:
    return (
        _with_translations(Article.objects.for_account(account), account)
        .select_related("section__category", "author")
        .exclude(status=Status.ARCHIVED)
        .order_by("section__category__position", "section__position", "position", "number")
    )


def archived_articles(*, account: Account) -> QuerySet[Article]:
    return _with_translations(Article.objects.for_account(account), account).filter(
        status=Status.ARCHIVED
    )


def translation_states(article: Article) -> list[TranslationState]:
    from django.conf import settings

    names = dict(settings.LANGUAGES)
    by_locale = {t.locale: t for t in article.translations.all()}
    source = by_locale.get(article.source_locale)
    states = []
    for locale in LOCALES:
        t = by_locale.get(locale)
        if locale == article.source_locale:
            state = "source"
        elif t is None:
            state = "missing"
        elif source is not None and t.updated_at < source.updated_at:
            state = "outdated"
        else:
            state = "current"
        states.append(TranslationState(locale, names[locale], state))
    return states


@dataclass
class RevisionRow:
    revision: ArticleRevision
    diff: list[tuple[str, str]]  # (kind: "add"/"del"/"same"/"hunk", line)


def _lines(revision: ArticleRevision | None) -> list[str]:
    if revision is None:
        return []
    return [revision.title, ""] + article_text(revision.body).splitlines()


def revision_history(*, article: Article, locale: str) -> list[RevisionRow]:
    """The translation's revisions, newest first, each with a readable diff against the
    one before it (title, then the body as text, line by line)."""
    revisions = list(
        ArticleRevision.objects.for_account(article.account)
        .filter(article=article, locale=locale)
        .select_related("author")
        .order_by("-created_at", "-number")[:50]
    )
    rows = []
    for i, revision in enumerate(revisions):
        previous = revisions[i + 1] if i + 1 < len(revisions) else None
        diff = []
        for line in difflib.unified_diff(_lines(previous), _lines(revision), lineterm="", n=2):
            if line.startswith(("---", "+++")):
                continue
            kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
            diff.append((kind, line[1:] if kind != "hunk" else "…"))
        rows.append(RevisionRow(revision, diff))
    return rows


def vote_counts(*, account: Account, article: Article) -> dict[str, int]:
    counts = (
        ArticleVote.objects.for_account(account)
        .filter(article=article)
        .aggregate(
            yes=Count("pk", filter=Q(helpful=True)),
            no=Count("pk", filter=Q(helpful=False)),
        )
    )
    return {"helpful": counts["yes"] or 0, "unhelpful": counts["no"] or 0}


def recent_deflections(*, account: Account, limit: int = 20) -> list[Deflection]:
    return list(
        Deflection.objects.for_account(account)
        .select_related("article", "user")
        .order_by("-created_at")[:limit]
    )


def sections_for_editor(*, account: Account) -> QuerySet[Section]:
    return (
        Section.objects.for_account(account)
        .select_related("category")
        .order_by("category__position", "category__number", "position", "number")
    )


def categories_for_editor(*, account: Account) -> QuerySet[Category]:
    return Category.objects.for_account(account)


def shown_article(*, account: Account, article: Article, locale: str) -> Shown:
    prefetch_related_objects([article], _translations(account))
    return shown(article, locale=locale, default=account.default_locale)


def section_for_editor(*, account: Account, number: int) -> Section | None:
    """The account's section by its number, or None (the editor's form says which)."""
    return Section.objects.for_account(account).filter(number=number).first()


def article_translation(
    *, account: Account, article: Article, locale: str
) -> ArticleTranslation | None:
    """The article's version in ``locale``, if written."""
    return (
        ArticleTranslation.objects.for_account(account)
        .filter(article=article, locale=locale)
        .first()
    )


# --- The Help Center API (api/views/help_center.py) -------------------------------------


def api_articles(*, account: Account, viewer: User) -> QuerySet[Article]:
    """What the API lists: editors every article but archived ones (drafts too, as
    Zendesk's agents see them), anyone else the published ones they may read."""
    from knowledge.access import may_edit

    qs = (
        Article.objects.for_account(account).exclude(status=Status.ARCHIVED)
        if may_edit(viewer)
        else published_for(account=account, viewer=viewer)
    )
    return _with_translations(
        qs.select_related("section", "author").order_by("position", "number"), account
    )


def api_article(*, account: Account, viewer: User, number: int) -> Article | None:
    return api_articles(account=account, viewer=viewer).filter(number=number).first()


def api_sections(*, account: Account) -> QuerySet[Section]:
    return (
        Section.objects.for_account(account)
        .select_related("category")
        .order_by("position", "number")
    )


def api_categories(*, account: Account) -> QuerySet[Category]:
    return Category.objects.for_account(account).order_by("position", "number")


def api_articles_by_pk(*, account: Account, viewer: User, pks: list[int]) -> dict[int, Article]:
    """The search hits' articles with what the API shows of them (two queries)."""
    if not pks:
        return {}
    return {a.pk: a for a in api_articles(account=account, viewer=viewer).filter(pk__in=pks)}


CAPTURE_CHOICES = 5


def capture_replies(*, viewer: User, ticket: Ticket, rows: list[dict]) -> list[dict]:
    """The ticket page's conversation rows (tickets.selectors.conversation_rows, every
    comment for an agent) that knowledge capture offers: public replies by agents on a
    solved or closed ticket, the newest ``CAPTURE_CHOICES``, each with its place in the
    conversation (``counter``, the URL's number) and a short excerpt."""
    if ticket.status not in CAPTURE_STATUSES or not may_edit(viewer):
        return []
    agent_roles = {User.Role.AGENT, User.Role.ADMIN}
    choices = [
        {
            "counter": counter,
            "author": row["author_name"],
            "excerpt": Truncator(" ".join(str(row["body"]).split())).chars(80),
        }
        for counter, row in enumerate(rows, start=1)
        if row["public"] and row["author_role"] in agent_roles
    ]
    return choices[::-1][:CAPTURE_CHOICES]
