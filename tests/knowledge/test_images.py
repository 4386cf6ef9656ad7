"""Images in article bodies (issue 25): uploaded to the account under the tickets'
attachment rules, kept in a body only when they are the account's own, and served as
tickets' files to whoever may read the article."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from knowledge import services
from knowledge.models import ArticleImage, ArticleTranslation
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def png(name="diagram.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


def test_editor_uploads_an_image_into_the_body_and_readers_get_it(
    acme, acme_admin, acme_user, client_for, article_factory
):
    article = article_factory(acme_admin, visibility="signed_in")
    admin = client_for(acme_admin)
    response = admin.post(
        f"/agent/knowledge/articles/{article.number}/?locale=en",
        {
            "title": "Resetting your password",
            "body": "<p>Step one</p>",
            "section": article.section.number,
            "visibility": "signed_in",
            "images": [png()],
        },
    )
    assert response.status_code == 302
    image = ArticleImage.objects.for_account(acme).get()
    assert image.article == article
    body = ArticleTranslation.objects.for_account(acme).get(article=article).body
    assert f'<img src="/hc/kb/images/{image.token}/"' in body
    url = f"/hc/kb/images/{image.token}/"
    served = client_for(acme_user).get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == PNG
    # Signed-in readers only: an anonymous visitor is told nothing.
    assert client_for(account=acme).get(url).status_code == 404


def test_a_drafts_image_is_for_editors_only(acme, acme_admin, acme_agent, client_for):
    from tests.knowledge.conftest import make_article

    article = make_article(acme_admin, publish=False)
    services.article_update(
        article=article, editor=acme_admin, locale="en", title="T", body="", images=[png()]
    )
    url = f"/hc/kb/images/{ArticleImage.objects.for_account(acme).get().token}/"
    assert client_for(acme_agent).get(url).status_code == 404
    assert client_for(acme_admin).get(url).status_code == 200


def test_image_rules_are_the_attachments_rules(acme, acme_admin, article_factory):
    article = article_factory(acme_admin)

    def save(upload):
        services.article_update(
            article=article, editor=acme_admin, locale="en", title="T", body="", images=[upload]
        )

    with pytest.raises(ValidationError, match="does not look like"):
        save(png(content=b"<svg onload=alert(1)>"))
    with pytest.raises(ValidationError, match="not an allowed file type"):
        save(SimpleUploadedFile("x.svg", b"<svg/>", content_type="image/svg+xml"))
    with pytest.raises(ValidationError, match="Only PNG, JPEG and GIF"):
        save(SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain"))
    article.account.max_attachment_size_kb = 1  # the account the service reads
    article.account.save()
    with pytest.raises(ValidationError, match="larger than"):
        save(png(content=PNG + b"\x00" * 2048))
    assert not ArticleImage.objects.for_account(acme).exists()


def test_body_keeps_only_the_accounts_own_image_sources(acme, acme_admin, article_factory):
    article = article_factory(
        acme_admin,
        body=(
            '<p><img src="https://tracker.example/pixel.gif" alt="a">'
            '<img src="data:image/png;base64,AAAA" alt="b">'
            '<img src="//evil.example/hc/kb/images/abcdefghijklmnopqrst/" alt="c">'
            '<img src="/hc/kb/images/abcdefghijklmnopqrst/" alt="d" onerror="alert(1)"></p>'
        ),
    )
    body = ArticleTranslation.objects.for_account(acme).get(article=article).body
    assert "tracker.example" not in body
    assert "data:" not in body
    assert "evil.example" not in body
    assert "onerror" not in body
    assert '<img src="/hc/kb/images/abcdefghijklmnopqrst/" alt="d">' in body


def test_another_accounts_image_is_not_found(acme, globex, acme_admin, client_for):
    from tests.knowledge.conftest import make_article

    globex_admin = AdminFactory(account=globex)
    article = make_article(globex_admin)
    services.article_update(
        article=article, editor=globex_admin, locale="en", title="T", body="", images=[png()]
    )
    token = ArticleImage.objects.for_account(globex).get().token
    assert client_for(acme_admin).get(f"/hc/kb/images/{token}/").status_code == 404
    assert client_for(account=acme).get(f"/hc/kb/images/{token}/").status_code == 404
