"""The help center's "Submit a request" in Jinja2 (issue 17: templates/jinja2/portal/
request_new.html, request_choose_form.html, the custom fields' inputs, the suggested
articles' slot, the form errors and the editor).

Each page printed what the DTL page printed, whitespace folded, for the same context in
English, Italian and Spanish, with hostile values in what people type (the account, the
forms' names, a drop-down's title and options, a text field's title shown only on a
condition, the organizations, the typed subject and a refused file's name): the forms
offered, a form chosen among several, the default form, the form refused (a field left
blank, a file of a type not allowed, a required custom field) and a refusal as a whole
(15 cases, at 06af9f8). The pages exist in Jinja2 only now; this test checks that they
escape and speak the requester's language."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import engines
from django.urls import set_urlconf
from django.utils import translation

from accounts.memberships import membership_add
from customfields.form_services import ticket_form_create, ticket_form_update
from customfields.models import TicketForm
from customfields.services import ticket_field_create
from tests.factories import OrganizationFactory
from tests.security.test_hostile_values_escaped import ESCAPED, HOSTILE, unescaped
from tests.security.test_hostile_values_escaped import hostile as hostile  # the fixture
from tests.templates_jinja2.engines import view_context

LANGUAGES = ["en", "it", "es"]
NEW = "/hc/requests/new/"
CASES = {
    # case: (status, template, a mark of the case)
    "choose": (200, "portal/request_choose_form.html", "hc-form-choices"),
    "chosen": (200, "portal/request_new.html", "hc-chosen-form"),
    "default": (200, "portal/request_new.html", 'id="kb-suggestions"'),
    "refused": (200, "portal/request_new.html", 'class="error"'),
}


@pytest.fixture
def offered(acme, hostile):
    kind = ticket_field_create(
        account=acme,
        kind="tagger",
        title=f"Kind {HOSTILE}",
        title_in_portal=f"Portal kind {HOSTILE}",
        visible_in_portal=True,
        editable_in_portal=True,
        options=[{"name": f"Outage {HOSTILE}", "value": "outage"}, {"name": "Q", "value": "q"}],
    )
    since = ticket_field_create(
        account=acme,
        kind="text",
        title=f"Since {HOSTILE}",
        visible_in_portal=True,
        editable_in_portal=True,
        required_in_portal=True,
    )
    form = ticket_form_create(
        account=acme,
        name="Outage",
        name_in_portal=f"Outage {HOSTILE}",
        visible_in_portal=True,
        field_numbers=[kind.number, since.number],
        conditions=[
            {
                "parent_field_id": kind.number,
                "value": "outage",
                "child_fields": [{"id": since.number, "is_required": True}],
            }
        ],
    )
    default = TicketForm.objects.for_account(acme).get(default=True)
    ticket_form_update(form=default, visible_in_portal=True, name_in_portal=f"General {HOSTILE}")
    requester = hostile["requester"]
    other = OrganizationFactory(account=acme, name=f"Second {HOSTILE}")
    membership_add(user=requester, organization=other, actor=hostile["admin"])
    return {**hostile, "form": form, "default": default}


def _response(client_for, offered, case, language):
    requester = offered["requester"]
    requester.locale = language
    requester.save()
    client = client_for(requester)
    if case == "choose":
        return client.get(NEW)
    if case == "chosen":
        return client.get(f"{NEW}?form={offered['form'].number}")
    if case == "default":
        return client.get(f"{NEW}?form={offered['default'].number}")
    upload = SimpleUploadedFile(f"x{HOSTILE}.exe", b"MZ", "application/octet-stream")
    data = {"ticket_form": offered["form"].number, "subject": f"S {HOSTILE}", "body": ""}
    return client.post(NEW, {**data, "attachments": upload})


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", list(CASES))
def test_the_new_request_pages_escape_and_speak_the_requesters_language(
    client_for, offered, language, case
):
    status, template, mark = CASES[case]
    response = _response(client_for, offered, case, language)
    assert response.status_code == status
    assert response.headers["Content-Language"] == language
    assert [t.name for t in response.templates][:1] == [template]
    text = response.text
    assert not unescaped(text) and ESCAPED in text
    assert mark in text
    with translation.override(language):
        assert translation.gettext("Submit a request") in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_request_refused_as_a_whole_shows_why(client_for, offered, language):
    response = _response(client_for, offered, "refused", language)
    context = view_context(response)  # the page's dict (the widgets' contexts follow)
    form = context["form"]
    form.add_error(None, f"Refused {HOSTILE}")
    page, request = engines["jinja2"].get_template("portal/request_new.html"), response.wsgi_request
    set_urlconf(getattr(request, "urlconf", None))  # the account's URLs, as in the request
    try:
        with translation.override(language):
            text = page.render(dict(context), request)
    finally:
        set_urlconf(None)
    assert 'class="alert alert-error"' in text and "Refused &lt;script&gt;" in text
    assert not unescaped(text)
