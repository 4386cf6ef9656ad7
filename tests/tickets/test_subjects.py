"""Subjects are one line with single spaces wherever they come from: the agent's form,
an inbound email, a trigger's rendered template, an account email."""

from __future__ import annotations

from tickets.text import clean_subject


def test_subject_becomes_one_line_with_single_spaces():
    assert clean_subject("  Printer\n  on\tfire \r\n") == "Printer on fire"


def test_missing_subject_is_empty():
    assert clean_subject(None) == ""


def test_long_subject_is_cut_with_no_dangling_space():
    assert clean_subject("word " * 100, max_length=255) == ("word " * 51).rstrip()
    assert len(clean_subject("x" * 300, max_length=255)) == 255
