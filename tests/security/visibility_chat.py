"""Live chat's part of the visibility property (issue 28): end users chat (an agent
answers; some chats end, their transcript ticket then gets an internal note); each end
user's widget follows their own chats only (another's answers 404, whatever its state),
and the internal notes on a chat's ticket join the texts no end user may ever get. Some
chats carry files (one from each side, their content a marker): the chat's visitor
downloads them from /hc/chat/<number>/files/<file>/, every other end user gets a 404."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from chat.models import Chat, ChatAttachment
from chat.services.core import chat_end, message_post
from tickets.services import comment_add


class ChatRules:
    @rule(who=st.integers(min_value=0, max_value=2), end=st.booleans(), attach=st.booleans())
    def end_user_chats(self, who, end, attach):
        from tests.security.test_visibility_properties import marker

        user = self.end_users[who]
        chat = Chat.objects.create(account=self.account, visitor=user)
        said = [marker("chatvisitor"), marker("chatagent")]
        sent = [marker("chatfilev"), marker("chatfilea")] if attach else ["", ""]

        def files(content):
            return [SimpleUploadedFile(f"{content}.txt", content.encode())] if content else []

        message_post(chat=chat, author=user, body=said[0], kind="visitor", uploads=files(sent[0]))
        message_post(
            chat=chat, author=self.agent, body=said[1], kind="agent", uploads=files(sent[1])
        )
        downloads = [
            (row.number, row.filename.removesuffix(".txt"))
            for row in ChatAttachment.objects.for_account(self.account).filter(chat=chat)
        ]
        if end:
            chat = chat_end(chat=chat, actor=user)
            note = marker("chatnote")
            comment_add(ticket=chat.ticket, author=self.agent, body=note, public=False)
            self.internal_texts.append(note)
        self.chats = [*getattr(self, "chats", []), (chat.number, user.pk, said)]
        self.chat_files = [*getattr(self, "chat_files", []), (chat.number, user.pk, downloads)]

    @invariant()
    def end_users_follow_only_their_own_chats(self):
        if not getattr(self, "end_users", None):
            return
        hidden = self._hidden_now()
        for user in self.end_users:
            web = self.web[user.pk]
            for number, owner, said in getattr(self, "chats", []):
                response = web.get(f"/hc/chat/{number}/")
                text = response.content.decode()
                if owner == user.pk:
                    assert response.status_code == 200, (user.email, number)
                    assert all(s in text for s in said)
                else:
                    assert response.status_code == 404, (user.email, number)
                leaked = [h for h in hidden if h in text]
                assert not leaked, f"{user.email} got {leaked} from chat {number}"

    @invariant()
    def end_users_download_only_their_own_chats_files(self):
        if not getattr(self, "end_users", None):
            return
        for user in self.end_users:
            web = self.web[user.pk]
            for number, owner, downloads in getattr(self, "chat_files", []):
                for file_number, content in downloads:
                    response = web.get(f"/hc/chat/{number}/files/{file_number}/")
                    if owner == user.pk:
                        assert response.status_code == 200, (user.email, number, file_number)
                        assert b"".join(response.streaming_content) == content.encode()
                    else:
                        assert response.status_code == 404, (user.email, number, file_number)
