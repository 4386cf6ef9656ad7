"""Files in a chat (issue 28: "attachments within the account's rules"): the visitor and
the agents on a chat attach files to a message under the ticket comments' rules (empty,
over-size and forbidden files refused with a reason, the message not written, so the
typed text stays in its box); both sides see name, size and link in their polls; the
download answers whoever may see the chat (the anonymous visitor by their session) as
an attachment, 404 to everyone else; the transcript's ticket comment carries the files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AgentRole, GroupMembership
from chat.models import Chat, ChatAttachment, ChatMessage
from chat.services.agents import chat_accept
from chat.services.core import message_post
from tests.factories import AgentFactory, EndUserFactory
from tickets.models import Attachment, Comment

pytestmark = pytest.mark.django_db

BASE = "/hc/chat/"
PDF = b"%PDF-1.4\n% a receipt\n"


def pdf(name="receipt.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def text_file(name="log.txt", content=b"line one\n"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


@pytest.fixture
def running(chat_desk, acme, acme_user, acme_agent):
    """acme's end user chatting with acme's agent (accepted)."""
    chat = Chat.objects.create(account=acme, visitor=acme_user, group=chat_desk)
    message_post(chat=chat, author=acme_user, body="Hello", kind="visitor")
    return chat_accept(agent=acme_agent, chat=chat)


def test_the_visitor_attaches_and_both_sides_see_the_file(
    running, acme, acme_user, acme_agent, client_for
):
    visitor = client_for(acme_user)
    reply = visitor.post(
        f"{BASE}{running.number}/post/", {"body": "Here it is", "files": [pdf(), text_file()]}
    )
    assert reply.status_code == 200, reply.content
    seq = reply.json()["seq"]
    rows = list(ChatAttachment.objects.for_account(acme).filter(chat=running))
    assert [(r.filename, r.size, r.content_type, r.uploader_id) for r in rows] == [
        ("receipt.pdf", len(PDF), "application/pdf", acme_user.pk),
        ("log.txt", 9, "text/plain", acme_user.pk),
    ]
    assert {r.message.seq for r in rows} == {seq}
    polled = visitor.get(f"{BASE}{running.number}/?after={seq - 1}").json()["messages"]
    assert polled[0]["body"] == "Here it is"
    files = polled[0]["files"]
    assert [(f["name"], f["size"]) for f in files] == [("receipt.pdf", len(PDF)), ("log.txt", 9)]
    assert files[0]["url"] == f"/hc/chat/{running.number}/files/{rows[0].number}/"
    download = visitor.get(files[0]["url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF
    # The agent's pane shows it too, with the workspace's own link.
    agent = client_for(acme_agent)
    pane = agent.get(
        f"/agent/chats/{running.number}/?after={seq - 1}", headers={"accept": "application/json"}
    ).json()
    agent_files = pane["messages"][0]["files"]
    assert agent_files[0]["url"] == f"/agent/chats/{running.number}/files/{rows[0].number}/"
    assert b"".join(agent.get(agent_files[0]["url"]).streaming_content) == PDF
    fragment = agent.get(f"/agent/chats/{running.number}/?after={seq - 1}").content.decode()
    assert "receipt.pdf" in fragment and agent_files[1]["url"] in fragment


def test_the_agent_attaches_a_file_alone_and_the_visitor_downloads_it(
    running, acme, acme_user, acme_agent, client_for
):
    agent = client_for(acme_agent)
    reply = agent.post(
        f"/agent/chats/{running.number}/messages/",
        {"body": "", "files": [pdf("guide.pdf")]},
        headers={"accept": "application/json"},
    )
    assert reply.json() == {"ok": True, "message": ""}
    message = ChatMessage.objects.for_account(acme).get(chat=running, seq=running.last_seq + 1)
    assert (message.kind, message.body) == ("agent", "")
    visitor = client_for(acme_user)
    files = visitor.get(f"{BASE}{running.number}/?after={message.seq - 1}").json()["messages"][0][
        "files"
    ]
    assert [f["name"] for f in files] == ["guide.pdf"]
    assert visitor.get(files[0]["url"]).status_code == 200


@pytest.mark.parametrize(
    "upload, reason",
    [
        (text_file("empty.txt", b""), "is empty"),
        (pdf("big.pdf", PDF + b"x" * 3000), "larger than 2 KB"),
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00"), "not an allowed file type"),
        (pdf("fake.pdf", b"<html>no</html>"), "does not look like"),
    ],
)
def test_refused_files_say_why_and_write_nothing(
    running, acme, acme_user, acme_agent, client_for, upload, reason
):
    acme.max_attachment_size_kb = 2
    acme.save()
    before = running.last_seq
    visitor = client_for(acme_user)
    reply = visitor.post(
        f"{BASE}{running.number}/post/", {"body": "My typed words", "files": [upload]}
    )
    assert reply.status_code == 400
    assert reason in reply.json()["message"]
    upload.seek(0)
    agent = client_for(acme_agent)
    refused = agent.post(
        f"/agent/chats/{running.number}/messages/",
        {"body": "Typed by the agent", "files": [upload]},
        headers={"accept": "application/json"},
    )
    assert refused.status_code == 400 and reason in refused.json()["message"]
    running.refresh_from_db()
    assert running.last_seq == before
    assert not ChatAttachment.objects.for_account(acme).exists()


def test_a_message_needs_text_or_a_file(running, acme_user, client_for):
    reply = client_for(acme_user).post(f"{BASE}{running.number}/post/", {"body": "  "})
    assert reply.status_code == 400


def test_the_download_is_nobody_elses(
    running, acme, acme_user, acme_agent, globex, globex_user, client_for
):
    message_post(chat=running, author=acme_user, body="", kind="visitor", uploads=[pdf()])
    row = ChatAttachment.objects.for_account(acme).get(chat=running)
    hc_url = f"{BASE}{running.number}/files/{row.number}/"
    agent_url = f"/agent/chats/{running.number}/files/{row.number}/"
    # Another end user of acme, anyone on globex, an anonymous visitor.
    assert client_for(EndUserFactory(account=acme)).get(hc_url).status_code == 404
    assert client_for(globex_user).get(hc_url).status_code == 404
    assert client_for(account=globex).get(hc_url).status_code == 404
    assert client_for(account=acme).get(hc_url).status_code == 404
    assert client_for(AgentFactory(account=globex)).get(agent_url).status_code == 404
    # A light agent in the chat's group, who is not on the chat.
    light_role = AgentRole.objects.for_account(acme).get(builtin="light_agent")
    light = AgentFactory(account=acme, agent_role=light_role)
    GroupMembership.objects.create(account=acme, group=running.group, user=light)
    assert client_for(light).get(agent_url).status_code == 404
    # The right chat with another chat's file number, and a file number beyond any.
    other = Chat.objects.create(account=acme, visitor=acme_user)
    assert client_for(acme_user).get(f"{BASE}{other.number}/files/{row.number}/").status_code == (
        404
    )
    assert client_for(acme_user).get(f"{BASE}{running.number}/files/999/").status_code == 404
    # An agent's session never downloads from the help center's chat endpoints.
    assert client_for(acme_agent).get(hc_url).status_code == 404
    assert client_for(acme_user).get(hc_url).status_code == 200


def test_the_anonymous_visitor_downloads_by_their_session_only(
    anonymous_chat_desk, acme, client_for
):
    visitor = client_for(account=acme)
    number = visitor.post(
        f"{BASE}start/", {"body": "Hello", "name": "Vera", "email": "vera@visitor.example"}
    ).json()["chat"]
    reply = visitor.post(f"{BASE}{number}/post/", {"body": "", "files": [pdf()]})
    assert reply.status_code == 200, reply.content
    url = visitor.get(f"{BASE}{number}/").json()["messages"][-1]["files"][0]["url"]
    assert visitor.get(url).status_code == 200
    chat = Chat.objects.for_account(acme).select_related("visitor").get(number=number)
    # Another browser, and the end user the given address names once signed in.
    assert client_for(account=acme).get(url).status_code == 404
    assert client_for(chat.visitor).get(url).status_code == 404


def test_the_transcript_ticket_carries_the_files(running, acme, acme_user, acme_agent, client_for):
    message_post(chat=running, author=acme_user, body="The bill", kind="visitor", uploads=[pdf()])
    message_post(
        chat=running, author=acme_agent, body="", kind="agent", uploads=[text_file("steps.txt")]
    )
    client_for(acme_user).post(f"{BASE}{running.number}/end/")
    running.refresh_from_db()
    comment = Comment.objects.for_account(acme).get(ticket=running.ticket)
    assert "(file: receipt.pdf)" in comment.body and "(file: steps.txt)" in comment.body
    copies = list(Attachment.objects.for_account(acme).filter(comment=comment))
    assert [(a.filename, a.size, a.uploader_id) for a in copies] == [
        ("receipt.pdf", len(PDF), acme_user.pk),
        ("steps.txt", 9, acme_agent.pk),
    ]
    ticket = running.ticket
    page = client_for(acme_agent).get(f"/agent/tickets/{ticket.number}/").content.decode()
    assert "receipt.pdf" in page and "steps.txt" in page
    request_page = client_for(acme_user).get(f"/hc/requests/{ticket.number}/").content.decode()
    assert "receipt.pdf" in request_page
    # Later messages' files go with the next transcript only.
    message_post(chat=running, author=acme_user, body="", kind="visitor", uploads=[pdf("b.pdf")])
    client_for(acme_user).post(f"{BASE}{running.number}/end/")
    later = Comment.objects.for_account(acme).filter(ticket=ticket).order_by("-id").first()
    assert [a.filename for a in later.attachments.all()] == ["b.pdf"]


def test_the_first_message_carries_files_under_the_same_rules(
    anonymous_chat_desk, acme, acme_user, client_for
):
    # Signed in: the start form's files go with the chat's first message.
    visitor = client_for(acme_user)
    reply = visitor.post(f"{BASE}start/", {"body": "See the receipt", "files": [pdf()]})
    assert reply.status_code == 200, reply.content
    chat = Chat.objects.for_account(acme).get(number=reply.json()["chat"])
    rows = list(ChatAttachment.objects.for_account(acme).filter(chat=chat))
    assert [(r.filename, r.message.seq, r.uploader_id) for r in rows] == [
        ("receipt.pdf", 1, acme_user.pk)
    ]

    # Anonymous, with a forbidden file: refused with the reason, nothing written.
    def counts():
        return tuple(
            m.objects.for_account(acme).count() for m in (Chat, ChatMessage, ChatAttachment)
        )

    before = counts()
    refused = client_for(account=acme).post(
        f"{BASE}start/",
        {
            "body": "Hi",
            "name": "Vera",
            "email": "vera@visitor.example",
            "files": [SimpleUploadedFile("run.exe", b"MZ\x90\x00")],
        },
    )
    assert refused.status_code == 400
    assert "not an allowed file type" in refused.json()["message"]
    assert counts() == before
    assert (
        not EndUserFactory._meta.model.objects.for_account(acme)
        .filter(email="vera@visitor.example")
        .exists()
    )
