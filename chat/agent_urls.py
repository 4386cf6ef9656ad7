from django.urls import path

from chat import agent_views as views

app_name = "chatdesk"

urlpatterns = [
    path("agent/chats/", views.workspace, name="workspace"),
    path("agent/chats/queue/", views.queue_poll, name="queue"),
    path("agent/chats/availability/", views.availability, name="availability"),
    path("agent/chats/<int:number>/", views.chat_poll, name="chat_poll"),
    path("agent/chats/<int:number>/accept/", views.accept, name="accept"),
    path("agent/chats/<int:number>/messages/", views.post, name="post"),
    path("agent/chats/<int:number>/files/<int:file_number>/", views.file, name="file"),
    path("agent/chats/<int:number>/typing/", views.typing, name="typing"),
    path("agent/chats/<int:number>/seen/", views.seen, name="seen"),
    path("agent/chats/<int:number>/invite/", views.invite, name="invite"),
    path("agent/chats/<int:number>/transfer/", views.transfer, name="transfer"),
    path("agent/chats/<int:number>/leave/", views.leave, name="leave"),
    path("agent/chats/<int:number>/end/", views.end, name="end"),
    path("agent/tickets/<int:number>/chat/", views.start_from_ticket, name="start_from_ticket"),
]
