"""The knowledge base's part of the visibility property (issue 25): agents write
articles, some internal (agents only) or left as drafts; their titles and bodies are
never in anything an end user gets from the help center's pages, search and
suggestions."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from knowledge import services


class KnowledgeRules:
    kb_section = None

    @rule(
        visibility=st.sampled_from(["everyone", "signed_in", "agents"]),
        publish=st.booleans(),
    )
    def admin_writes_article(self, visibility, publish):
        from tests.security.test_visibility_properties import marker

        if self.kb_section is None:
            category = services.category_save(editor=self.admin, locale="en", name="Guides")
            self.kb_section = services.section_save(
                editor=self.admin, category=category, locale="en", name="Basics"
            )
        hidden = visibility == "agents" or not publish
        title = marker("kbinternal" if hidden else "kbpublic")
        article = services.article_create(
            editor=self.admin,
            section=self.kb_section,
            locale="en",
            title=title,
            body=f"<p>{title}body</p>",
            visibility=visibility,
        )
        if publish:
            services.article_set_status(article=article, editor=self.admin, status="published")
        if hidden:
            self.agent_only_texts += [title, f"{title}body"]
        elif visibility == "signed_in":
            self.kb_signed_in_texts = [*getattr(self, "kb_signed_in_texts", []), title]
        self.kb_numbers = [*getattr(self, "kb_numbers", []), article.number]

    def knowledge_paths(self, word: str) -> list[str]:
        paths = ["/hc/kb/", f"/hc/kb/search/?q={word}", f"/hc/kb/suggest/?subject={word}"]
        if self.kb_section is not None:
            paths.append(f"/hc/kb/sections/{self.kb_section.number}/")
        return paths + [f"/hc/kb/articles/{n}/" for n in getattr(self, "kb_numbers", [])]

    @invariant()
    def anonymous_visitors_read_only_public_articles(self):
        """The help center's home (/hc/ is the knowledge base's public home once there
        are public articles) and the knowledge base's pages, for a visitor who is not
        signed in: no signed-in-only, internal or draft article, no request of anyone's."""
        from tests.conftest import TenantClient
        from tests.security.test_visibility_properties import WORD

        if not getattr(self, "end_users", None):
            return
        hidden = self._hidden_now() + getattr(self, "kb_signed_in_texts", [])
        hidden += list(self.subject_of.values())
        visitor = TenantClient(self.account)
        for path in ["/hc/", *self.knowledge_paths(WORD)]:
            response = visitor.get(path)
            assert response.status_code < 500, (path, response.status_code)
            text = response.content.decode()
            leaked = [h for h in hidden if h in text]
            assert not leaked, f"an anonymous visitor got {leaked} from {path}"
