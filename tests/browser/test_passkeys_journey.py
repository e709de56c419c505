"""A passkey in a real browser: Chromium's virtual authenticator (DevTools' WebAuthn
domain) stands in for the fingerprint reader. Anna adds a passkey on her Security page,
logs out, and logs in again with it as her second step; then the same pages in Dutch
and on a phone."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import WebAuthnCredential
from tests.browser.conftest import PHONE
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from units.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def anna(password):
    person = UserFactory(email="anna@example.org", full_name="Anna de Wit", language="en")
    unit = UnitFactory(name="Eenzaamheid Noord", slug="eenzaamheid-noord")
    MembershipFactory(unit=unit, user=person, role=Role.RESEARCHER)
    return person


def with_virtual_authenticator(browser) -> None:
    """A platform authenticator that holds passkeys and always says the user is verified."""
    cdp = browser.context.new_cdp_session(browser.page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def log_in(browser, email, password, *, button="Log in"):
    page = browser.page
    browser.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    browser.audit()


def test_add_a_passkey_and_log_in_with_it(browser, anna, password):
    page = browser.page
    with_virtual_authenticator(browser)
    log_in(browser, anna.email, password)
    browser.goto("/accounts/profile/security/")
    expect(page.get_by_role("heading", name="Passkeys")).to_be_visible()
    expect(page.locator("main")).to_contain_text("You have no passkey yet.")
    page.get_by_label("Name of this passkey").fill("Work laptop")
    with page.expect_navigation(url=re.compile(r"/recovery-codes/$")):
        page.get_by_role("button", name="Add a passkey").click()
    browser.audit()
    expect(page.locator("main")).to_contain_text("Your passkey “Work laptop” has been added.")
    passkey = WebAuthnCredential.objects.get(user=anna)
    assert passkey.name == "Work laptop"
    counter_at_registration = passkey.sign_count

    browser.goto("/accounts/profile/security/")
    expect(page.locator("main")).to_contain_text("Work laptop")
    browser.screenshot("security-passkeys-desktop-en")

    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    log_in(browser, anna.email, password)
    # The second step: the passkey, instead of a code.
    assert "/accounts/login/second-factor/" in page.url
    expect(page.get_by_role("heading", name="Second step")).to_be_visible()
    browser.screenshot("second-step-passkey-desktop-en")
    with page.expect_navigation(url=re.compile(r"/$")):
        page.get_by_role("button", name="Use my passkey").click()
    browser.audit()
    expect(page.locator("main")).to_contain_text("Eenzaamheid Noord")
    passkey.refresh_from_db()
    assert passkey.sign_count > counter_at_registration, "the new counter was stored"
    assert passkey.last_used_at is not None

    # The same pages in Dutch.
    browser.switch_language("Nederlands")
    browser.goto("/accounts/profile/security/")
    expect(page.get_by_role("heading", name="Passkeys")).to_be_visible()
    expect(page.get_by_role("button", name="Passkey toevoegen")).to_be_visible()
    browser.screenshot("security-passkeys-desktop-nl")


def test_the_second_step_with_a_passkey_on_a_phone_in_dutch(open_browser, anna, password):
    anna.language = "nl"
    anna.save()
    phone = open_browser(viewport=PHONE, is_mobile=True, locale="nl-NL")
    page = phone.page
    with_virtual_authenticator(phone)
    log_in(phone, anna.email, password, button="Inloggen")
    phone.goto("/accounts/profile/security/")
    phone.screenshot("security-passkeys-phone-nl")
    with page.expect_navigation(url=re.compile(r"/recovery-codes/$")):
        page.get_by_role("button", name="Passkey toevoegen").click()
    phone.audit()
    page.locator(".navbar-toggler").click()  # the menu holds "Log out" on a phone
    with page.expect_navigation():
        page.get_by_role("button", name="Uitloggen").click()
    log_in(phone, anna.email, password, button="Inloggen")
    expect(page.get_by_role("heading", name="Tweede stap")).to_be_visible()
    phone.screenshot("second-step-passkey-phone-nl")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"
    with page.expect_navigation(url=re.compile(r"/$")):
        page.get_by_role("button", name="Mijn passkey gebruiken").click()
    phone.audit()
    expect(page.locator("main")).to_contain_text("Eenzaamheid Noord")
