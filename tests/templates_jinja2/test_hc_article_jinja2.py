"""The knowledge base's article page in the help center in Jinja2 (issue 17: templates/
jinja2/knowledge/hc/article.html and its title).

The page printed what the DTL page printed, whitespace folded, for the same context in
English, Italian and Spanish (Italian and Spanish shown the English article, with the
notice), with hostile values in what editors and visitors type (the account, the
category's and section's names, the article's title, body and labels, a related
article's title, the subject a suggestion was opened from): a requester reading it, after
a Yes and a No vote, opened from a suggestion while writing a request, an editor (the
Edit link), an anonymous visitor (18 cases, at f7d198a). The page exists in Jinja2 only
now; this test checks that it escapes and speaks the visitor's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from knowledge import services
from tests.knowledge.conftest import make_article
from tests.security.test_hostile_values_escaped import ESCAPED, HOSTILE, unescaped
from tests.security.test_hostile_values_escaped import hostile as hostile  # the fixture

LANGUAGES = ["en", "it", "es"]
PAGE = "knowledge/hc/article.html"
CASES = {
    # case: a mark of the case
    "reader": 'id="kb-vote-title"',
    "voted-yes": 'role="status"',
    "voted-no": 'role="status"',
    "suggested": 'hx-trigger="load"',
    "editor": "btn-small",
    "anonymous": 'id="kb-vote-title"',
}


@pytest.fixture
def kb(acme, hostile):
    admin = hostile["admin"]
    category = services.category_save(
        editor=admin, locale="en", name=f"Cat {HOSTILE}", description=f"About {HOSTILE}"
    )
    section = services.section_save(
        editor=admin, category=category, locale="en", name=f"Sec {HOSTILE}"
    )
    body = f"<p>Body {HOSTILE}</p><script>alert(1)</script><img src=x onerror=alert(2)>"
    article = make_article(admin, title=f"Title {HOSTILE}", body=body, section=section)
    services.article_update(
        article=article,
        editor=admin,
        locale="en",
        title=f"Title {HOSTILE}",
        body=body,
        labels=f"lab{HOSTILE}, printer",
    )
    related = make_article(admin, title=f"Related {HOSTILE}", section=section)
    services.article_update(
        article=related,
        editor=admin,
        locale="en",
        title=f"Related {HOSTILE}",
        body="<p>x</p>",
        labels="printer",
    )
    return {**hostile, "article": article, "related": related}


def _response(client_for, acme, kb, case, language):
    url = f"/hc/kb/articles/{kb['article'].number}/"
    if case == "anonymous":
        return client_for(account=acme).get(url, HTTP_ACCEPT_LANGUAGE=language)
    user = kb["admin"] if case == "editor" else kb["requester"]
    user.locale = language
    user.save()
    client = client_for(user)
    if case.startswith("voted-"):
        vote = case.split("-")[1]
        return client.post(f"{url}vote/", {"helpful": vote}, follow=True)
    if case == "suggested":
        return client.get(url, {"suggested": "1", "subject": f"Sub {HOSTILE}</script>"})
    return client.get(url)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", list(CASES))
def test_the_article_page_escapes_and_speaks_the_visitors_language(
    client_for, acme, kb, language, case
):
    response = _response(client_for, acme, kb, case, language)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    assert [t.name for t in response.templates][:1] == [PAGE]
    jinja = response.text
    assert not unescaped(jinja) and ESCAPED in jinja
    assert "<p>Body " in jinja and "Related &lt;script&gt;" in jinja  # the body as nh3 kept it
    assert CASES[case] in jinja
    with translation.override(language):
        assert translation.gettext("Knowledge base") in jinja
        fallback = translation.gettext(
            "This article is not available in your language yet; it is shown in another language."
        )
    assert (fallback in jinja) is (language != "en")
