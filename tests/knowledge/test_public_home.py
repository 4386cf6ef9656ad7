"""/hc/ for anonymous visitors (issue 25): the knowledge base's public home (search box,
categories, promoted articles, the sign-in link) when the account has public articles;
the sign-in page otherwise; signed-in users keep "My activities"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import TenantClient

pytestmark = pytest.mark.django_db


def test_without_public_articles_anonymous_visitors_sign_in(acme, acme_admin, article_factory):
    article_factory(acme_admin, title="Customers only", visibility="signed_in")
    article_factory(acme_admin, title="Not yet", publish=False)
    response = TenantClient(acme).get("/hc/")
    assert response.status_code == 302 and "/signin/" in response["Location"]


def test_anonymous_home_shows_public_articles_and_sign_in(acme, acme_admin, article_factory):
    public = article_factory(acme_admin, title="Reset your password", promoted=True)
    article_factory(
        acme_admin,
        title="Customers only",
        visibility="signed_in",
        promoted=True,
        section=public.section,
    )
    article_factory(
        acme_admin, title="Agents only", visibility="agents", promoted=True, section=public.section
    )
    response = TenantClient(acme).get("/hc/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"/hc/kb/articles/{public.number}/" in page and "Reset your password" in page
    assert "Customers only" not in page and "Agents only" not in page
    assert 'action="/hc/kb/search/"' in page
    assert page.count("/signin/") >= 2  # the header's link and the card's button
    assert "My activities" not in page


def test_signed_in_users_keep_my_activities(
    acme, acme_admin, acme_user, client_for, article_factory
):
    article_factory(acme_admin, title="Reset your password", promoted=True)
    page = client_for(acme_user).get("/hc/").content.decode()
    assert "My activities" in page and 'hx-get="/hc/kb/"' in page


def test_anonymous_home_query_count_is_fixed(acme, acme_admin, article_factory):
    first = article_factory(acme_admin, promoted=True)
    visitor = TenantClient(acme)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert visitor.get("/hc/").status_code == 200
        return len(captured)

    before = queries()
    for i in range(3):
        article_factory(acme_admin, title=f"More {i}", promoted=True, section=first.section)
    article_factory(acme_admin, title="Another category", promoted=True)
    assert queries() == before


def test_public_home_speaks_the_visitors_language(acme, acme_admin, article_factory):
    article_factory(acme_admin, promoted=True)
    page = TenantClient(acme).get("/hc/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Accedi" in page
