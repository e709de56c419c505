"""Practice experiments: logging, comments and activity."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from bpu.downloads import private_download, stored_file_response
from bpu.listing import date_formatter, truncated_words
from units.access import Accessed, Perm, get_unit_access
from units.addresses import unit_url
from units.forms import AttachmentForm, form_errors_from
from units.models import AccessAction, DataKind
from units.pagination import query_without_page
from units.views.attachments import add_attachment_from

from .. import services
from ..forms import CommentForm, ExperimentFilterForm, ExperimentForm
from ..models import Experiment, ExperimentAttachment
from ..selectors import experiment_activity, experiments_for, with_list_details
from ._common import _form_page, _url

EXPERIMENTS_PER_PAGE = 20
COMMENTS_PER_PAGE = 20


def _log(access, action, experiments) -> None:
    """Each experiment is its author's personal data (NEN 7513 access log). On a GET
    too: logging the access is the one write a GET makes, a single INSERT."""
    access.log(
        action,
        DataKind.EXPERIMENT,
        [Accessed(person_id=e.author_id, object_id=e.pk) for e in experiments],
    )


def _experiment_rows(unit, experiments) -> list[dict]:
    """What each card of the list shows, formatted here once per page, not per row in
    the template (the list's cost was mostly its twenty cards)."""
    short_date = date_formatter("SHORT_DATE_FORMAT")
    responses = {}
    for count in {e.comment_count for e in experiments}:
        # {% blocktranslate count n=... %}: the number escaped, the translation as it is.
        label = ngettext("%(n)s response", "%(n)s responses", count)
        responses[count] = mark_safe(label % {"n": conditional_escape(localize(count))})  # noqa: S308
    return [
        {
            "url": unit_url("phases:experiment_detail", unit.slug, e.pk),
            "title": e.title,
            "is_shared": e.is_shared,
            "author": e.author.get_full_name(),
            "date": short_date(e.date),
            "goal": truncated_words(e.goal.text, 10) if e.goal_id else None,
            "learned": truncated_words(e.learned, 40) if e.learned else "",
            "responses": responses[e.comment_count],
        }
        for e in experiments
    ]


@login_required
def experiments(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW)
    items = experiments_for(access.unit, request.user)
    mine = request.GET.get("mine") == "1"
    if mine:
        items = items.filter(author=request.user)
    search = ExperimentFilterForm(request.GET, unit=access.unit)
    items = search.filter(items)
    # Two years of a unit is hundreds of experiments: a page at a time, newest first.
    page = Paginator(items, EXPERIMENTS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(with_list_details(page.object_list))
    _log(access, AccessAction.VIEWED, page.object_list)
    return render(
        request,
        "phases/experiments.html",
        {
            "unit": access.unit,
            "access": access,
            "page": page,
            "rows": _experiment_rows(access.unit, page.object_list),
            "mine": mine,
            "search": search,
            "searching": any(request.GET.get(name) for name in search.fields),
            "query": query_without_page(request),
        },
    )


def _visible_experiment(access, user, pk):
    # A private draft is its author's alone: for others it does not exist.
    return get_object_or_404(
        Experiment.objects.visible_to(user).select_related("author", "goal"),
        pk=pk,
        unit=access.unit,
    )


@login_required
def experiment_detail(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.VIEW)
    experiment = _visible_experiment(access, request.user, pk)
    # A lively experiment gathers many responses: the newest first, a page at a time.
    comments = Paginator(
        experiment.comments.select_related("author").order_by("-created_at", "-pk"),
        COMMENTS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    is_author = experiment.author_id == request.user.pk
    _log(access, AccessAction.VIEWED, [experiment])
    return render(
        request,
        "phases/experiment_detail.html",
        {
            "unit": access.unit,
            "access": access,
            "experiment": experiment,
            "comments": comments,
            "comment_form": CommentForm(),
            "may_comment": access.can(Perm.CONTRIBUTE) and experiment.is_shared,
            "is_author": is_author,
            "attachments": experiment.attachments.all(),
            "attachment_form": AttachmentForm() if is_author else None,
        },
    )


@login_required
def experiment_edit(request, slug, pk=None):
    access = get_unit_access(request.user, slug, Perm.CONTRIBUTE)
    experiment = None
    if pk:
        experiment = _visible_experiment(access, request.user, pk)
        if experiment.author_id != request.user.pk:
            raise PermissionDenied
    form = ExperimentForm(request.POST or None, instance=experiment, unit=access.unit)
    if experiment and request.method == "GET":
        _log(access, AccessAction.VIEWED, [experiment])
    if request.method == "POST" and form.is_valid():
        try:
            if experiment:
                experiment = services.experiment_update(
                    experiment=experiment, actor=request.user, **form.cleaned_data
                )
                _log(access, AccessAction.CHANGED, [experiment])
            else:
                experiment = services.experiment_create(
                    unit=access.unit, author=request.user, **form.cleaned_data
                )
                _log(access, AccessAction.CREATED, [experiment])
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Your experiment is saved."))
            return redirect(_url("experiment_detail", access.unit, pk=experiment.pk))
    return _form_page(
        request,
        access,
        form,
        title=_("Edit practice experiment") if experiment else _("Log a practice experiment"),
        back_url=_url("experiments", access.unit),
    )


@login_required
@require_POST
def experiment_delete(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.CONTRIBUTE)
    experiment = _visible_experiment(access, request.user, pk)
    deleted = Accessed(person_id=experiment.author_id, object_id=experiment.pk)
    services.experiment_delete(experiment=experiment, actor=request.user)
    access.log(AccessAction.DELETED, DataKind.EXPERIMENT, [deleted])
    messages.success(request, _("The experiment is deleted."))
    return redirect(_url("experiments", access.unit))


@login_required
@require_POST
def experiment_comment(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.CONTRIBUTE)
    experiment = _visible_experiment(access, request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.experiment_comment_create(
            experiment=experiment, author=request.user, text=form.cleaned_data["text"]
        )
        messages.success(request, _("Your response is posted."))
    else:
        messages.error(request, _("Write a comment first."))
    return redirect(_url("experiment_detail", access.unit, pk=pk) + "#comments")


@login_required
def experiment_activity_view(request, slug):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    months, rows = experiment_activity(access.unit)
    return render(
        request,
        "phases/experiment_activity.html",
        {"unit": access.unit, "access": access, "months": months, "rows": rows},
    )


@login_required
@require_POST
def experiment_attachment_add(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.CONTRIBUTE)
    experiment = _visible_experiment(access, request.user, pk)
    if experiment.author_id != request.user.pk:
        raise PermissionDenied
    add_attachment_from(
        request,
        lambda upload: services.experiment_attachment_add(
            experiment=experiment, actor=request.user, upload=upload
        ),
    )
    return redirect(_url("experiment_detail", access.unit, pk=pk) + "#files")


def _visible_attachment(access, user, pk) -> ExperimentAttachment:
    # An attachment of someone's private draft does not exist for anyone else.
    return get_object_or_404(
        ExperimentAttachment.objects.select_related("experiment"),
        pk=pk,
        experiment__unit=access.unit,
        experiment__in=Experiment.objects.visible_to(user),
    )


@private_download
@login_required
def experiment_attachment(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.VIEW)
    attachment = _visible_attachment(access, request.user, pk)
    return stored_file_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


@login_required
@require_POST
def experiment_attachment_delete(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.CONTRIBUTE)
    attachment = _visible_attachment(access, request.user, pk)
    services.experiment_attachment_delete(attachment=attachment, actor=request.user)
    messages.success(request, _("“%(name)s” is deleted.") % {"name": attachment.original_name})
    return redirect(_url("experiment_detail", access.unit, pk=attachment.experiment_id) + "#files")
