"""The knowledge base in the help center: who reads what, in which language, and what
the search finds."""

import pytest

from knowledge import services
from knowledge.models import ArticleVote, Deflection
from tickets.models import Channel
from tickets.services import ticket_create

pytestmark = pytest.mark.django_db

SECRET = "zanzibar-internal"


def test_anonymous_reads_public_article_without_signing_in(
    acme, acme_admin, client_for, article_factory
):
    article = article_factory(acme_admin)
    response = client_for(account=acme).get(f"/hc/kb/articles/{article.number}/")
    assert response.status_code == 200
    assert "Resetting your password" in response.content.decode()


@pytest.mark.parametrize(
    ("visibility", "anonymous", "end_user", "agent"),
    [
        ("everyone", 200, 200, 200),
        ("signed_in", 404, 200, 200),
        ("agents", 404, 404, 200),
    ],
)
def test_visibility_of_an_article_per_role(
    acme,
    acme_admin,
    acme_user,
    acme_agent,
    client_for,
    article_factory,
    visibility,
    anonymous,
    end_user,
    agent,
):
    article = article_factory(acme_admin, visibility=visibility, title=f"{SECRET} article")
    url = f"/hc/kb/articles/{article.number}/"
    assert client_for(account=acme).get(url).status_code == anonymous
    assert client_for(acme_user).get(url).status_code == end_user
    assert client_for(acme_agent).get(url).status_code == agent


def test_internal_article_never_listed_or_found_for_end_users(
    acme, acme_admin, acme_user, client_for, article_factory
):
    article = article_factory(acme_admin, visibility="agents", title=f"{SECRET} refunds")
    for client in (client_for(account=acme), client_for(acme_user)):
        for url in (
            "/hc/kb/",
            f"/hc/kb/sections/{article.section.number}/",
            f"/hc/kb/categories/{article.section.category.number}/",
            "/hc/kb/search/?q=zanzibar",
            "/hc/kb/search/?q=refunds",
        ):
            assert SECRET not in client.get(url).content.decode(), url


def test_drafts_and_archived_articles_are_not_found(
    acme, acme_admin, acme_agent, client_for, article_factory
):
    draft = article_factory(acme_admin, publish=False)
    archived = article_factory(acme_admin)
    services.article_set_status(article=archived, editor=acme_admin, status="archived")
    for number in (draft.number, archived.number):
        assert client_for(acme_agent).get(f"/hc/kb/articles/{number}/").status_code == 404


def test_another_accounts_article_is_not_found(
    acme, globex, acme_admin, client_for, article_factory
):
    from tests.factories import AdminFactory

    globex_admin = AdminFactory(account=globex)
    article = article_factory(globex_admin, title=f"{SECRET} globex")
    acme_client = client_for(acme_admin)
    assert acme_client.get(f"/hc/kb/articles/{article.number + 100}/").status_code == 404
    assert acme_client.get(f"/agent/knowledge/articles/{article.number + 100}/").status_code == 404
    assert SECRET not in acme_client.get("/hc/kb/search/?q=zanzibar").content.decode()


