"""The phases in the browser: a facilitator moves a unit on, a member logs a practice
experiment on a phone, a researcher responds to it. Every page is checked with axe."""

import pytest
from playwright.sync_api import expect

from phases import services
from phases.models import Experiment, PhaseTransition
from tests.factories import ActionStepFactory, GoalFactory, MembershipFactory, UnitFactory
from units.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(password):
    unit = UnitFactory(name="Eenzaamheid Zuid", slug="eenzaamheid-zuid")
    facilitator = MembershipFactory(
        unit=unit, role=Role.FACILITATOR, user__email="fac@example.org", user__full_name="Fatima"
    ).user
    member = MembershipFactory(
        unit=unit, role=Role.PROFESSIONAL, user__email="mem@example.org", user__full_name="Mark"
    ).user
    researcher = MembershipFactory(
        unit=unit, role=Role.RESEARCHER, user__email="res@example.org", user__full_name="Ruben"
    ).user
    return unit, facilitator, member, researcher


def test_facilitator_overrides_a_criterion_and_the_history_shows_why(browser, people, password):
    unit, facilitator, member, researcher = people
    page = browser.page
    browser.login("fac@example.org", password)
    browser.goto(f"/units/{unit.slug}/phases/")
    expect(page.locator("main")).to_contain_text("The ambition is written down")
    browser.screenshot("phases-overview-desktop-en")
    browser.submit(page.locator("form[action$='/advance/']"))
    expect(page.locator("main")).to_contain_text("Not met yet: The ambition is written down")
    page.get_by_label("Justification for the criteria that are not met").fill(
        "Ambition agreed with the team manager; written down next session."
    )
    browser.submit(page.locator("form[action$='/advance/']"))
    expect(page.locator("main")).to_contain_text("The unit is now in phase 2")
    transition = PhaseTransition.objects.get(unit=unit)
    assert transition.justification.startswith("Ambition agreed")
    browser.goto(f"/units/{unit.slug}/")
    expect(page.locator(".phase-timeline [aria-current=step]")).to_contain_text("Selection")


def test_member_logs_an_experiment_on_a_phone_and_a_researcher_responds(
    open_browser, people, password
):
    unit, facilitator, member, researcher = people
    goal = GoalFactory(unit=unit, text="Ask about evenings at every first visit")
    ActionStepFactory(goal=goal, owner=member, what="Try the conversation guide")
    services.plan_approve(unit=unit, actor=facilitator)

    phone = open_browser(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.page
    phone.login("mem@example.org", password)
    phone.goto(f"/units/{unit.slug}/phases/plan/")
    phone.screenshot("phases-plan-phone-en")
    page.get_by_label("Status").select_option("in_progress")
    phone.submit(page.locator("form[action$='/status/']"))
    expect(page.locator("main")).to_contain_text("The status of the step is updated")

    phone.goto(f"/units/{unit.slug}/phases/experiments/new/")
    page.get_by_label("Title").fill("Asking about evenings")
    page.get_by_label("Goal it serves").select_option(str(goal.pk))
    page.get_by_label("What I tried").fill("I asked Mrs. J. how her evenings are.")
    page.get_by_label("What I learned").fill("A concrete question opens the conversation.")
    page.get_by_label("Experiential (clients and carers)").check()
    page.get_by_label("Shared with the unit").check()
    phone.submit()
    expect(page.locator("main")).to_contain_text("A concrete question opens the conversation.")
    phone.screenshot("phases-experiment-phone-en")
    experiment = Experiment.objects.get()
    assert experiment.author == member and experiment.knowledge_sources == ["experiential"]

    desk = open_browser()
    desk.login("res@example.org", password)
    desk.goto(f"/units/{unit.slug}/phases/experiments/{experiment.pk}/")
    desk.page.get_by_label("Your response").fill("Could you note how often this works?")
    desk.submit()
    expect(desk.page.locator("#comments")).to_contain_text("Could you note how often")
