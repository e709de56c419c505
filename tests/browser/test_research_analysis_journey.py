"""Research analysis in the browser: a researcher reads the statistics on a phone, and
codes a passage by selecting it (static/js/coding.js). Every page is checked with axe."""

import pytest
from playwright.sync_api import expect

from research.models import CodedFragment
from tests.factories import MaterialFactory, MembershipFactory, ThemeFactory, UnitFactory
from tests.research.analysis_data import add_values, make_measure
from units.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def unit_with_research():
    unit = UnitFactory(name="Eenzaamheid Noord", slug="eenzaamheid-noord")
    MembershipFactory(
        unit=unit, role=Role.RESEARCHER, user__email="res@example.org", user__full_name="Ruben"
    )
    lonely = make_measure(
        unit, "ucla", label="Loneliness (UCLA-3)", minimum=3, maximum=9, higher_is_better=False
    )
    network = make_measure(unit, "network", type="yesno", label="Has a supportive network")
    for k, wave in enumerate(("baseline", "intermediary", "final")):
        add_values(unit, lonely, wave, {f"R{r:02d}": 3 + (r + 7 - 2 * k) % 7 for r in range(20)})
        add_values(unit, network, wave, {f"R{r:02d}": int(r % 4 < 1 + k) for r in range(20)})
    return unit


def test_researcher_reads_statistics_on_a_phone_and_codes_a_passage(
    open_browser, unit_with_research, password
):
    unit = unit_with_research
    material = MaterialFactory(unit=unit, title="Interview R07")
    ThemeFactory(unit=unit, name="Being heard")
    phone = open_browser(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.page
    phone.login("res@example.org", password)

    phone.goto(f"/units/{unit.slug}/research/statistics/")
    expect(page.locator("main")).to_contain_text("Loneliness (UCLA-3)")
    # The Likert item's means and its distribution of answers, the yes/no measure's share.
    expect(page.locator("svg.research-chart")).to_have_count(3)
    phone.screenshot("research-statistics-phone-en")

    phone.goto(f"/units/{unit.slug}/research/coding/material/{material.pk}/text/")
    passage = "taken seriously"
    page.evaluate(
        """(passage) => {
            const source = document.getElementById('coding-source');
            const node = source.firstChild;
            const start = node.textContent.indexOf(passage);
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, start + passage.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            source.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }""",
        passage,
    )
    expect(page.locator("textarea[name=passage]")).to_have_value(passage)
    page.get_by_label("Being heard").check()
    phone.submit(page.locator("#coding-form"))
    expect(page.locator("main")).to_contain_text("The passage was coded.")
    expect(page.locator("mark.coded")).to_have_text(passage)
    fragment = CodedFragment.objects.get()
    assert material.text[fragment.start : fragment.end] == passage
    phone.screenshot("research-coding-phone-en")

    phone.goto(f"/units/{unit.slug}/research/themes/")
    phone.goto(f"/units/{unit.slug}/research/themes/{fragment.themes.get().pk}/")
    expect(page.locator("main")).to_contain_text("Interview R07")
