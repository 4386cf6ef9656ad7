"""Demo articles for ``manage.py seed_demo``: a small knowledge base in English, Italian
and Spanish, so the help center's search and the request form's suggestions show
something on ``make run``. Written through the services (sanitised, searchable, with a
first revision each).

Idempotent: an account that already has a category is left alone."""

from __future__ import annotations

from accounts.models import Account, User
from knowledge.models import Category, Section, Status, Visibility
from knowledge.services import (
    article_create,
    article_set_status,
    article_update,
    category_save,
    section_save,
)

ADMIN = "admin@demo.example"

CATEGORY = {
    "en": "Getting started",
    "it": "Per iniziare",
    "es": "Primeros pasos",
}
SECTIONS = {
    "billing": {"en": "Billing", "it": "Fatturazione", "es": "Facturación"},
    "account": {"en": "Your account", "it": "Il tuo account", "es": "Tu cuenta"},
}
# (section, visibility, promoted, {locale: (title, body)})
ARTICLES = [
    (
        "billing",
        Visibility.EVERYONE,
        True,
        {
            "en": (
                "How to change the billing address",
                "<p>Open <strong>Account › Billing</strong>, edit the address and save. "
                "The next invoice shows the new address.</p>",
            ),
            "it": (
                "Come cambiare l'indirizzo di fatturazione",
                "<p>Apri <strong>Account › Fatturazione</strong>, modifica l'indirizzo e "
                "salva. La prossima fattura riporta il nuovo indirizzo.</p>",
            ),
            "es": (
                "Cómo cambiar la dirección de facturación",
                "<p>Abre <strong>Cuenta › Facturación</strong>, edita la dirección y "
                "guarda. La próxima factura muestra la nueva dirección.</p>",
            ),
        },
    ),
    (
        "billing",
        Visibility.EVERYONE,
        False,
        {
            "en": (
                "When will my refund arrive?",
                "<p>Refunds reach your account within <strong>5 working days</strong> "
                "of the confirmation email.</p>",
            ),
            "it": (
                "Quando arriva il rimborso?",
                "<p>I rimborsi arrivano sul tuo conto entro <strong>5 giorni "
                "lavorativi</strong> dall'email di conferma.</p>",
            ),
            "es": (
                "¿Cuándo llegará mi reembolso?",
                "<p>Los reembolsos llegan a tu cuenta en <strong>5 días hábiles</strong> "
                "desde el correo de confirmación.</p>",
            ),
        },
    ),
    (
        "account",
        Visibility.SIGNED_IN,
        False,
        {
            "en": (
                "Resetting your password",
                "<ol><li>Choose <em>Forgot password</em> on the sign-in page.</li>"
                "<li>Follow the link in the email within an hour.</li></ol>",
            ),
            "it": (
                "Reimpostare la password",
                "<ol><li>Scegli <em>Password dimenticata</em> nella pagina di accesso.</li>"
                "<li>Segui il link nell'email entro un'ora.</li></ol>",
            ),
            "es": (
                "Restablecer la contraseña",
                "<ol><li>Elige <em>Olvidé mi contraseña</em> en la página de acceso.</li>"
                "<li>Sigue el enlace del correo en una hora.</li></ol>",
            ),
        },
    ),
]


def seed_demo_articles(account: Account) -> None:
    if Category.objects.for_account(account).exists():
        return
    editor = User.objects.for_account(account).get(email=ADMIN)
    category = None
    for locale, name in CATEGORY.items():
        category = category_save(editor=editor, category=category, locale=locale, name=name)
    assert category is not None
    sections: dict[str, Section] = {}
    for position, (key, names) in enumerate(SECTIONS.items()):
        section = None
        for locale, name in names.items():
            section = section_save(
                editor=editor,
                category=category,
                section=section,
                locale=locale,
                name=name,
                position=position,
            )
        assert section is not None
        sections[key] = section
    for position, (key, visibility, promoted, texts) in enumerate(ARTICLES):
        title, body = texts["en"]
        article = article_create(
            editor=editor,
            section=sections[key],
            locale="en",
            title=title,
            body=body,
            visibility=visibility,
            promoted=promoted,
            position=position,
        )
        for locale in ("it", "es"):
            title, body = texts[locale]
            article_update(article=article, editor=editor, locale=locale, title=title, body=body)
        article_set_status(article=article, editor=editor, status=Status.PUBLISHED)
