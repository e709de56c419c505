"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

No browser download: Chromium comes from the system (``apt-get install chromium``).
Every page a journey visits is checked with axe-core (WCAG 2.1 AA) and must not
trigger a Content-Security-Policy violation.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM
# calls (fixtures, assertions on the database) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

VENDOR = Path(__file__).parent / "vendor"
AXE = VENDOR / "axe.min.js"
SCREENSHOTS = Path(
    os.environ.get(
        "BROWSER_SCREENSHOTS", Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    )
)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.fail("Chromium is not installed: apt-get install -y chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


class Browser:
    """One person's browser window: a page plus the checks every visit gets."""

    def __init__(self, context, live_server_url: str):
        self.context = context
        self.page = context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.base = live_server_url
        self.csp_violations: list[str] = []
        self.page_errors: list[str] = []
        self.audited: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp_violations.append(f"{self.page.url}: {message.text}")

    # --- navigation -------------------------------------------------------------
    def goto(self, path: str, *, audit: bool = True):
        response = self.page.goto(self.base + path)
        assert response is not None and response.status < 400, (
            f"GET {path} answered {response.status if response else 'nothing'}"
        )
        if audit:
            self.audit()
        return response

    def login(self, email: str, password: str, *, audit: bool = True):
        self.goto("/accounts/login/", audit=audit)
        self.page.locator("input[name=username]").fill(email)
        self.page.locator("input[name=password]").fill(password)
        with self.page.expect_navigation():
            self.page.locator("main form [type=submit]").first.click()
        assert "/accounts/login/" not in self.page.url, "login failed"
        if audit:
            self.audit()

    def submit(self, form_locator=None, *, audit: bool = True):
        """Click the submit button of a form and wait for the next page."""
        form = form_locator or self.page.locator("main form").last
        with self.page.expect_navigation():
            form.locator("[type=submit]").last.click()
        if audit:
            self.audit()

    def switch_language(self, button_name: str):
        """The language button in the navigation (behind the menu button on a phone)."""
        toggler = self.page.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button_name).click()
        self.audit()

    # --- checks ----------------------------------------------------------------
    def audit(self):
        """axe-core on the current page: no WCAG 2.1 A/AA violations, no CSP violations."""
        self.page.wait_for_load_state("load")
        result = self.page.evaluate(
            """async (tags) => {
                const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
                return r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(
                        n => n.target.join(' ') + ' :: ' + n.failureSummary)
                }));
            }""",
            WCAG_TAGS,
        )
        path = self.page.url.removeprefix(self.base)
        self.audited.append(path)
        assert not result, f"Accessibility violations on {path}:\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
            for v in result
        )
        assert not self.csp_violations, "CSP violations:\n" + "\n".join(self.csp_violations)
        assert not self.page_errors, "JavaScript errors:\n" + "\n".join(self.page_errors)

    def sideways_overflow(self) -> int:
        """How many pixels the page is wider than the window was opened (0: none).

        Against the viewport's own width, not ``innerWidth``: a phone (``is_mobile``)
        zooms out to fit a page that is too wide, and ``innerWidth`` grows with it."""
        width = self.page.viewport_size["width"]
        return self.page.evaluate("document.documentElement.scrollWidth") - width

    def buttons_out_of_reach(self) -> list[str]:
        """The buttons in main whose right edge lies beyond the window (reached only by
        scrolling a table sideways)."""
        return self.page.evaluate(
            """(width) => [...document.querySelectorAll(
                    'main button, main a.btn, main input[type=submit]')]
                .filter(el => { const r = el.getBoundingClientRect();
                                return r.width > 0 && r.right > width + 0.5; })
                .map(el => (el.innerText || el.value).trim())""",
            self.page.viewport_size["width"],
        )

    def screenshot(self, name: str):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^a-z0-9_-]+", "-", name.lower())
        self.page.screenshot(path=str(SCREENSHOTS / f"{safe}.png"), full_page=True)

    def text(self) -> str:
        return self.page.locator("main").inner_text()


@pytest.fixture
def open_browser(chromium, live_server, settings):
    """Opens a fresh browser window (own cookies) with the given viewport and language."""
    settings.LANGUAGE_CODE = "en"
    contexts = []

    def make(*, viewport=DESKTOP, locale="en-GB", is_mobile=False):
        context = chromium.new_context(
            viewport=viewport,
            locale=locale,
            is_mobile=is_mobile,
            has_touch=is_mobile,
            accept_downloads=True,
        )
        context.add_init_script(path=str(AXE))
        contexts.append(context)
        return Browser(context, live_server.url)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def browser(open_browser):
    return open_browser()


@pytest.fixture
def phone(open_browser):
    return open_browser(viewport=PHONE, is_mobile=True)
