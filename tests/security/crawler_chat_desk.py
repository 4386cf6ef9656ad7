"""The agents' chat workspace's part of the crawler (issue 28): in acme a chat-enabled
group ("Chat desk", the plain agent in it, available), a chat waiting for it and one the
agent has accepted; in globex more chats than acme's, so its number is beyond acme's.
The admin sees every chat; the light agent is in the desk too, and a waiting chat is
for whoever may take it (chat.access.agent_may_see: not a light agent), so neither is
theirs; the group agent is in no chat group: 404. Each
chat carries a file (the workspace's download, /agent/chats/<number>/files/<file>/):
the agent's chat's number with globex's file answers nobody."""

from __future__ import annotations

from django.db.models import Max

from accounts.models import GroupMembership
from accounts.services import group_create
from chat.models import AgentChatStatus, Chat, ChatGroup
from chat.services.agents import chat_accept
from tests.factories import EndUserFactory
from tests.security.crawler_chat import chat_file

CHAT_DESK_PROBES = {
    "queued": lambda i: {"number": i["chat_queued"]},
    "active": lambda i: {"number": i["chat_active"]},
    "globex": lambda i: {"number": i["globex_chat"]},
}
CHAT_DESK_FILE_PROBES = {
    "queued": lambda i: {"number": i["chat_queued"], "file_number": i["desk_file_queued"]},
    "active": lambda i: {"number": i["chat_active"], "file_number": i["desk_file_active"]},
    "globex": lambda i: {"number": i["globex_chat"], "file_number": i["desk_file_globex"]},
    # Child-object IDOR: a chat of theirs with another account's file number.
    "globex_via_active": lambda i: {
        "number": i["chat_active"],
        "file_number": i["desk_file_globex"],
    },
}
# The plain agent is on the desk; the admin sees every chat; the light agent is in the
# desk's group but takes no chat, so not even the waiting one is theirs; the group agent
# is in no chat group.
CHAT_DESK_READERS = {
    "agent": {"queued", "active"},
    "admin": {"queued", "active"},
    "light_agent": set(),
    "group_agent": set(),
}


def build_chat_desk(acme, globex, *, agent, light_agent, end_user) -> dict:
    desk = group_create(account=acme, name="Chat desk")
    ChatGroup.objects.create(account=acme, group=desk)
    GroupMembership.objects.create(account=acme, group=desk, user=agent)
    GroupMembership.objects.create(account=acme, group=desk, user=light_agent)
    AgentChatStatus.objects.create(account=acme, agent=agent, available=True)
    queued = Chat.objects.create(account=acme, visitor=end_user, group=desk)
    active = chat_accept(
        agent=agent, chat=Chat.objects.create(account=acme, visitor=end_user, group=desk)
    )
    highest = Chat.objects.for_account(acme).aggregate(n=Max("number"))["n"]
    globex_visitor = EndUserFactory(account=globex, email="chat@globex.example")
    globex_chat = Chat.objects.create(account=globex, visitor=globex_visitor)
    while globex_chat.number <= highest:
        globex_chat = Chat.objects.create(account=globex, visitor=globex_visitor)
    return {
        "chat_queued": queued.number,
        "chat_active": active.number,
        "globex_chat": globex_chat.number,
        "desk_file_queued": chat_file(queued, "queued.pdf"),
        "desk_file_active": chat_file(active, "active.pdf"),
        "desk_file_globex": chat_file(globex_chat, "desk-globex.pdf"),
    }
