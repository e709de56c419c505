"""The checks every journey relies on really catch problems (so a green run means something)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_accessibility_check_reports_violations(browser):
    browser.goto("/accounts/login/")  # a real page first: axe is injected into every page
    browser.page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<img src="/static/none.png"><input type="text"></main></body></html>'
    )
    with pytest.raises(AssertionError, match=r"image-alt|label"):
        browser.audit()


def test_the_csp_check_reports_an_inline_script(browser):
    browser.goto("/accounts/login/")
    with browser.page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        browser.page.evaluate(
            """() => { const s = document.createElement('script');
                       s.textContent = 'window.inlineRan = true'; document.body.appendChild(s); }"""
        )
    assert browser.page.evaluate("window.inlineRan === undefined")  # blocked by the CSP
    with pytest.raises(AssertionError, match="CSP violations"):
        browser.audit()


def test_error_pages_are_accessible(browser, unit, member, password):
    browser.login(member.email, password)
    page = browser.page
    response = page.goto(browser.base + f"/units/{unit.slug}/edit/")
    assert response.status == 403
    browser.audit()
    response = page.goto(browser.base + "/units/does-not-exist/")
    assert response.status == 404
    browser.audit()
