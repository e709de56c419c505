"""The profile form, written out by hand for speed, renders what crispy-forms renders."""

import re

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from accounts.forms import ProfileForm
from accounts.models import User


def _normalised(html: str) -> str:
    """The HTML without template comments, whitespace next to tags and the CSRF token
    (masked differently on every render)."""
    html = re.sub(r"\{#.*?#\}", "", html)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r"\s*([<>])\s*", r"\1", html)
    html = re.sub(r"\s*/>", ">", html)
    return re.sub(r"<form\s+method=\"post\"\s*>", '<form method="post">', html).strip()


def _render(template: str, form) -> str:
    request = RequestFactory().get("/")
    return engines["django"].from_string(template).render({"form": form}, request)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"full_name": "x" * 200, "language": "xx"},
        {"full_name": "Ann", "language": ""},
        {"full_name": "", "language": "en"},
    ],
    ids=["unbound", "both wrong", "no language", "no name"],
)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_profile_form_renders_as_crispy_forms_renders_it(data, language):
    person = User(email="ann@example.org", full_name='Ann "A" <de Vries>', language="nl")
    form = ProfileForm(data, instance=person)
    if data is not None:
        form.is_valid()
    with translation.override(language):
        by_hand = _render('{% include "accounts/_profile_form.html" %}', form)
        by_crispy = _render("{% load crispy_forms_tags %}{% crispy form %}", form)
    assert _normalised(by_hand) == _normalised(by_crispy)
