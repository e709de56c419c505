"""Agreement between coders: start a blind second coding, code blind, compare and agree."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from units.access import Perm, get_unit_access

from .. import selectors
from ..agreement import comparison_result, segment_codes, segments
from ..models import CodingComparison, Material, SegmentCode
from ..services.agreement import agreed_coding_save, comparison_start, second_coding_save

COMPARISONS_PER_PAGE = 20


def _codes_from(request, prefix: str, n: int, themes: dict) -> dict[int, list]:
    """{paragraph: [themes]} from checkboxes named ``<prefix>-<paragraph>``; an unknown theme
    id is refused, not dropped."""
    codes = {}
    for i in range(n):
        chosen = []
        for raw in request.POST.getlist(f"{prefix}-{i}"):
            try:
                chosen.append(themes[int(raw)])
            except (ValueError, KeyError):
                raise ValidationError(
                    gettext("Paragraph %(n)s: choose themes of this unit or its programme.")
                    % {"n": i + 1}
                ) from None
        codes[i] = chosen
    return codes


@login_required
def agreement(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    unit = access.unit
    error = None
    if request.method == "POST":
        access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
        raw = request.POST.get("material", "")
        material = Material.objects.filter(unit=unit, pk=raw).first() if raw.isdigit() else None
        try:
            if material is None:
                raise ValidationError(gettext("Choose a material of this unit."))
            comparison = comparison_start(material=material, second_coder=request.user)
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            return redirect("research:blind_coding", slug=slug, pk=comparison.pk)
    return render(
        request,
        "research/agreement.html",
        {
            "unit": unit,
            "access": access,
            "section": "agreement",
            "page": Paginator(
                CodingComparison.objects.filter(unit=unit).select_related(
                    "material", "second_coder"
                ),
                COMPARISONS_PER_PAGE,
            ).get_page(request.GET.get("page")),
            "materials": Material.objects.filter(unit=unit).only("pk", "title", "date"),
            "can_manage": access.can(Perm.MANAGE_RESEARCH),
            "error": error,
        },
        status=400 if error else 200,
    )


def _comparison(unit, pk) -> CodingComparison:
    return get_object_or_404(
        CodingComparison.objects.select_related("material", "second_coder", "unit"),
        unit=unit,
        pk=pk,
    )


@login_required
def blind_coding(request, slug, pk):
    """The second coder's page: the material in paragraphs, no sign of the first coding."""
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    comparison = _comparison(access.unit, pk)
    if comparison.second_coder_id != request.user.pk:
        raise PermissionDenied
    if comparison.status != CodingComparison.Status.OPEN:
        return redirect("research:comparison", slug=slug, pk=pk)
    themes = list(selectors.themes_for_unit(access.unit).order_by("name"))
    by_pk = {t.pk: t for t in themes}
    text = comparison.material.text
    spans = segments(text)
    error = None
    if request.method == "POST":
        try:
            codes = _codes_from(request, "seg", len(spans), by_pk)
            submit = "submit" in request.POST
            second_coding_save(
                comparison=comparison, actor=request.user, codes=codes, submit=submit
            )
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            if submit:
                messages.success(request, gettext("Your blind coding was submitted."))
                return redirect("research:comparison", slug=slug, pk=pk)
            messages.success(request, gettext("Your blind coding was saved."))
            return redirect("research:blind_coding", slug=slug, pk=pk)
    mine = segment_codes(comparison, SegmentCode.Role.SECOND)
    return render(
        request,
        "research/blind_coding.html",
        {
            "unit": access.unit,
            "access": access,
            "section": "agreement",
            "comparison": comparison,
            "themes": themes,
            "paragraphs": [
                (i, text[start:end], mine.get(i, set())) for i, (start, end) in enumerate(spans)
            ],
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
def comparison(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    unit = access.unit
    comparison = _comparison(unit, pk)
    is_open = comparison.status == CodingComparison.Status.OPEN
    if is_open and comparison.second_coder_id == request.user.pk:
        return redirect("research:blind_coding", slug=slug, pk=pk)
    error = None
    if request.method == "POST":
        access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
        if is_open:
            raise Http404
        themes = {t.pk: t for t in selectors.themes_for_unit(unit)}
        try:
            codes = _codes_from(request, "agreed", len(segments(comparison.material.text)), themes)
            agreed_coding_save(comparison=comparison, actor=request.user, codes=codes)
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            messages.success(request, gettext("The agreed coding was saved."))
            return redirect("research:comparison", slug=slug, pk=pk)
    return render(
        request,
        "research/comparison.html",
        {
            "unit": unit,
            "access": access,
            "section": "agreement",
            "comparison": comparison,
            "result": None if is_open else comparison_result(comparison),
            "can_manage": access.can(Perm.MANAGE_RESEARCH),
            "error": error,
        },
        status=400 if error else 200,
    )
