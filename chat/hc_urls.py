"""The help center's chat widget endpoints, under /hc/chat/ (numbers, never pks)."""

from django.urls import path

from chat import hc_views

app_name = "hc_chat"

urlpatterns = [
    path("widget/", hc_views.widget, name="widget"),
    path("status/", hc_views.status, name="status"),
    path("start/", hc_views.start, name="start"),
    path("message/", hc_views.leave_message, name="leave_message"),
    path("<int:number>/", hc_views.poll, name="poll"),
    path("<int:number>/post/", hc_views.post, name="post"),
    path("<int:number>/files/<int:file_number>/", hc_views.file, name="file"),
    path("<int:number>/typing/", hc_views.typing, name="typing"),
    path("<int:number>/read/", hc_views.read, name="read"),
    path("<int:number>/end/", hc_views.end, name="end"),
]
