"""Pages with tables on a phone (390 px): no page is wider than the screen, and no
button of a table (members, dissemination, consent) needs a sideways scroll to be
reached, in English and in Dutch."""

import datetime

import pytest
from playwright.sync_api import expect

from phases import services as phase_services
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from units.models import Role
from units.services.consent import consent_text_publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def unit_with_tables(password):
    unit = UnitFactory(name="Eenzaamheid Oost", slug="eenzaamheid-oost")
    facilitator = MembershipFactory(
        unit=unit, role=Role.FACILITATOR, user__email="fac@example.org", user__full_name="Fatima"
    ).user
    MembershipFactory(
        unit=unit, role=Role.RESEARCHER, user__email="res@example.org", user__full_name="Ruben"
    )
    for name in ("Wilhelmina van Oostveen-Hoogenboezem", "Karel Verstappen"):
        MembershipFactory(
            unit=unit,
            role=Role.FAMILY_CARER,
            user=UserFactory(full_name=name, email=f"{name.split()[0].lower()}@example.org"),
        )
    consent_text_publish(
        unit=unit,
        text_nl="Mag je gegevens gebruiken?",
        text_en="May we use your data?",
        by=facilitator,
    )
    phase_services.dissemination_create(
        unit=unit,
        what="Presentatie in het teamoverleg van de wijkteams over ervaringsdeskundigheid",
        date=datetime.date(2026, 11, 11),
        audience="Wijkteams Eindhoven-Zuid en Noord",
        reach=35,
    )
    return unit


PAGES = {
    "fac@example.org": ["members/", "phases/products/", "consent/manage/"],
    "res@example.org": ["research/consent/"],
}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_table_pages_fit_a_phone(open_browser, unit_with_tables, password, language):
    from accounts.models import User

    User.objects.filter(email__in=PAGES).update(language=language)
    for email, pages in PAGES.items():
        phone = open_browser(viewport={"width": 390, "height": 844}, is_mobile=True)
        phone.login(email, password)
        expect(phone.page.locator("html")).to_have_attribute("lang", language)
        for path in pages:
            phone.goto(f"/units/{unit_with_tables.slug}/{path}")
            where = f"{path} ({language})"
            assert phone.sideways_overflow() == 0, f"{where} is wider than a phone"
            assert phone.buttons_out_of_reach() == [], f"{where}: buttons out of reach"
            phone.screenshot(f"phone-{path.strip('/').replace('/', '-')}-{language}")
