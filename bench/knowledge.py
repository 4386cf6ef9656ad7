"""The knowledge base's bench data (issue 25): ``ARTICLES`` published articles in the
bench account, one translation each in English, their full-text vectors written in one
statement (as knowledge.services does per article), loaded once (about a minute at 1M,
then the tables are analysed); scenarios 5k (help center article search) and 5l (an
article page) read them."""

from __future__ import annotations

from django.db import connection, transaction

ARTICLES = 50_000
BATCH = 5_000
WORDS = ("invoice", "refund", "printer", "password", "account", "billing", "export", "report")


def knowledge_context(account) -> dict:
    from accounts.models import User
    from knowledge.models import Article, ArticleTranslation, Category, Section

    articles = Article.objects.for_account(account)
    if not articles.exists():
        admin = User.objects.for_account(account).filter(role=User.Role.ADMIN).first()
        with transaction.atomic():
            category = Category.objects.create(account=account, names={"en": {"name": "Guides"}})
            sections = Section.objects.bulk_create(
                Section(account=account, category=category, names={"en": {"name": f"S{i}"}})
                for i in range(50)
            )
            for start in range(0, ARTICLES, BATCH):
                made = Article.objects.bulk_create(
                    Article(
                        account=account,
                        section=sections[i % len(sections)],
                        author=admin,
                        status="published",
                        visibility="everyone",
                        position=i,
                    )
                    for i in range(start, start + BATCH)
                )
                ArticleTranslation.objects.bulk_create(
                    ArticleTranslation(
                        account=account,
                        article=a,
                        locale="en",
                        title=f"How to {WORDS[i % 8]} {WORDS[(i // 8) % 8]} {i}",
                        body=f"<p>Steps for {WORDS[(i // 3) % 8]} and {WORDS[(i // 5) % 8]}.</p>",
                    )
                    for i, a in zip(range(start, start + BATCH), made, strict=True)
                )
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE knowledge_articletranslation SET search_vector = "
                    "setweight(to_tsvector('english', title), 'A') || "
                    "setweight(to_tsvector('english', body), 'B') WHERE account_id = %s",
                    [account.pk],
                )
        # Statistics now, not when autovacuum gets to it: planned on the empty tables'
        # (one article), the search joined the 7,711 matches to every article one by one
        # and scenario 5k timed out (30 s) on a fresh copy of the 1M database.
        with connection.cursor() as cursor:
            for table in ("category", "section", "article", "articletranslation"):
                cursor.execute(f"ANALYZE knowledge_{table}")
    return {"kb_article": first_article(account)}


def first_article(account) -> int:
    """Scenario 5l's article (a read: bench.cpu looks it up; 0 drops 5l there when
    bench.run has not loaded the articles)."""
    from knowledge.models import Article

    articles = Article.objects.for_account(account)
    return articles.order_by("number").values_list("number", flat=True).first() or 0


def knowledge_scenarios(ctx: dict) -> list[dict]:
    return [
        {
            "key": "5k",
            "name": f"HC article search ({ARTICLES:,} articles)",
            "path": "/hc/kb/search/?q=invoice+refund",
            "role": "requester",
        },
        {
            "key": "5l",
            "name": "HC article page",
            "path": f"/hc/kb/articles/{ctx['kb_article']}/",
            "role": "requester",
        },
    ]
