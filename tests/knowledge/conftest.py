import pytest

from knowledge import services


def make_article(
    editor,
    *,
    title="Resetting your password",
    body="<p>Open the sign-in page and choose Forgot password.</p>",
    locale="en",
    visibility="everyone",
    publish=True,
    section=None,
    promoted=False,
):
    if section is None:
        category = services.category_save(editor=editor, locale="en", name="Getting started")
        section = services.section_save(
            editor=editor, category=category, locale="en", name="Your account"
        )
    article = services.article_create(
        editor=editor,
        section=section,
        locale=locale,
        title=title,
        body=body,
        visibility=visibility,
        promoted=promoted,
    )
    if publish:
        services.article_set_status(article=article, editor=editor, status="published")
    return article


@pytest.fixture
def article_factory():
    return make_article
