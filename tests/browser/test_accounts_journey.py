"""A person logs in, in English and in Dutch, edits their profile, switches language, logs out."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import MembershipFactory, UnitFactory, UserFactory
from units.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def anna(password):
    person = UserFactory(email="anna@example.org", full_name="Anna de Wit", language="en")
    unit = UnitFactory(name="Eenzaamheid Noord", slug="eenzaamheid-noord")
    MembershipFactory(unit=unit, user=person, role=Role.PROFESSIONAL)
    return person


def test_log_in_edit_profile_switch_to_dutch_and_log_out(browser, anna, password):
    page = browser.page
    browser.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    browser.screenshot("login-desktop-en")
    # A wrong password is refused with a message.
    page.get_by_label("E-mail address").fill("anna@example.org")
    page.get_by_label("Password").fill("not-my-password")
    browser.submit()
    expect(page.locator("main")).to_contain_text("correct")

    browser.login("anna@example.org", password)
    expect(page.locator("main")).to_contain_text("Eenzaamheid Noord")
    browser.screenshot("dashboard-desktop-en")

    page.get_by_role("link", name="Anna de Wit").click()
    page.wait_for_url(re.compile(r"/accounts/profile/$"))
    browser.audit()
    page.get_by_label("Name", exact=True).fill("Anna de Wit-Jansen")
    # The profile form is the page's first; the erasure request has a form of its own.
    browser.submit(page.locator("main form").first)
    expect(page.get_by_role("link", name="Anna de Wit-Jansen")).to_be_visible()
    anna.refresh_from_db()
    assert anna.full_name == "Anna de Wit-Jansen"

    # The language switch turns the page Dutch and remembers it on the profile.
    with page.expect_navigation():
        page.get_by_role("button", name="Nederlands").click()
    browser.audit()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", name="Mijn profiel")).to_be_visible()
    anna.refresh_from_db()
    assert anna.language == "nl"

    with page.expect_navigation():
        page.get_by_role("button", name="Uitloggen").click()
    browser.audit()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    # Logged out: the dashboard sends back to the login page.
    browser.goto("/", audit=False)
    assert "/accounts/login/" in page.url


def test_dutch_visitor_logs_in_in_dutch(open_browser, anna, password):
    browser = open_browser(locale="nl-NL")
    page = browser.page
    browser.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    browser.screenshot("login-desktop-nl")
    page.get_by_label("E-mailadres").fill("anna@example.org")
    page.get_by_label("Wachtwoord").fill(password)
    browser.submit()
    # Anna's profile says English: once signed in, the app speaks English to her.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main")).to_contain_text("Eenzaamheid Noord")


def test_dashboard_on_a_phone(phone, anna, password):
    page = phone.page
    phone.login("anna@example.org", password)
    expect(page.locator("main")).to_contain_text("Eenzaamheid Noord")
    # The navigation folds into a menu button that opens it.
    toggler = page.get_by_role("button", name="Show menu")
    expect(toggler).to_be_visible()
    toggler.click()
    expect(page.get_by_role("link", name="My units")).to_be_visible()
    phone.audit()
    phone.screenshot("dashboard-phone-en")
    # Nothing is wider than the screen.
    overflow = phone.sideways_overflow()
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"
