from django.urls import path

from assist import views

app_name = "assist"

urlpatterns = [
    path(
        "agent/tickets/<int:number>/assist/<str:feature>/",
        views.assist_request,
        name="request",
    ),
    path("agent/tickets/<int:number>/assist/", views.assist_tools, name="tools"),
    path("agent/assist/<str:token>/", views.assist_result, name="result"),
    path("agent/settings/writing-help/", views.assist_settings, name="settings"),
]
