"""The Help Center API's routes (issue 25, Zendesk Guide's paths), beside the API's own;
each with and without a locale (``/help_center/it/articles.json``) and ``.json``."""

from django.urls import register_converter

from api.urls import json_path
from knowledge import api as views


class LocaleConverter:
    # A language code as Zendesk writes them (en, it, es, en-us); unknown ones are 404.
    regex = "[a-zA-Z]{2}(?:-[a-zA-Z]{2})?"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(LocaleConverter, "hclocale")

app_name = "help_center_api"


def both(route: str, view, name: str) -> list:
    """The route without a locale, then with one."""
    return [
        *json_path(f"help_center/{route}", view, name),
        *json_path(f"help_center/<hclocale:locale>/{route}", view, f"{name}_locale"),
    ]


urlpatterns = [
    *both("articles/search", views.ArticleSearch.as_view(), "article_search"),
    *both("articles", views.ArticleList.as_view(), "articles"),
    *both("articles/<num:number>", views.ArticleDetail.as_view(), "article"),
    *both("sections/<num:number>/articles", views.SectionArticles.as_view(), "section_articles"),
    *both("sections", views.SectionList.as_view(), "sections"),
    *both("categories", views.CategoryList.as_view(), "categories"),
]
