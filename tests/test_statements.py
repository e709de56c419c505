"""The privacy and accessibility statements: public, in the reader's language, with
what the deploying organisation filled in."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["privacy", "accessibility"])
def test_a_statement_is_public_and_shows_the_organisations_details(client, settings, name):
    settings.ORGANISATION_NAME = "Zorggroep Zuid"
    settings.PRIVACY_CONTACT = "privacy@zorggroep.example"
    page = client.get(reverse(name)).content.decode()
    assert "Zorggroep Zuid" in page
    assert "privacy@zorggroep.example" in page


def test_until_it_is_filled_in_the_dutch_page_shows_a_dutch_placeholder(client):
    page = client.get(reverse("privacy"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "[naam van de organisatie]" in page
    assert "[name of the organisation]" not in page


def test_every_page_links_to_both(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("privacy")}"' in page
    assert f'href="{reverse("accessibility")}"' in page
