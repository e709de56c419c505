"""A new member accepts the invitation (creating an account), logs a practice experiment
and responds to a colleague's experiment. In English on a desktop, in Dutch on a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from phases.models import Experiment, ExperimentComment
from tests.factories import ExperimentFactory, InvitationFactory
from units.models import Membership

from .conftest import DESKTOP, PHONE
from .journeys import field, words

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("language", "viewport"), [("en", DESKTOP), ("nl", PHONE)], ids=["en-desktop", "nl-phone"]
)
def test_member_joins_logs_an_experiment_and_responds(
    open_browser, unit, facilitator, language, viewport
):
    t = words(language)
    email = f"nieuw.{language}@example.org"
    invitation = InvitationFactory(
        unit=unit,
        email=email,
        invited_by=facilitator,
        expires_at=timezone.now() + timedelta(days=7),
    )
    colleague = ExperimentFactory(
        unit=unit, author=facilitator, title="Een open vraag bij het eerste bezoek"
    )
    phone = viewport == PHONE
    browser = open_browser(
        viewport=viewport, is_mobile=phone, locale="nl-NL" if language == "nl" else "en-GB"
    )
    page = browser.page
    suffix = "phone-nl" if phone else "desktop-en"

    # The link in the invitation e-mail: a new account, straight into the unit.
    browser.goto(f"/invitations/{invitation.token}/")
    # The browser asks for Dutch (or English): the page speaks it before anyone logs in.
    expect(page.locator("html")).to_have_attribute("lang", language)
    browser.screenshot(f"invitation-{suffix}")
    field(page, t("Your name")).fill("Fatima El Amrani")
    field(page, t("Password")).fill("Zon-en-maan-2026!")
    field(page, t("Password again")).fill("Zon-en-maan-2026!")
    field(page, t("Language")).select_option(language)
    with page.expect_navigation():
        page.get_by_role("button", name=t("Create account and join")).click()
    browser.audit()
    membership = Membership.objects.get(unit=unit, user__email=email)
    assert membership.role == "professional"
    expect(page.locator("main")).to_contain_text(unit.name)

    # Log a practice experiment and share it with the unit.
    browser.goto(f"/units/{unit.slug}/phases/experiments/")
    page.get_by_role("link", name=t("Log an experiment")).click()
    browser.audit()
    field(page, t("Title")).fill("Samen koffie drinken in plaats van een intake")
    field(page, t("The situation")).fill("Een mevrouw van 79 die weinig buiten komt.")
    field(page, t("What I tried")).fill("Ik ben naast haar gaan zitten met koffie.")
    field(page, t("What I learned")).fill("Ze vertelde meer dan met de vragenlijst.")
    page.get_by_label(t("Shared with the unit")).check()
    browser.submit()
    mine = Experiment.objects.get(unit=unit, author=membership.user)
    assert mine.is_shared
    expect(page.get_by_role("heading", name=mine.title)).to_be_visible()
    browser.screenshot(f"experiment-{suffix}")

    # Respond to a colleague's experiment.
    browser.goto(f"/units/{unit.slug}/phases/experiments/")
    page.get_by_role("link", name=colleague.title).click()
    browser.audit()
    field(page, t("Your response")).fill("Herkenbaar, dat ga ik ook proberen.")
    browser.submit()
    comment = ExperimentComment.objects.get(experiment=colleague)
    assert comment.author == membership.user
    expect(page.locator("main")).to_contain_text("Herkenbaar, dat ga ik ook proberen.")
