"""Report pages for a unit and, with the same views, for a programme's comparison.

Every view first asks the access rules for the unit (get_unit_access) or the
programme (get_programme_access); PDFs are streamed by ``report_download``
only, never from MEDIA_URL. A programme's comparison reports show every unit's
figures, so their pages ask for the research permission in every unit of the
programme (see ``ProgrammeAccess``), not just for a membership in one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from bpu.downloads import private_download, stored_file_response
from research.selectors import codes_blind_in, respondents_of
from units.access import (
    Accessed,
    Perm,
    ProgrammeAccess,
    UnitAccess,
    get_programme_access,
    get_unit_access,
    programme_access,
)
from units.addresses import unit_url
from units.models import AccessAction, DataKind, Programme, Unit

from .archive import build_archive
from .compare import snapshot_differences
from .forms import NarrativeForm, ReportRequestForm
from .models import UNIT_KINDS, Kind, Report, ReportNarrative, Status
from .services import narrative_save, report_request

UNIT, PROGRAMME = "unit", "programme"
NAMESPACES = {UNIT: "reports", PROGRAMME: "programme_reports"}


@dataclass(frozen=True)
class Scope:
    """Whose reports a page shows (a unit or a programme), and what the visitor may do."""

    kind: str
    slug: str
    can_manage: bool
    unit: Unit | None = None
    programme: Programme | None = None
    access: UnitAccess | None = None
    programme_access: ProgrammeAccess | None = None

    @property
    def namespace(self) -> str:
        return NAMESPACES[self.kind]

    @property
    def owner(self):
        return self.unit or self.programme

    @property
    def kinds(self) -> list[Kind]:
        return [Kind.COMPARISON] if self.programme else list(UNIT_KINDS)

    @property
    def may_archive(self) -> bool:
        """A finished report's archive holds raw data: a programme's (whose pages already
        need every unit's research), or a unit's for whoever may see its research."""
        return self.programme is not None or self.access.can(Perm.VIEW_RESEARCH)

    def reports(self):
        return Report.objects.for_owner(unit=self.unit, programme=self.programme)

    def url(self, name: str, **kwargs) -> str:
        return reverse(f"{self.namespace}:{name}", kwargs={"slug": self.slug, **kwargs})


def _scope(request, slug: str, scope: str, perm: Perm = Perm.VIEW) -> Scope:
    if scope == UNIT:
        access = get_unit_access(request.user, slug, perm)
        return Scope(
            kind=UNIT,
            slug=slug,
            unit=access.unit,
            access=access,
            can_manage=access.can(Perm.MANAGE_REPORTS),
        )
    # Seeing a comparison means seeing every unit's research figures.
    needed = Perm.VIEW_RESEARCH if perm == Perm.VIEW else perm
    access = get_programme_access(request.user, slug, needed)
    return Scope(
        kind=PROGRAMME,
        slug=slug,
        programme=access.programme,
        programme_access=access,
        can_manage=access.can(Perm.MANAGE_REPORTS),
    )


def _report(scope: Scope, pk: int) -> Report:
    return get_object_or_404(scope.reports().with_people(), pk=pk)


def _page(request, scope: Scope, template: str, context: dict, status: int = 200):
    base = {
        "scope": scope,
        "unit": scope.unit,
        "programme": scope.programme,
        "access": scope.access,
        "ns": scope.namespace,
    }
    return render(request, template, {**base, **context}, status=status)


def _with_links(scope: Scope, reports: list[Report]) -> list[Report]:
    """Each report's links (reports/_status.html and the list's rows), reversed once per
    page rather than per report."""
    for report in reports:
        for name in ("status", "download", "compare", "archive"):
            setattr(
                report, f"{name}_url", unit_url(f"{scope.namespace}:{name}", scope.slug, report.pk)
            )
    return reports


def _list_page(request, scope: Scope, form=None, status: int = 200):
    reports = _with_links(scope, list(scope.reports().with_people().order_by("kind", "-version")))
    narratives = {
        n.kind: n
        for n in ReportNarrative.objects.filter(unit=scope.unit, programme=scope.programme)
    }
    kinds = [
        {
            "kind": kind,
            "label": kind.label,
            "narrative_url": unit_url(f"{scope.namespace}:narrative", scope.slug, kind.value),
            "reports": [r for r in reports if r.kind == kind],
            "narrative": narratives.get(kind.value),
        }
        for kind in scope.kinds
    ]
    # The way to the programme's comparison, for those who may see it.
    programme_reports = bool(
        scope.unit
        and scope.unit.programme_id
        and programme_access(request.user, scope.unit.programme).can(Perm.VIEW_RESEARCH)
    )
    if form is None and scope.can_manage:
        form = ReportRequestForm(
            programme=scope.programme is not None,
            initial={"language": getattr(request.user, "language", "nl")},
        )
    return _page(
        request,
        scope,
        "reports/list.html",
        {
            "kinds": kinds,
            "form": form,
            "programme_reports": programme_reports,
        },
        status,
    )


@login_required
def report_list(request, slug, scope):
    return _list_page(request, _scope(request, slug, scope))


@login_required
@require_POST
def report_request_view(request, slug, scope):
    s = _scope(request, slug, scope, Perm.MANAGE_REPORTS)
    form = ReportRequestForm(request.POST, programme=s.programme is not None)
    if not form.is_valid():
        if "token" in form.errors:
            form.renew_token()
        return _list_page(request, s, form=form, status=400)
    try:
        report = report_request(
            unit=s.unit,
            programme=s.programme,
            kind=form.cleaned_data["kind"],
            language=form.cleaned_data["language"],
            actor=request.user,
            token=form.cleaned_data["token"],
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _list_page(request, s, form=form, status=400)
    messages.success(
        request,
        gettext("%(report)s version %(version)d is queued; this page shows when it is ready.")
        % {"report": report.get_kind_display(), "version": report.version},
    )
    return redirect(s.url("list"))


@never_cache
@login_required
def report_status(request, slug, scope, pk):
    s = _scope(request, slug, scope)
    report = _with_links(s, [_report(s, pk)])[0]
    return _page(request, s, "reports/_status.html", {"report": report})


def _coding_blind(request, s: Scope) -> bool:
    """A second coder who has not submitted yet may not read the reports: they quote the
    first coding of the material being coded blind (research.selectors.codes_blind_in)."""
    units = [s.unit] if s.unit else s.programme.units.all()
    return codes_blind_in(units, request.user)


def _refused_while_coding_blind(request, s: Scope):
    return _page(request, s, "reports/coding_blind.html", {}, status=403)


def _finished_report(s: Scope, pk: int) -> Report:
    """A report that is done and has its PDF (what a download or an archive needs)."""
    report = _report(s, pk)
    if report.status != Status.DONE or not report.pdf:
        raise Http404
    return report


@private_download
@login_required
def report_download(request, slug, scope, pk):
    s = _scope(request, slug, scope)
    report = _finished_report(s, pk)
    if _coding_blind(request, s):
        return _refused_while_coding_blind(request, s)
    response = stored_file_response(
        report.pdf, filename=report.download_name(), content_type="application/pdf"
    )
    # Who downloaded which report (NEN 7513). A report names no client or family
    # carer, so the entry names nobody, only the report (docs/privacy.md).
    (s.access or s.programme_access).log(
        AccessAction.EXPORTED, DataKind.REPORT, [Accessed(object_id=report.pk)]
    )
    return response


@private_download
@login_required
@require_GET
def report_archive(request, slug, scope, pk):
    """A ZIP to deposit (``reports.archive``) of a report that is done: the raw data are
    in it, so whoever may see the unit's research (a comparison's: every unit's)."""
    s = _scope(request, slug, scope, Perm.VIEW_RESEARCH)
    report = _finished_report(s, pk)
    if _coding_blind(request, s):
        return _refused_while_coding_blind(request, s)
    try:
        data = build_archive(report)
    except FileNotFoundError as exc:
        raise Http404 from exc
    # The archive holds the report and its units' research data: the report, and each
    # respondent code in the data (as the data export logs them), under its own unit.
    access = s.access or s.programme_access
    units = [s.unit] if s.unit else list(s.programme.units.all())
    access.log(AccessAction.EXPORTED, DataKind.REPORT, [Accessed(object_id=report.pk)])
    access.log(
        AccessAction.EXPORTED,
        DataKind.RESEARCH_DATA,
        [
            Accessed(respondent=code, unit_id=unit.pk)
            for unit in units
            for code in respondents_of(unit)
        ],
    )
    name = report.download_name().removesuffix(".pdf") + "-archive.zip"
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def narrative_edit(request, slug, scope, kind):
    s = _scope(request, slug, scope, Perm.MANAGE_REPORTS)
    if kind not in s.kinds:
        raise Http404
    narrative = ReportNarrative.objects.filter(
        unit=s.unit, programme=s.programme, kind=kind
    ).first()
    form = NarrativeForm(request.POST or None, instance=narrative)
    if request.method == "POST" and form.is_valid():
        narrative_save(
            unit=s.unit, programme=s.programme, kind=kind, actor=request.user, **form.cleaned_data
        )
        messages.success(request, gettext("The text is saved; the next rendering uses it."))
        return redirect(s.url("list"))
    return _page(
        request,
        s,
        "reports/narrative.html",
        {"form": form, "kind_label": Kind(kind).label},
        status=400 if form.errors else 200,
    )


@login_required
def report_compare(request, slug, scope, pk):
    s = _scope(request, slug, scope)
    report = _report(s, pk)
    if report.status != Status.DONE:
        raise Http404
    previous = (
        s.reports()
        .with_people()
        .filter(kind=report.kind, status=Status.DONE, version__lt=report.version)
        .order_by("-version")
        .first()
    )
    differences = snapshot_differences(previous.snapshot, report.snapshot) if previous else []
    return _page(
        request,
        s,
        "reports/compare.html",
        {"report": report, "previous": previous, "differences": differences},
    )
