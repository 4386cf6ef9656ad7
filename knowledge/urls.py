from django.urls import path

from knowledge import editor_views, link_views, settings_views

app_name = "knowledge"

urlpatterns = [
    path("agent/settings/knowledge/", settings_views.knowledge_settings, name="settings"),
    path("agent/knowledge/", editor_views.editor_home, name="home"),
    path("agent/knowledge/articles/new/", editor_views.article_new, name="article_new"),
    path(
        "agent/knowledge/articles/from-ticket/<int:number>/<int:comment>/",
        editor_views.article_new,
        name="article_from_ticket",
    ),
    path("agent/knowledge/articles/<int:number>/", editor_views.article_edit, name="article"),
    path(
        "agent/knowledge/articles/<int:number>/status/",
        editor_views.article_status,
        name="article_status",
    ),
    path(
        "agent/knowledge/articles/<int:number>/revisions/",
        editor_views.article_revisions,
        name="revisions",
    ),
    path(
        "agent/knowledge/articles/<int:number>/revisions/<int:revision>/restore/",
        editor_views.revision_restore,
        name="revision_restore",
    ),
    path("agent/knowledge/categories/new/", editor_views.category_edit, name="category_new"),
    path("agent/knowledge/categories/<int:number>/", editor_views.category_edit, name="category"),
    path("agent/knowledge/sections/new/", editor_views.section_edit, name="section_new"),
    path("agent/knowledge/sections/<int:number>/", editor_views.section_edit, name="section"),
    path("agent/knowledge/links/", link_views.article_links, name="links"),
]
