"""A facilitator starts a unit, invites a member, plans the sessions, takes attendance,
and moves the unit on to the next phase: refused with the missing criteria, then with
a justification (an override)."""

import re

import pytest
from playwright.sync_api import expect

from phases.models import PhaseTransition
from units.models import Attendance, Invitation, Session, Unit

from .journeys import day, field, words

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_facilitator_runs_a_unit(open_browser, facilitator, password, language):
    facilitator.language = language
    facilitator.save()
    t = words(language)
    browser = open_browser(locale="nl-NL" if language == "nl" else "en-GB")
    page = browser.page
    browser.login(facilitator.email, password)

    # A new unit.
    page.get_by_role("link", name=t("New unit")).click()
    page.wait_for_url(re.compile(r"/units/new/$"))
    browser.audit()
    field(page, t("Name")).fill(f"Thuis in de wijk {language}")
    field(page, t("Theme")).fill("Eenzaamheid eerder herkennen")
    field(page, t("Planned start")).fill(day(0))
    field(page, t("Planned end")).fill(day(540))
    field(page, t("Meeting cadence (weeks)")).fill("4")
    if language == "en":
        browser.screenshot("unit-create-desktop-en")
    with page.expect_navigation():
        page.get_by_role("button", name=t("Create unit")).click()
    browser.audit()
    unit = Unit.objects.get(name=f"Thuis in de wijk {language}")
    expect(page.get_by_role("heading", name=unit.name)).to_be_visible()

    # Invite a member.
    page.get_by_role("link", name=t("Members"), exact=True).click()
    browser.audit()
    page.get_by_role("link", name=t("Invite someone")).click()
    browser.audit()
    field(page, t("E-mail address")).fill(f"nieuw.lid.{language}@example.org")
    field(page, t("Role")).select_option("professional")
    with page.expect_navigation():
        page.get_by_role("button", name=t("Send invitation")).click()
    browser.audit()
    expect(page.locator("main")).to_contain_text(f"nieuw.lid.{language}@example.org")
    assert Invitation.objects.filter(unit=unit, email=f"nieuw.lid.{language}@example.org").exists()

    # Plan a series of sessions, every four weeks.
    page.get_by_role("link", name=t("Sessions"), exact=True).click()
    browser.audit()
    page.get_by_role("link", name=t("Plan a series")).click()
    browser.audit()
    field(page, t("First session")).fill(day(7))
    field(page, t("Time")).fill("14:00")
    field(page, t("Every ... weeks")).fill("4")
    field(page, t("Until")).fill(day(7 + 28 * 5))
    field(page, t("Place")).fill("Buurthuis De Ster")
    with page.expect_navigation():
        page.get_by_role("button", name=t("Plan the series")).click()
    browser.audit()
    assert Session.objects.filter(unit=unit).count() == 6
    if language == "en":
        browser.screenshot("sessions-desktop-en")

    # Attendance at the first session.
    first = Session.objects.filter(unit=unit).order_by("starts_at").first()
    browser.goto(f"/units/{unit.slug}/sessions/{first.pk}/")
    page.locator(f"input[name=user_{facilitator.pk}][value=present]").check()
    with page.expect_navigation():
        page.get_by_role("button", name=t("Save attendance")).click()
    browser.audit()
    assert Attendance.objects.get(session=first, user=facilitator).status == "present"
    if language == "en":
        browser.screenshot("session-desktop-en")

    # Advance a phase: refused while criteria are open, then with a justification.
    page.get_by_role("link", name=t("Phases"), exact=True).click()
    browser.audit()
    advance = page.locator("form[action$='/phases/advance/']")
    with page.expect_navigation():
        advance.get_by_role("button").click()
    browser.audit()
    expect(
        page.locator("main .alert-danger, main .invalid-feedback, main .errorlist").first
    ).to_be_visible()
    unit.refresh_from_db()
    assert unit.phase == 1
    advance = page.locator("form[action$='/phases/advance/']")
    field(advance, t("Justification for the criteria that are not met")).fill(
        "Het management heeft mondeling ingestemd; de brief volgt."
    )
    with page.expect_navigation():
        advance.get_by_role("button").click()
    browser.audit()
    unit.refresh_from_db()
    assert unit.phase == 2
    transition = PhaseTransition.objects.get(unit=unit)
    assert "mondeling" in transition.justification
    if language == "en":
        browser.screenshot("phases-desktop-en")
