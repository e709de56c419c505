"""Every view that serves a file tells browsers and proxies not to keep a copy.

Reports, products and exports hold personal data; a shared computer's browser
cache or a caching proxy must not keep them (Cache-Control: private, no-store).
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from phases.models import ProductFile
from reports.models import Kind, Report, Status

from .factories import ProductFactory, SessionFactory


def _product_file(unit):
    product_file = ProductFile(
        product=ProductFactory(unit=unit),
        original_name="protocol.pdf",
        size=13,
        content_type="application/pdf",
    )
    product_file.file.save("protocol.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    product_file.save()
    return reverse("phases:product_file", args=[unit.slug, product_file.pk])


def _report(unit):
    report = Report(
        unit=unit,
        kind=Kind.BASELINE,
        language="en",
        version=1,
        status=Status.DONE,
        progress=100,
        page_count=1,
        finished_at=timezone.now(),
        snapshot={},
    )
    report.pdf.save("report.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    report.save()
    return reverse("reports:download", kwargs={"slug": unit.slug, "pk": report.pk})


def _session_ics(unit):
    session = SessionFactory(unit=unit)
    return reverse("units:session_ics", args=[unit.slug, session.pk])


def _research_export(fmt):
    return lambda unit: reverse("research:export", args=[unit.slug]) + f"?format={fmt}"


# Who may download it, and where.
DOWNLOADS = {
    "product-file": ("member", _product_file),
    "report-pdf": ("member", _report),
    "research-export-csv": ("researcher", _research_export("csv")),
    "research-export-xlsx": ("researcher", _research_export("xlsx")),
    "research-export-sav": ("researcher", _research_export("sav")),
    "research-export-wide-csv": ("researcher", _research_export("csv&shape=wide")),
    "coded-passages-csv": (
        "researcher",
        lambda unit: reverse("research:fragments_export", args=[unit.slug]),
    ),
    "session-ics": ("member", _session_ics),
}


@pytest.mark.parametrize(("role", "make_url"), DOWNLOADS.values(), ids=DOWNLOADS.keys())
def test_a_download_is_private_and_not_stored(request, client_for, unit, role, make_url):
    person = request.getfixturevalue(role)
    response = client_for(person).get(make_url(unit))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