def test_visitor_reads_their_language_with_fallback_and_notice(
    acme, acme_admin, client_for, article_factory
):
    article = article_factory(acme_admin, title="Reset the password")
    services.article_update(
        article=article,
        editor=acme_admin,
        locale="it",
        title="Reimpostare la password",
        body="<p>Apri</p>",
    )
    client = client_for(account=acme)
    italian = client.get(
        f"/hc/kb/articles/{article.number}/", HTTP_ACCEPT_LANGUAGE="it"
    ).content.decode()
    assert "Reimpostare la password" in italian
    assert "non è ancora disponibile" not in italian
    spanish = client.get(
        f"/hc/kb/articles/{article.number}/", HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "Reset the password" in spanish  # the account's default, English
    assert "todavía no está disponible" in spanish


def test_italian_article_found_by_an_inflected_italian_word(
    acme, acme_admin, client_for, article_factory
):
    article_factory(
        acme_admin,
        locale="it",
        title="Come configurare le stampanti",
        body="<p>Le stampanti di rete si configurano dal pannello.</p>",
    )
    client = client_for(account=acme)
    found = client.get("/hc/kb/search/?q=stampante", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "configurare" in found and "<mark>" in found
    english = client.get("/hc/kb/search/?q=stampante", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "configurare" not in english


def test_search_pages_through_results(acme, acme_admin, client_for, article_factory):
    first = article_factory(acme_admin, title="Invoice 0")
    for i in range(1, 22):
        article_factory(acme_admin, title=f"Invoice {i}", section=first.section)
    client = client_for(account=acme)
    page1 = client.get("/hc/kb/search/?q=invoice").content.decode()
    page2 = client.get("/hc/kb/search/?q=invoice&page=2").content.decode()
    assert page1.count("hc-result-title") == 20
    assert page2.count("hc-result-title") == 2
    assert client.get("/hc/kb/search/?q=invoice&page=x").status_code == 200


def test_suggestions_while_typing_a_subject_then_deflection(
    acme, acme_admin, acme_user, client_for, article_factory
):
    article = article_factory(acme_admin, title="Printer offline after update")
    client = client_for(acme_user)
    html = client.get(
        "/hc/kb/suggest/?subject=printer offline", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f"/hc/kb/articles/{article.number}/?suggested=1" in html
    assert 'hx-get="/hc/kb/suggest/"' in client.get("/hc/requests/new/").content.decode()
    page = client.get(
        f"/hc/kb/articles/{article.number}/?suggested=1&subject=printer"
    ).content.decode()
    assert f"/hc/kb/articles/{article.number}/deflected/" in page
    assert (
        client.post(
            f"/hc/kb/articles/{article.number}/deflected/", {"subject": "printer"}
        ).status_code
        == 204
    )
    assert Deflection.objects.for_account(acme).count() == 1
    admin_page = client_for(acme_admin).get("/agent/knowledge/").content.decode()
    assert "printer" in admin_page


def test_submitting_the_request_after_all_takes_the_deflection_back(
    acme, acme_admin, acme_user, article_factory
):
    article = article_factory(acme_admin)
    services.deflection_record(article=article, user=acme_user, subject="Password")
    ticket_create(
        account=acme,
        submitter=acme_user,
        subject="Password",
        body="Still stuck",
        channel=Channel.PORTAL,
    )
    assert Deflection.objects.for_account(acme).count() == 0


def test_one_vote_per_user_or_browser(acme, acme_admin, acme_user, client_for, article_factory):
    article = article_factory(acme_admin)
    url = f"/hc/kb/articles/{article.number}/vote/"
    user_client = client_for(acme_user)
    user_client.post(url, {"helpful": "yes"})
    user_client.post(url, {"helpful": "no"})
    browser = client_for(account=acme)
    response = browser.post(url, {"helpful": "yes"})
    assert (
        "That’s great! Thank you for your feedback!"
        in browser.get(response["Location"]).content.decode()
    )
    browser.post(url, {"helpful": "yes"})
    votes = ArticleVote.objects.for_account(acme)
    assert votes.count() == 2
    assert votes.filter(helpful=False).count() == 1
    assert client_for(account=acme).post(url, {"helpful": "maybe"}).status_code == 302


def test_my_activities_gets_the_knowledge_base_panel_alone(
    acme, acme_admin, acme_user, client_for, article_factory
):
    """htmx loads the panel into "My activities": a fragment, not a page whose head (a
    <style> under another response's nonce) the page's CSP would refuse."""
    article = article_factory(acme_admin, promoted=True)
    client = client_for(acme_user)
    assert 'hx-get="/hc/kb/"' in client.get("/hc/").content.decode()
    panel = client.get("/hc/kb/", headers={"HX-Request": "true"})
    body = panel.content.decode()
    assert body.lstrip().startswith('<div id="kb-home-panel"'), body[:200]
    assert "<style" not in body and "<html" not in body
    assert f"/hc/kb/articles/{article.number}/" in body
    assert "HX-Request" in panel["Vary"]
    assert "<html" in client.get("/hc/kb/").content.decode()
