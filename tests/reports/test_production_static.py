"""A report rendered as production renders it: static files from STATIC_ROOT through the
manifest storage (hashed names, DEBUG=0), with its stylesheet, as in development."""

import io
import logging

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from pypdf import PdfReader

from reports.models import Kind, Status
from reports.rendering import StaticFilesOnlyFetcher, URLRefused
from reports.services import report_render, report_request

pytestmark = pytest.mark.django_db

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture
def production_static(settings, tmp_path):
    """The production storage, filled by collectstatic as the Docker image build does."""
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    # Only what a report reads: the rest of the static files would only cost time here.
    call_command(
        "collectstatic",
        "--no-input",
        verbosity=0,
        ignore_patterns=["admin", "vendor", "css", "js"],
    )
    return settings.STATIC_ROOT


def _pages(report):
    report.pdf.open("rb")
    try:
        reader = PdfReader(io.BytesIO(report.pdf.read()))
    finally:
        report.pdf.close()
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _render(unit, researcher):
    report = report_request(unit=unit, kind=Kind.FINAL, language="en", actor=researcher, send=False)
    return report_render(report.pk)


def test_a_report_rendered_with_hashed_static_names_has_its_styles(
    request, filled_unit, researcher, caplog
):
    development = _render(filled_unit, researcher)  # DEBUG's storage: /static/<name>
    request.getfixturevalue("production_static")
    stylesheet = static("reports/report.css")
    assert stylesheet != "/static/reports/report.css"  # the hashed name, as with DEBUG=0

    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        production = _render(filled_unit, researcher)

    assert production.status == Status.DONE, production.error
    assert production.page_count == development.page_count
    # Where WeasyPrint said "Failed to load stylesheet at ... URLRefused".
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    # The stylesheet's running header: the unit's name above every page but the title page.
    assert all(filled_unit.name in page for page in _pages(production)[1:])


def test_the_fetcher_reads_a_hashed_name_from_static_root_only(production_static):
    hashed = static("reports/report.css")

    response = StaticFilesOnlyFetcher().fetch(f"file://{hashed}")

    assert b"@page" in response.read()
    with pytest.raises(URLRefused):
        StaticFilesOnlyFetcher().fetch("file:///static/../../../../etc/passwd")
    with pytest.raises(URLRefused):
        StaticFilesOnlyFetcher().fetch("file:///static/reports/report.0123456789ab.css")
