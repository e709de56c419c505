"""Sessions: series, single sessions, agenda, attendance, notes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from bpu.downloads import private_download, stored_file_response
from bpu.listing import date_formatter

from .. import calendar, selectors, services
from ..access import Accessed, Perm, get_unit_access
from ..addresses import unit_url
from ..forms import (
    AgendaItemForm,
    AttachmentForm,
    AttendanceForm,
    NotesForm,
    SessionForm,
    SessionSeriesForm,
    form_errors_from,
)
from ..models import AccessAction, AgendaItem, DataKind, Rsvp, Session, SessionAttachment
from ..pagination import query_without_page
from .attachments import add_attachment_from


def _session(access, pk) -> Session:
    return get_object_or_404(Session.objects.select_related("unit"), unit=access.unit, pk=pk)


def _open_for_answers(session) -> bool:
    return session.status == Session.Status.PLANNED and session.ends_at > timezone.now()


SESSIONS_PER_PAGE = 20


def _session_rows(unit, sessions) -> list[dict]:
    """What each row of the table shows, formatted here once per page, not per row in
    the template (the rows were most of the list's cost)."""
    weekday, when = date_formatter("D"), date_formatter("SHORT_DATETIME_FORMAT")
    return [
        {
            "url": unit_url("units:session_detail", unit.slug, s.pk),
            "weekday": weekday(s.starts_at),
            "when": when(s.starts_at),
            "cancelled": s.status == Session.Status.CANCELLED,
            "location": s.location,
            "online": bool(s.online_url),
            "phase": s.phase,
            "agenda_count": s.agenda_count,
            "present_count": s.present_count,
        }
        for s in sessions
    ]


@login_required
def session_list(request, slug):
    access = get_unit_access(request.user, slug)
    past = request.GET.get("when") == "past"
    # Two years of meetings every few weeks, and series planned far ahead: a page at a time.
    page = Paginator(
        selectors.sessions_for_unit(access.unit, past=past), SESSIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    page.object_list = list(selectors.with_session_counts(page.object_list))
    return render(
        request,
        "units/session_list.html",
        {
            "access": access,
            "unit": access.unit,
            "page": page,
            "rows": _session_rows(access.unit, page.object_list),
            "past": past,
            "query": query_without_page(request),
        },
    )


@login_required
def series_create(request, slug):
    access = get_unit_access(request.user, slug, Perm.MANAGE_SESSIONS)
    unit = access.unit
    form = SessionSeriesForm(
        request.POST or None,
        initial={"every_weeks": unit.cadence_weeks, "first": unit.planned_start},
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.session_series_create(
                unit=unit, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d session has been planned.",
                    "%(count)d sessions have been planned.",
                    len(result.created),
                )
                % {"count": len(result.created)},
            )
            if result.skipped:
                messages.info(
                    request,
                    _("Skipped days that already had a session: %(days)s.")
                    % {
                        "days": ", ".join(
                            date_format(d, "SHORT_DATE_FORMAT") for d in result.skipped
                        )
                    },
                )
            return redirect("units:sessions", slug=slug)
    return render(request, "units/series_form.html", {"access": access, "unit": unit, "form": form})


@login_required
def session_create(request, slug):
    access = get_unit_access(request.user, slug, Perm.MANAGE_SESSIONS)
    form = SessionForm(request.POST or None, initial={"at": "14:00"}, submit_label=_("Add session"))
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                unit=access.unit, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The session has been added."))
            return redirect(session)
    return render(
        request,
        "units/session_form.html",
        {"access": access, "unit": access.unit, "form": form, "session": None},
    )


@login_required
def session_edit(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_SESSIONS)
    session = _session(access, pk)
    form = SessionForm(
        request.POST or None,
        initial=SessionForm.initial_for(session),
        submit_label=_("Save session"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(session=session, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The session has been saved."))
            return redirect(session)
    return render(
        request,
        "units/session_form.html",
        {"access": access, "unit": access.unit, "form": form, "session": session},
    )


@login_required
@require_POST
def session_cancel(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_SESSIONS)
    session = _session(access, pk)
    if request.POST.get("reinstate"):
        services.session_reinstate(session=session, actor=request.user)
        messages.success(request, _("The session is planned again."))
    else:
        services.session_cancel(session=session, actor=request.user)
        messages.success(request, _("The session has been cancelled."))
    return redirect(session)


@login_required
def session_detail(request, slug, pk):
    access = get_unit_access(request.user, slug)
    session = selectors.session_with_details(access.unit, pk)
    if session is None:
        raise Http404
    my_answer = next((r.answer for r in session.rsvps.all() if r.user_id == request.user.pk), "")
    context = {
        "access": access,
        "unit": access.unit,
        "session": session,
        "my_answer": my_answer,
        "answers": Rsvp.Answer.choices,
        "can_answer": access.membership is not None and _open_for_answers(session),
        "agenda": list(session.agenda_items.all()),
        "attendances": sorted(
            session.attendances.all(), key=lambda a: a.user.get_full_name().lower()
        ),
    }
    # Members see the list, facilitators the form filled in with it: both show it.
    access.log(
        AccessAction.VIEWED,
        DataKind.ATTENDANCE,
        [Accessed(person_id=a.user_id, object_id=a.pk) for a in context["attendances"]],
    )
    if access.can(Perm.MANAGE_SESSIONS):
        memberships = selectors.current_memberships(access.unit)
        forms = {
            "attendance_form": AttendanceForm(
                memberships=memberships,
                existing={a.user_id: a.status for a in session.attendances.all()},
            ),
            "notes_form": NotesForm(instance=session),
            "agenda_form": AgendaItemForm(),
        }
        actions = {
            "attendance_form": "units:session_attendance",
            "notes_form": "units:session_notes",
            "agenda_form": "units:agenda_add",
        }
        for name, form in forms.items():
            form.helper.form_action = reverse(actions[name], args=[access.unit.slug, session.pk])
        context.update(forms)
        context["rsvps"] = selectors.rsvp_summary(session, memberships)
        context["attachment_form"] = AttachmentForm()
    return render(request, "units/session_detail.html", context)


@login_required
@require_POST
def session_attachment_add(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_SESSIONS)
    session = _session(access, pk)
    add_attachment_from(
        request,
        lambda upload: services.session_attachment_add(
            session=session, actor=request.user, upload=upload
        ),
    )
    return redirect(session.get_absolute_url() + "#files")


def _attachment(access, pk, file_pk) -> SessionAttachment:
    return get_object_or_404(
        SessionAttachment, pk=file_pk, session__pk=pk, session__unit=access.unit
    )


@private_download
@login_required
def session_attachment(request, slug, pk, file_pk):
    access = get_unit_access(request.user, slug, Perm.VIEW)
    attachment = _attachment(access, pk, file_pk)
    return stored_file_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


@login_required
@require_POST
def session_attachment_delete(request, slug, pk, file_pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_SESSIONS)
    attachment = _attachment(access, pk, file_pk)
    services.session_attachment_delete(attachment=attachment)
    messages.success(request, _("“%(name)s” is deleted.") % {"name": attachment.original_name})
    return redirect(reverse("units:session_detail", args=[slug, pk]) + "#files")


@login_required
@require_POST
def session_rsvp(request, slug, pk):
    """A member answers: coming, maybe, not coming."""
    access = get_unit_access(request.user, slug)
    session = _session(access, pk)
    try:
        rsvp = services.rsvp_set(
            session=session, user=request.user, answer=request.POST.get("answer", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Your answer is saved: %(answer)s.") % {"answer": rsvp.get_answer_display()}
        )
    return redirect(session)


@login_required
@require_POST
def session_attendance(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_SESSIONS)
    session = _session(access, pk)
    memberships = selectors.current_memberships(access.unit)
    form = AttendanceForm(request.POST, memberships=memberships, existing={})
    if form.is_valid():
        try:
            changes = services.attendance_record(session=session, statuses=form.statuses())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            for action, accessed in changes.items():
                access.log(action, DataKind.ATTENDANCE, accessed)
            messages.success(request, _("The attendance has been saved."))
    else:
        messages.error(request, _("Choose present, excused or absent for each member."))
    return redirect(session)


@login_required
@require_POST
def session_notes(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_SESSIONS)
    session = _session(access, pk)
    form = NotesForm(request.POST, instance=session)
    if form.is_valid():
        services.session_record_notes(
            session=session,
            notes=form.cleaned_data["notes"],
            decisions=form.cleaned_data["decisions"],
        )
        messages.success(request, _("The notes have been saved."))
        return redirect(session)
    messages.error(request, _("The notes could not be saved; see the form below."))
    return redirect(session)


@login_required
@require_POST
def agenda_add(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_SESSIONS)
    session = _session(access, pk)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        services.agenda_item_add(session=session, **form.cleaned_data)
        messages.success(request, _("The agenda item has been added."))
    else:
        messages.error(request, _("An agenda item needs a title."))
    return redirect(session)


def _agenda_item(access, pk, item_pk) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.select_related("session__unit"),
        session__unit=access.unit,
        session__pk=pk,
        pk=item_pk,
    )


@login_required
def agenda_edit(request, slug, pk, item_pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_SESSIONS)
    item = _agenda_item(access, pk, item_pk)
    form = AgendaItemForm(request.POST or None, instance=item, submit_label=_("Save"))
    if request.method == "POST" and form.is_valid():
        item.refresh_from_db()
        services.agenda_item_update(item=item, **form.cleaned_data)
        messages.success(request, _("The agenda item has been saved."))
        return redirect(item.session)
    return render(
        request,
        "units/agenda_item_form.html",
        {"access": access, "unit": access.unit, "form": form, "item": item},
    )


@login_required
@require_POST
def agenda_remove(request, slug, pk, item_pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_SESSIONS)
    item = _agenda_item(access, pk, item_pk)
    session = item.session
    services.agenda_item_remove(item=item)
    messages.success(request, _("The agenda item has been removed."))
    return redirect(session)


@login_required
@require_POST
def agenda_move(request, slug, pk, item_pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_SESSIONS)
    item = _agenda_item(access, pk, item_pk)
    services.agenda_item_move(item=item, up=request.POST.get("direction") == "up")
    return redirect(item.session)


@private_download
@login_required
def session_ics(request, slug, pk):
    access = get_unit_access(request.user, slug)
    session = selectors.session_with_details(access.unit, pk)
    if session is None:
        raise Http404
    body = calendar.calendar_for([session], request=request, name=session.unit.name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{session.unit.slug}-{session.pk}.ics"'
    return response
