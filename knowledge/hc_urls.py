from django.urls import path

from knowledge import hc_views

app_name = "kb"

urlpatterns = [
    path("kb/", hc_views.kb_home, name="home"),
    path("kb/search/", hc_views.search, name="search"),
    path("kb/suggest/", hc_views.suggest, name="suggest"),
    path("kb/categories/<int:number>/", hc_views.category, name="category"),
    path("kb/sections/<int:number>/", hc_views.section, name="section"),
    path("kb/articles/<int:number>/", hc_views.article, name="article"),
    path("kb/articles/<int:number>/vote/", hc_views.article_vote, name="vote"),
    path("kb/images/<str:token>/", hc_views.image, name="image"),
    path("kb/articles/<int:number>/deflected/", hc_views.article_deflected, name="deflected"),
]
