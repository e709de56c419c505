"""A researcher uploads a codebook and a Dutch Excel CSV (preview, confirm, then a bad
file refused with its problems), asks for a report, watches its state change on the
page, and downloads the PDF."""

import pytest
from playwright.sync_api import expect

from reports import services as report_services
from reports.models import Report
from research.models import Measure, Observation
from research.services import waves_ensure_defaults

from .journeys import field, words

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODEBOOK = (
    "Code;Label;Construct;Type;Min;Max;Higher_is_better;Respondent\n"
    "ucla;UCLA Eenzaamheid (kort);Eenzaamheid;likert;1;4;nee;client\n"
    "djg;De Jong Gierveld;Eenzaamheid;numeric;0;11;nee;client\n"
)
# As Dutch Excel saves "CSV (gescheiden door lijstscheidingsteken)": Windows-1252,
# semicolons, decimal commas.
DUTCH_CSV = "respondent;ucla;djg\r\nR001;2;3,5\r\nR002;4;7\r\nR003;1;2,25\r\n".encode("cp1252")
BAD_CSV = b"respondent;ucla;onbekend\r\nJan Jansen;9;1\r\n"


@pytest.mark.parametrize("language", ["en", "nl"])
def test_researcher_imports_data_and_gets_a_report(
    open_browser, unit, researcher, password, tmp_path, monkeypatch, language
):
    researcher.language = language
    researcher.save()
    waves_ensure_defaults(unit=unit)  # as units.services.unit_create does for a new unit
    t = words(language)
    files = {
        "codebook.csv": CODEBOOK.encode("utf-8"),
        "nulmeting.csv": DUTCH_CSV,
        "fout.csv": BAD_CSV,
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    browser = open_browser(locale="nl-NL" if language == "nl" else "en-GB")
    page = browser.page
    browser.login(researcher.email, password)
    browser.goto(f"/units/{unit.slug}/")

    # The codebook.
    page.get_by_role("link", name=t("Research"), exact=True).click()
    browser.audit()
    page.get_by_role("link", name=t("Codebook"), exact=True).first.click()
    browser.audit()
    field(page, t("Codebook file")).set_input_files(str(tmp_path / "codebook.csv"))
    with page.expect_navigation():
        page.get_by_role("button", name=t("Upload codebook")).click()
    browser.audit()
    assert set(Measure.objects.filter(unit=unit).values_list("code", flat=True)) == {"ucla", "djg"}

    # A Dutch Excel file: first a preview, then the import.
    browser.goto(f"/units/{unit.slug}/research/")
    page.get_by_role("link", name=t("Import data")).first.click()
    browser.audit()
    field(page, t("Data file")).set_input_files(str(tmp_path / "nulmeting.csv"))
    field(page, t("Wave")).select_option(label=t("Baseline"))
    with page.expect_navigation():
        page.get_by_role("button", name=t("Check the file")).click()
    browser.audit()
    assert not Observation.objects.filter(unit=unit).exists()  # a preview writes nothing
    if language == "en":
        browser.screenshot("import-preview-desktop-en")
    with page.expect_navigation():
        page.get_by_role("button", name=t("Confirm the import")).click()
    browser.audit()
    values = dict(
        Observation.objects.filter(unit=unit, measure__code="djg").values_list(
            "respondent", "value_numeric"
        )
    )
    assert values == {"R001": 3.5, "R002": 7.0, "R003": 2.25}

    # A bad file: every problem named by line and column, nothing written.
    page.get_by_role("link", name=t("Import data")).first.click()
    browser.audit()
    field(page, t("Data file")).set_input_files(str(tmp_path / "fout.csv"))
    with page.expect_navigation():
        page.get_by_role("button", name=t("Check the file")).click()
    browser.audit()
    expect(page.locator("main")).to_contain_text("C (onbekend)")
    expect(page.locator("main")).to_contain_text("B (ucla)")
    assert Observation.objects.filter(unit=unit).count() == 6
    if language == "en":
        browser.screenshot("import-error-desktop-en")

    # A report: queued first (the worker has not picked it up yet), then done.
    real_send = report_services.report_send
    monkeypatch.setattr(report_services, "report_send", lambda **kwargs: True)
    browser.goto(f"/units/{unit.slug}/")
    page.get_by_role("link", name=t("Reports"), exact=True).click()
    browser.audit()
    request = page.locator("form[action$='/reports/request/']")
    field(request, t("Report")).select_option("baseline")
    field(request, t("Language of the report")).select_option(language)
    with page.expect_navigation():
        request.get_by_role("button").click()
    browser.audit()
    report = Report.objects.get(unit=unit)
    status = page.locator(f"#report-status-{report.pk}")
    expect(status).to_contain_text(t("Queued"))
    browser.screenshot(f"report-queued-desktop-{language}")
    # The worker renders it (tasks run in-process here); the page polls and shows it.
    real_send(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == "done", report.error
    expect(status.get_by_role("link", name=t("Download PDF"))).to_be_visible(timeout=15_000)
    browser.audit()
    if language == "en":
        browser.screenshot("report-done-desktop-en")
    with page.expect_download() as download_info:
        status.get_by_role("link", name=t("Download PDF")).click()
    download = download_info.value
    path = download.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.suggested_filename.endswith(".pdf")
