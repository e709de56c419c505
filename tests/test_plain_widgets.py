"""The plain widget renderer writes exactly what Django's widget templates write."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from bpu.plain_widgets import PlainWidgetRenderer

CHOICES = [
    ("", gettext_lazy("Everyone")),
    (1, 'Anna <de Vries> & "Bob"'),
    (2, mark_safe("<b>safe</b>")),
    (3, 1234567),
]
GROUPED = [("Groep <1>", [(1, "een"), (2, "twee")]), (3, "drie")]

CASES = [
    (forms.Select(choices=CHOICES), "author", None),
    (forms.Select(choices=CHOICES, attrs={"class": "form-select form-select-sm"}), "author", 1),
    (forms.Select(choices=CHOICES, attrs={"required": True, "disabled": False}), "a", "2"),
    (forms.Select(choices=GROUPED), "grouped", 2),
    (forms.Select(choices=[]), "empty", None),
    (forms.SelectMultiple(choices=CHOICES), "many", [1, 3]),
    (forms.DateInput(attrs={"type": "date", "class": "form-control"}), "date_from", None),
    (forms.DateInput(), "date_to", datetime.date(2026, 12, 1)),
    (forms.TextInput(attrs={"placeholder": 'say "hi" <now>'}), "q", "a & b"),
    (forms.NumberInput(), "n", 1234567),
    (forms.EmailInput(), "email", ""),
    (forms.HiddenInput(), "token", "7c9e6679-7425-40de-944b-e07fc1f90ae7"),
]


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize(("widget", "name", "value"), CASES)
def test_the_same_html_as_djangos_templates(widget, name, value, language):
    with override(language):
        expected = widget.render(name, value, {"id": f"id_{name}"}, renderer=DjangoTemplates())
        plain = widget.render(name, value, {"id": f"id_{name}"}, renderer=PlainWidgetRenderer())
    assert plain == expected


def test_other_widgets_still_go_through_djangos_templates():
    widget = forms.CheckboxSelectMultiple(choices=[(1, "een"), (2, "twee")])
    expected = widget.render("c", [2], renderer=DjangoTemplates())
    assert widget.render("c", [2], renderer=PlainWidgetRenderer()) == expected
    assert 'type="checkbox"' in expected
