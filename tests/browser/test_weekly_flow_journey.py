"""Between meetings, in the browser: a member hears of a response to their experiment (the
bell, the list), changes that setting from the e-mail's signed link, answers an RSVP on a
phone in Dutch; a facilitator invites ten people from a CSV file. Every page is checked
with axe."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import ngettext
from playwright.sync_api import expect

from notifications import services as notifications
from notifications.models import Frequency, Kind, Notification, NotificationPreference
from notifications.preferences import preference_set
from phases import services as phases
from tests.factories import ExperimentFactory, MembershipFactory, SessionFactory, UnitFactory
from units.models import Invitation, Role, Rsvp

from .conftest import DESKTOP, PHONE
from .journeys import field, words

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    unit = UnitFactory(name="Eenzaamheid Zuid", slug="eenzaamheid-zuid")

    def person(role, email, name, language="en"):
        return MembershipFactory(
            unit=unit,
            role=role,
            user__email=email,
            user__full_name=name,
            user__language=language,
        ).user

    return (
        unit,
        person(Role.FACILITATOR, "fac@example.org", "Fatima Facilitator"),
        person(Role.PROFESSIONAL, "mem@example.org", "Mark de Wit"),
        person(Role.FAMILY_CARER, "carer@example.org", "Carla Mantelzorg", "nl"),
    )


def _bell(page):
    """The bell that is visible at this width (one for phones, one in the desktop menu)."""
    return page.locator("a.notification-bell:visible")


def test_a_member_hears_of_a_response_and_changes_the_setting_from_the_email(
    open_browser, people, password
):
    unit, facilitator, member, carer = people
    preference_set(user=member, kind=Kind.RESPONSE, frequency=Frequency.IMMEDIATELY)
    experiment = ExperimentFactory(unit=unit, author=member, title="Asking about evenings")
    phases.experiment_comment_create(
        experiment=experiment, author=carer, text="Mijn moeder vond dit fijn."
    )

    # The e-mail goes out a few minutes later (a burst of responses would be one e-mail).
    sent = notifications.notification_email_send(
        user_id=member.pk, now=timezone.now() + timedelta(minutes=5)
    )
    assert sent == 1

    # (1) The bell shows it; opening it from the list marks it read.
    browser = open_browser()
    page = browser.page
    browser.login("mem@example.org", password)
    expect(_bell(page)).to_have_attribute("aria-label", "Notifications: 1 unread")
    with page.expect_navigation():
        _bell(page).click()
    browser.audit()
    item = page.locator(".notification-list li").first
    expect(item).to_contain_text("Carla Mantelzorg responded to your experiment")
    expect(item).to_contain_text("New")
    browser.screenshot("weekly-notification-list-desktop-en")
    with page.expect_navigation():
        item.get_by_role("button").click()
    browser.audit()
    expect(page.locator("h1")).to_contain_text("Asking about evenings")
    expect(page.locator("main")).to_contain_text("Mijn moeder vond dit fijn.")
    expect(_bell(page)).to_have_attribute("aria-label", "Notifications")
    assert Notification.objects.get(recipient=member).is_read
    browser.goto("/notifications/")
    expect(page.locator(".notification-list li").first).not_to_contain_text("New")

    # (2) The e-mail about it carries a signed link to change this kind's setting.
    [message] = [m for m in mail.outbox if m.to == [member.email]]
    link = re.search(r"https?://\S+?(/notifications/settings/link/[^/\s]+/)", message.body)
    assert link, message.body
    stranger = open_browser(viewport=PHONE, is_mobile=True)  # the phone's mail app: no session
    stranger.goto(link.group(1))
    expect(stranger.page.locator("main")).to_contain_text("mem@example.org")
    stranger.page.get_by_label("No e-mail").check()
    stranger.submit()
    expect(stranger.page.locator("h1")).to_have_text("Saved")
    stranger.screenshot("weekly-email-setting-saved-phone-en")
    assert NotificationPreference.objects.get(user=member, kind=Kind.RESPONSE).frequency == (
        Frequency.NEVER
    )


def test_a_family_carer_answers_an_rsvp_on_a_phone_in_dutch(open_browser, people, password):
    unit, facilitator, member, carer = people
    t = words("nl")
    session = SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=6))
    phone = open_browser(viewport=PHONE, is_mobile=True, locale="nl-NL")
    page = phone.page
    phone.login("carer@example.org", password)
    phone.goto(session.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    rsvp = page.locator("section.rsvp")
    expect(rsvp).to_contain_text(t("Are you coming?"))
    with page.expect_navigation():
        rsvp.get_by_role("button", name=t("Coming"), exact=True).click()
    phone.audit()
    expect(page.locator("section.rsvp")).to_contain_text(f"{t('Your answer:')} {t('Coming')}")
    expect(
        page.locator("section.rsvp").get_by_role("button", name=t("Coming"), exact=True)
    ).to_have_attribute("aria-pressed", "true")
    phone.screenshot("weekly-rsvp-phone-nl")
    assert Rsvp.objects.get(session=session, user=carer).answer == Rsvp.Answer.YES


TEN_PEOPLE = "\ufeffNaam;E-mailadres;Rol\n" + "".join(
    f"Deelnemer {n};deelnemer{n}@example.org;{role}\n"
    for n, role in enumerate(
        ["Professional", "Mantelzorger", "Cliënt", "Student", "Onderzoeker"] * 2, start=1
    )
)


@pytest.mark.parametrize(
    ("language", "viewport"), [("en", DESKTOP), ("nl", PHONE)], ids=["en-desktop", "nl-phone"]
)
def test_a_facilitator_invites_ten_people_from_a_csv_file(
    open_browser, people, password, tmp_path, language, viewport
):
    unit, facilitator, member, carer = people
    facilitator.language = language  # the account's language, after logging in
    facilitator.save(update_fields=["language"])
    t = words(language)
    csv_file = tmp_path / "deelnemers.csv"
    csv_file.write_text(TEN_PEOPLE, encoding="utf-8")
    phone = viewport == PHONE
    browser = open_browser(
        viewport=viewport, is_mobile=phone, locale="nl-NL" if language == "nl" else "en-GB"
    )
    page = browser.page
    suffix = f"{'phone' if phone else 'desktop'}-{language}"
    browser.login("fac@example.org", password)
    browser.goto(f"/units/{unit.slug}/members/")
    with page.expect_navigation():
        page.get_by_role("link", name=t("Invite several people")).click()
    browser.audit()
    field(page, t("Or upload a CSV file")).set_input_files(str(csv_file))
    browser.submit(page.locator("main form").last)
    with translation.override(language):
        ten = ngettext("%(n)d person will be invited", "%(n)d people will be invited", 10)
    expect(page.locator("#preview-summary")).to_have_text(ten % {"n": 10} + ".")
    expect(page.locator("#preview tbody tr")).to_have_count(10)
    expect(page.locator("#preview tbody tr").nth(2)).to_contain_text(t("Service user"))
    browser.screenshot(f"invite-list-preview-{suffix}")
    assert not Invitation.objects.exists()  # the preview writes nothing

    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("10")).click()
    browser.audit()
    expect(page.locator("main")).to_contain_text("deelnemer10@example.org")
    browser.screenshot(f"invite-list-done-{suffix}")
    invitations = Invitation.objects.filter(unit=unit)
    assert invitations.count() == 10
    assert invitations.get(email="deelnemer3@example.org").role == Role.SERVICE_USER
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.email for i in invitations)
