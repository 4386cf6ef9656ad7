"""The project's form renderer writes a <select> exactly as Django's templates would."""

import datetime

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from helpdesk.form_renderer import FastWidgetRenderer

CHOICES = [
    ("", "Status…"),
    ("open", "Open"),
    ("a&b", 'Tom & "Jerry" <tag>'),
    (3, gettext_lazy("Pending")),
    ("safe", mark_safe("<b>kept</b>")),
]
GROUPED = [("", "Pick…"), ("Team <A>", [("1", "Ada"), ("2", "Bo")]), ("x", "Loose")]


class Shapes(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    chosen = forms.ChoiceField(choices=CHOICES, initial="a&b")
    grouped = forms.ChoiceField(choices=GROUPED, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, initial=["open", 3], required=False)
    styled = forms.ChoiceField(
        choices=CHOICES,
        widget=forms.Select(attrs={"class": "x y", "data-q": 'a"b', "disabled": True, "h": False}),
    )
    empty = forms.ChoiceField(choices=[])


@pytest.mark.parametrize("name", list(Shapes.base_fields))
@pytest.mark.parametrize("bound", [False, True])
def test_select_markup_is_djangos(name, bound):
    data = {"plain": "open", "chosen": "open", "grouped": "2", "many": ["a&b", "3"]}
    form = Shapes(data if bound else None, prefix="p")
    field = form[name]
    expected = field.field.widget.render(
        field.html_name,
        field.value(),
        attrs={"id": field.auto_id},
        renderer=DjangoTemplates(),
    )
    got = field.field.widget.render(
        field.html_name, field.value(), attrs={"id": field.auto_id}, renderer=FastWidgetRenderer()
    )
    assert got == expected


class Inputs(forms.Form):
    text = forms.CharField(initial='a <b> & "c"', max_length=20)
    lazy = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Add tags"), "x": True}),
    )
    safe = forms.CharField(initial=mark_safe("<i>kept</i>"))
    email = forms.EmailField(required=False)
    number = forms.IntegerField(initial=3)
    day = forms.DateField(initial=datetime.date(2026, 11, 23))
    native_day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, initial="next/?a=1&b=2")
    secret = forms.CharField(widget=forms.PasswordInput)
    link = forms.URLField(required=False, widget=forms.URLInput(attrs={"disabled": False}))


@pytest.mark.parametrize("name", list(Inputs.base_fields))
@pytest.mark.parametrize("bound", [False, True])
def test_input_markup_is_djangos(name, bound):
    data = {"text": "x'y", "email": "a@b.example", "number": "7", "day": "2026-01-02"}
    data |= {
        "native_day": "2026-02-03",
        "hidden": "<h>",
        "secret": "pw",
        "link": "https://x.example",
    }
    field = Inputs(data if bound else None)[name]
    arguments = (field.html_name, field.value())
    attrs = field.build_widget_attrs({"id": field.auto_id})
    expected = field.field.widget.render(*arguments, attrs=attrs, renderer=DjangoTemplates())
    got = field.field.widget.render(*arguments, attrs=attrs, renderer=FastWidgetRenderer())
    assert got == expected


def test_the_project_uses_it():
    assert settings.FORM_RENDERER == "helpdesk.form_renderer.FastWidgetRenderer"


class Others(forms.Form):
    text = forms.CharField(initial='<x> & "y"', widget=forms.Textarea(attrs={"rows": 3}))
    blank = forms.CharField(required=False, widget=forms.Textarea)
    file = forms.FileField(required=False, widget=forms.FileInput(attrs={"accept": "a&b"}))
    tick = forms.BooleanField(required=False, initial=True)
    untick = forms.BooleanField(required=False)
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, initial="a&b")
    boxes = forms.MultipleChoiceField(
        choices=CHOICES, widget=forms.CheckboxSelectMultiple, initial=["open"], required=False
    )


@pytest.mark.parametrize("name", list(Others.base_fields))
@pytest.mark.parametrize("bound", [False, True])
def test_other_widgets_markup_is_djangos(name, bound):
    """Textareas, file and checkbox inputs, and the single radio buttons and checkboxes
    of a list (BoundWidget.tag(), with and without their label), as Django writes them;
    the whole lists (multiple_input.html) are Django's own."""
    data = {"text": "a\n<b>", "blank": "", "tick": "on", "radio": "open", "boxes": ["3"]}

    def rendered(renderer) -> list[str]:
        field = Others(data if bound else None, renderer=renderer)[name]
        shown = [str(field)]
        if name in ("radio", "boxes"):
            shown += [option.tag(wrap_label=wrap) for option in field for wrap in (False, True)]
        return shown

    assert rendered(FastWidgetRenderer()) == rendered(DjangoTemplates())
