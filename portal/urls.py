from django.urls import path

from portal import satisfaction_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:number>/", views.request_detail, name="request"),
    path("requests/<int:number>/close/", views.request_close, name="request_close"),
    path("requests/<int:number>/feedback/", views.request_feedback, name="request_feedback"),
    path(
        "requests/<int:number>/support-access/",
        views.request_support_access,
        name="request_support_access",
    ),
    # The satisfaction survey email's links (no sign-in: the signed token is the claim).
    path("satisfaction/<str:token>/", satisfaction_views.satisfaction, name="satisfaction"),
    path(
        "satisfaction/<str:token>/<str:choice>/",
        satisfaction_views.satisfaction_choice,
        name="satisfaction_choice",
    ),
    path(
        "requests/<int:number>/attachments/<str:token>/",
        views.attachment_download,
        name="attachment",
    ),
]
