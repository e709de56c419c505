"""Reports are tagged PDFs (PDF/UA-1): a structure tree, the document's language and
its title in the metadata, charts with a text alternative."""

import io

import pytest
from pypdf import PdfReader

from reports.models import Kind
from reports.services import report_request

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_report_is_a_tagged_pdf_in_its_language(
    filled_unit, researcher, language, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(
            unit=filled_unit, kind=Kind.FINAL, language=language, actor=researcher
        )
    report.refresh_from_db()
    with report.pdf.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert root["/Lang"] == language
    title = {"nl": "Eindrapportage", "en": "Final report"}[language]
    assert reader.metadata.title == f"{title} · {filled_unit.name}"
