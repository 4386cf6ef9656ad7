"""Each kind's validation (issue 19): a stored value, or a message naming the field and
what is wrong; never an exception other than ValidationError."""

from __future__ import annotations

import contextlib

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from customfields.models import FieldKind, TicketField
from customfields.values import clean_value, missing_to_solve


def field(kind, **attrs):
    return TicketField(kind=kind, title="Serial", number=7, **attrs)


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        (FieldKind.TEXT, "  ABC-1 ", "ABC-1"),
        (FieldKind.TEXT, 12, "12"),
        (FieldKind.TEXTAREA, "line 1\nline 2", "line 1\nline 2"),
        (FieldKind.INTEGER, "42", 42),
        (FieldKind.INTEGER, -3, -3),
        (FieldKind.INTEGER, 5.0, 5),
        (FieldKind.DECIMAL, "3,50", "3.50"),
        (FieldKind.DECIMAL, 2, "2"),
        (FieldKind.DATE, "2026-12-06", "2026-12-06"),
        (FieldKind.DATE, "2026-12-06T10:00:00Z", "2026-12-06"),
        (FieldKind.CHECKBOX, True, True),
        (FieldKind.CHECKBOX, "false", None),
        (FieldKind.CHECKBOX, "on", True),
        (FieldKind.LOOKUP, "12", 12),
        (FieldKind.TEXT, "", None),
        (FieldKind.INTEGER, None, None),
    ],
)
def test_each_kind_stores_its_shape(kind, raw, stored):
    assert clean_value(field(kind), raw) == stored


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        (FieldKind.TEXT, "two\nlines", "single line"),
        (FieldKind.TEXT, "x" * 1001, "at most 1000 characters"),
        (FieldKind.INTEGER, "4.5", "not a whole number"),
        (FieldKind.INTEGER, "12abc", "not a whole number"),
        (FieldKind.INTEGER, "9" * 17, "not a whole number"),
        (FieldKind.INTEGER, True, "single value"),
        (FieldKind.DECIMAL, "NaN", "not a number"),
        (FieldKind.DECIMAL, "1e", "not a number"),
        (FieldKind.DATE, "06/12/2026", "not a date"),
        (FieldKind.DATE, "2026-02-30", "not a date"),
        (FieldKind.CHECKBOX, "maybe", "checkbox"),
        (FieldKind.LOOKUP, "ada", "not the number"),
        (FieldKind.TEXT, {"a": 1}, "single value"),
        (FieldKind.TEXT, ["a"], "single value"),
    ],
)
def test_bad_values_get_a_message_naming_the_field(kind, raw, message):
    with pytest.raises(ValidationError) as exc:
        clean_value(field(kind, lookup_target="user"), raw)
    assert exc.value.messages[0].startswith("Serial: ")
    assert message in exc.value.messages[0]


def test_dropdown_takes_only_its_option_values():
    f = field(FieldKind.DROPDOWN)
    assert clean_value(f, "hw", options=["hw", "sw"]) == "hw"
    with pytest.raises(ValidationError, match="not one of its options"):
        clean_value(f, "Hardware", options=["hw", "sw"])


def test_multiselect_keeps_the_options_order_and_drops_duplicates():
    f = field(FieldKind.MULTISELECT)
    assert clean_value(f, ["sw", "hw", "sw"], options=["hw", "sw", "net"]) == ["hw", "sw"]
    assert clean_value(f, [], options=["hw"]) is None
    with pytest.raises(ValidationError, match="not one of its options"):
        clean_value(f, ["hw", "cloud"], options=["hw"])
    with pytest.raises(ValidationError, match="list of option values"):
        clean_value(f, [1], options=["hw"])


def test_regexp_field_checks_the_whole_value():
    f = field(FieldKind.REGEXP, regexp=r"[A-Z]{3}-\d+")
    assert clean_value(f, "ABC-12") == "ABC-12"
    with pytest.raises(ValidationError, match="expected format"):
        clean_value(f, "xABC-12")


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(FieldKind.values),
    raw=st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        st.text(max_size=50),
        st.lists(st.text(max_size=5), max_size=3),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    ),
)
def test_any_input_is_a_value_or_a_validation_error(kind, raw):
    with contextlib.suppress(ValidationError):
        clean_value(field(kind, regexp="a+", lookup_target="user"), raw, options=["a", "b"])


def test_required_to_solve_may_apply_to_one_type_only():
    root = TicketField(
        kind="tagger", title="Root cause", number=1, required=True, required_for_types=["problem"]
    )
    always = TicketField(kind="text", title="Serial", number=2, required=True)
    assert missing_to_solve([root, always], {}, "incident") == ["Serial"]
    assert missing_to_solve([root, always], {}, "problem") == ["Root cause", "Serial"]
    assert missing_to_solve([root, always], {"1": "x", "2": "y"}, "problem") == []
