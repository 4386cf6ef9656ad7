"""The knowledge base's part of the visibility property (issue 25): agents write
articles, some internal (agents only) or left as drafts; their titles and bodies are
never in anything an end user gets from the help center's pages, search and
suggestions."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import rule

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
        self.kb_numbers = [*getattr(self, "kb_numbers", []), article.number]

    def knowledge_paths(self, word: str) -> list[str]:
        paths = ["/hc/kb/", f"/hc/kb/search/?q={word}", f"/hc/kb/suggest/?subject={word}"]
        if self.kb_section is not None:
            paths.append(f"/hc/kb/sections/{self.kb_section.number}/")
        return paths + [f"/hc/kb/articles/{n}/" for n in getattr(self, "kb_numbers", [])]
