"""The help center's article search as production runs it (issue 25): as the application
role, under row-level security. ``@@`` is not LEAKPROOF, so the matches come from the
SECURITY DEFINER function of knowledge/migrations/0003 (ids of the session's account,
from the GIN index kb_translation_search); the rows are read under the policy."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import ProgrammingError, connection, transaction

from accounts import dbsession
from knowledge.models import Article, ArticleTranslation
from knowledge.selectors import search_articles
from tests.factories import AdminFactory
from tests.knowledge.conftest import make_article
from tests.security.conftest import raw_rows

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's RLS")

CALL = "SELECT search_article_translation_ids(%s, plainto_tsquery('italian', 'stampante'))"


def gin_scans() -> int:
    return raw_rows("SELECT pg_stat_get_xact_numscans('kb_translation_search'::regclass)")[0][0]


@pytest.fixture
def italian_in_both(acme, globex, acme_admin):
    mine = make_article(acme_admin, locale="it", title="Configurare le stampanti")
    make_article(AdminFactory(account=globex), locale="it", title="Stampanti di Globex")
    # Enough of the account's rows that its btree indexes are no shortcut.
    fillers = Article.objects.bulk_create(
        Article(account=acme, section=mine.section, number=1000 + n, status="published")
        for n in range(2000)
    )
    ArticleTranslation.objects.bulk_create(
        ArticleTranslation(account=acme, article=a, locale="it", title=f"Riempitivo {a.number}")
        for a in fillers
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE knowledge_articletranslation SET search_vector = "
            "to_tsvector('italian', title) WHERE search_vector IS NULL"
        )
        cursor.execute("SELECT gin_clean_pending_list('kb_translation_search'::regclass)")
        cursor.execute("ANALYZE knowledge_articletranslation")
        cursor.execute("SET enable_seqscan = off")
    yield mine
    with connection.cursor() as cursor:
        cursor.execute("RESET enable_seqscan")


def test_article_search_as_the_application_role_uses_the_index_and_stays_in_the_account(
    acme, italian_in_both, as_app_role
):
    with dbsession.account_context(acme):
        before = gin_scans()
        hits = search_articles(account=acme, viewer=AnonymousUser(), locale="it", query="stampante")
        assert gin_scans() > before
    assert [h.article for h in hits] == [italian_in_both]
    assert raw_rows("SELECT current_user")[0][0] == as_app_role.name


def test_a_search_outside_any_account_still_runs_for_the_accounts(acme, italian_in_both):
    hits = search_articles(account=acme, viewer=AnonymousUser(), locale="it", query="stampante")
    assert [h.article for h in hits] == [italian_in_both]


def test_the_function_answers_only_for_the_sessions_account(acme, globex, italian_in_both):
    refused = pytest.raises(ProgrammingError, match="while working for account")
    with dbsession.account_context(acme):
        assert len(raw_rows(CALL, [acme.pk])) == 1
        with refused, transaction.atomic():
            raw_rows(CALL, [globex.pk])
    with refused, transaction.atomic():
        raw_rows(CALL, [acme.pk])
