"""From a snapshot to HTML, and from HTML to a PDF with WeasyPrint.

WeasyPrint only gets the app's own static files: its URL fetcher refuses the
network and every file outside the static directories, so nothing in a
report's data can make the worker read /etc/passwd or call another host.

A "/static/<name>" URL is what ``{% static %}`` wrote: the source name in
development, the hashed name of the manifest storage in production (DEBUG=0),
which exists only in STATIC_ROOT after collectstatic. Both are looked up where
that storage keeps them.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from .models import Kind

# Relative URLs in the report resolve against this base; "/static/..." then
# arrives at the fetcher as file:///static/... and is looked up as a static file.
BASE_URL = "file:///"


class URLRefused(URLFetchingError):
    """A resource outside the app's static files: never fetched."""


def _static_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def _static_file(name: str) -> str | None:
    """Where a static name is on disk: in the app's static directories (a source
    name, as in development), else as the configured storage collected it into
    STATIC_ROOT (the hashed names of the manifest storage in production)."""
    found = finders.find(name)
    if found or not settings.STATIC_ROOT:
        return found
    collected = Path(staticfiles_storage.path(name))
    return str(collected) if collected.is_file() else None


def static_path_for(url: str) -> Path:
    """The file on disk a report URL may read, or URLRefused."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise URLRefused(f"Refused to fetch {url!r}: only the app's static files are allowed.")
    path = unquote(parts.path)
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if path.startswith(static_prefix):
        try:
            found = _static_file(path.removeprefix(static_prefix))
        except SuspiciousFileOperation as exc:
            raise URLRefused(f"Refused to fetch {url!r}: outside the static files.") from exc
        if found:
            path = found
    resolved = Path(path).resolve()
    if not resolved.is_file() or not _inside(resolved, _static_roots()):
        raise URLRefused(f"Refused to fetch {url!r}: only the app's static files are allowed.")
    return resolved


class StaticFilesOnlyFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = static_path_for(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
        )


@dataclass(frozen=True)
class RenderedPDF:
    content: bytes
    pages: int


def template_for(kind: str) -> str:
    return "reports/pdf/programme.html" if kind == Kind.COMPARISON else "reports/pdf/unit.html"


def render_html(*, kind: str, language: str, snapshot: dict, meta: dict) -> str:
    """The report's HTML, in the report's language, from its snapshot only."""
    from .presenting import report_context

    with translation.override(language):
        context = report_context(kind=kind, snapshot=snapshot, meta=meta)
        return render_to_string(template_for(kind), context)


# Tagged PDF (PDF/UA-1): headings, tables and text alternatives in a structure tree,
# the document's language and title in its metadata. Dutch public-sector and care
# organisations must publish accessible documents.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


def html_to_pdf(html: str) -> RenderedPDF:
    document = HTML(
        string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnlyFetcher(timeout=5)
    ).render(**PDF_OPTIONS)
    return RenderedPDF(content=document.write_pdf(**PDF_OPTIONS), pages=len(document.pages))
