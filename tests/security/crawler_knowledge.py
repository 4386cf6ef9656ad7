"""The knowledge base's part of the crawler's scenario (issue 25): in acme a public, a
signed-in, an internal and a draft article in one section, a second revision of the
public one; in globex more articles than acme's, so its numbers are beyond acme's."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from knowledge import services
from knowledge.models import Article, ArticleImage, ArticleRevision, Category, Section
from tests.factories import AdminFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def build_knowledge(acme, globex, *, admin, internal_marker, globex_marker) -> dict:
    category = services.category_save(editor=admin, locale="en", name="Acme guides")
    section = services.section_save(editor=admin, category=category, locale="en", name="Basics")

    def article(title, visibility, publish=True):
        found = services.article_create(
            editor=admin,
            section=section,
            locale="en",
            title=title,
            body="<p>Body</p>",
            visibility=visibility,
            images=[SimpleUploadedFile("shot.png", PNG, content_type="image/png")],
        )
        if publish:
            services.article_set_status(article=found, editor=admin, status="published")
        return found

    public = article("Public guide", "everyone")
    services.article_update(
        article=public, editor=admin, locale="en", title="Public guide", body="<p>Second</p>"
    )
    signed_in = article("Customers' guide", "signed_in")
    internal = article(f"{internal_marker} internal guide", "agents")
    draft = article("Draft guide", "everyone", publish=False)

    globex_admin = AdminFactory(account=globex, email="kb-admin@globex.example")
    globex_category = services.category_save(editor=globex_admin, locale="en", name="G")
    services.category_save(editor=globex_admin, locale="en", name=f"{globex_marker} c")
    globex_section = services.section_save(
        editor=globex_admin, category=globex_category, locale="en", name="G"
    )
    services.section_save(
        editor=globex_admin, category=globex_category, locale="en", name=f"{globex_marker} s"
    )
    for i in range(6):
        services.article_set_status(
            article=services.article_create(
                editor=globex_admin,
                section=globex_section,
                locale="en",
                title=f"{globex_marker} secret guide {i}",
                body=f"<p>{globex_marker}</p>",
                images=[SimpleUploadedFile("g.png", PNG, content_type="image/png")],
            ),
            editor=globex_admin,
            status="published",
        )

    def last(model):
        return model.objects.for_account(globex).order_by("number").last().number

    def image(found):
        return ArticleImage.objects.for_account(found.account).get(article=found).token

    return {
        "kb_image_public": image(public),
        "kb_image_signed_in": image(signed_in),
        "kb_image_internal": image(internal),
        "kb_image_draft": image(draft),
        "globex_kb_image": ArticleImage.objects.for_account(globex).first().token,
        "kb_category": category.number,
        "kb_section": section.number,
        "kb_public": public.number,
        "kb_signed_in": signed_in.number,
        "kb_internal": internal.number,
        "kb_draft": draft.number,
        "kb_revision": public.revisions.order_by("number").first().number,
        "kb_other_revision": internal.revisions.get().number,
        "globex_kb_category": last(Category),
        "globex_kb_section": last(Section),
        "globex_kb_article": last(Article),
        "globex_kb_revision": last(ArticleRevision),
    }


def build_capture(ids: dict, *, admin) -> dict:
    """Knowledge capture's tickets: acme's "other" request solved with a public answer
    (its 2nd comment) after an internal note (its 3rd), globex's ticket solved with an
    answer too (the same places)."""
    from accounts.models import User
    from tickets.services import comment_add

    other, globex_ticket = ids["other"], ids["globex_ticket"]
    globex_agent = (
        User.objects.for_account(globex_ticket.account)
        .filter(role__in=[User.Role.AGENT, User.Role.ADMIN])
        .earliest("pk")
    )
    for ticket, author in ((other, admin), (globex_ticket, globex_agent)):
        comment_add(ticket=ticket, author=author, body="Restart the printer.", public=True)
        comment_add(ticket=ticket, author=author, body="Note", public=False, status="solved")
    return {"capture_ticket": other.number, "globex_capture_ticket": globex_ticket.number}
