"""Demo macros for ``manage.py seed_demo``: the everyday answers of the demo helpdesk, in
English, Italian and Spanish, shared (one restricted to Billing) and one personal.

Idempotent: an account that already has macros is left alone."""

from __future__ import annotations

from accounts.models import Account, AgentGroup, User
from macros.services import macro_create

ADMIN, ALEX = "admin@demo.example", "agent@demo.example"


def _comment(text: str, *, public: bool = True) -> list[dict]:
    return [
        {"field": "comment_mode_is_public", "value": public},
        {"field": "comment_value", "value": text},
    ]


SHARED = [
    (
        "Billing::Refund sent",
        "The refund is on its way; waits for the customer.",
        [{"field": "status", "value": "pending"}, {"field": "current_tags", "value": "refund"}]
        + _comment(
            "Hi {{ticket.requester.first_name}},\n\nwe have sent your refund for request "
            "#{{ticket.id}}: it reaches your account within 5 working days.\n\n"
            "{{current_user.name}}"
        ),
        "Billing",
    ),
    (
        "Billing::Invoice copy",
        "",
        [{"field": "current_tags", "value": "invoice"}]
        + _comment(
            "Hi {{ticket.requester.first_name}},\n\nattached is a copy of your invoice. "
            "You can follow this request at {{ticket.url}}.\n\n{{current_user.name}}"
        ),
        "Billing",
    ),
    (
        "Support::Password reset",
        "Point the customer at the reset page and solve.",
        [{"field": "status", "value": "solved"}, {"field": "type", "value": "request"}]
        + _comment(
            "Hi {{ticket.requester.first_name}},\n\nuse “Forgot your password?” on the sign-in "
            "page to choose a new one. Reply here if the email does not arrive.\n\n"
            "{{current_user.name}}"
        ),
        None,
    ),
    (
        "Support::Escalate to Billing",
        "Hands the ticket to Billing with an internal note.",
        [
            {"field": "group_id", "value": "Billing"},
            {"field": "assignee_id", "value": None},
            {"field": "priority", "value": "high"},
        ]
        + _comment("Escalated by {{current_user.name}}: needs Billing.", public=False),
        None,
    ),
    (
        "Italiano::Rimborso inviato",
        "Risposta in italiano.",
        [{"field": "status", "value": "pending"}, {"field": "current_tags", "value": "refund"}]
        + _comment(
            "Gentile {{ticket.requester.first_name}},\n\nabbiamo inviato il rimborso per la "
            "richiesta #{{ticket.id}}: arriverà entro 5 giorni lavorativi.\n\n"
            "{{current_user.name}}"
        ),
        None,
    ),
    (
        "Italiano::Chiusura e ringraziamento",
        "",
        [{"field": "status", "value": "solved"}]
        + _comment(
            "Gentile {{ticket.requester.first_name}},\n\ngrazie per averci scritto: "
            "chiudiamo la richiesta. Rispondi pure a questa email se serve altro.\n\n"
            "{{current_user.name}}"
        ),
        None,
    ),
    (
        "Español::Reembolso enviado",
        "Respuesta en español.",
        [{"field": "status", "value": "pending"}, {"field": "current_tags", "value": "refund"}]
        + _comment(
            "Hola {{ticket.requester.first_name}}:\n\nhemos enviado el reembolso de la "
            "solicitud #{{ticket.id}}; llegará en un plazo de 5 días hábiles.\n\n"
            "{{current_user.name}}"
        ),
        None,
    ),
    (
        "Español::Pedir más información",
        "",
        [{"field": "status", "value": "pending"}]
        + _comment(
            "Hola {{ticket.requester.first_name}}:\n\n¿podrías enviarnos una captura de "
            "pantalla del error? Así podremos ayudarte antes.\n\n{{current_user.name}}"
        ),
        None,
    ),
]


def seed_demo_macros(account: Account) -> None:
    from macros.models import Macro

    if Macro.objects.for_account(account).exists():
        return
    users = {u.email: u for u in User.objects.for_account(account).filter(email__in=[ADMIN, ALEX])}
    if ADMIN not in users:
        return
    groups = {g.name: g for g in AgentGroup.objects.for_account(account)}
    for title, description, actions, restrict_to in SHARED:
        resolved = []
        for action in actions:
            if action["field"] == "group_id":
                group = groups.get(action["value"])
                if group is None:
                    continue
                action = {"field": "group_id", "value": group.number}
            resolved.append(action)
        macro_create(
            account=account,
            actor=users[ADMIN],
            title=title,
            description=description,
            actions=resolved,
            groups=[groups[restrict_to]] if restrict_to in groups else [],
        )
    if ALEX in users:
        macro_create(
            account=account,
            actor=users[ALEX],
            title="Take it",
            description="Assign to me and open.",
            actions=[
                {"field": "assignee_id", "value": "current_user"},
                {"field": "status", "value": "open"},
            ],
            shared=False,
        )
