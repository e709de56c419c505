"""Every URL of the project, requested by everyone, with GET and POST.

The URL patterns come from the resolver, so a new view cannot be forgotten: a URL
name missing from ``EXPECTED`` fails ``test_every_url_is_in_the_matrix``. For each
name the table says who may use it, once, for GET and for POST:

- ``PUBLIC``: anyone, signed in or not (login page, token links).
- ``LOGIN``: anyone signed in; anonymous visitors are sent to the login page.
- a ``Perm``: the members of the unit whose role has that permission, and
  administrators.
- a set of persona names: exactly those (object rules, e.g. only the author).
- ``NOT_ALLOWED``: the method is refused (405) to everyone signed in.
- ``STAFF``: administrators only; the admin site sends everyone else to its login page.
- ``TOKEN``: a bearer token or an administrator (monitoring); everyone else 403, never a
  login page (a monitor does not log in).

Whoever may not: one exact answer each (``expected``). Anonymous: the login page.
Outsiders: 404 on the pages of a unit or programme they are not part of (it does
not exist for them). Everyone else signed in: 403.

Each request runs in a transaction that is rolled back, so a POST (delete,
withdraw, log out) does not change what the next persona sees.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests import factories as f
from units.access import ROLE_PERMS, Perm
from units.models import Role

PUBLIC = "public"
LOGIN = "login"
STAFF = "staff"
TOKEN = "token or staff"
NOT_ALLOWED = "not allowed"

ROLE_OF = {
    "facilitator": Role.FACILITATOR,
    "researcher": Role.RESEARCHER,
    "professional": Role.PROFESSIONAL,
    "service_user": Role.SERVICE_USER,
    "manager": Role.MANAGER,
}
PERSONAS = ["anonymous", "outsider", *ROLE_OF, "admin"]


@dataclass(frozen=True)
class Url:
    get: object
    post: object
    kwargs: object = None  # World -> dict of URL kwargs; default: {"slug": unit slug} if needed
    notes: str = field(default="", compare=False)


def unit_kwargs(**extra):
    return lambda w: {"slug": w.unit.slug, **{k: v(w) for k, v in extra.items()}}


# A programme's comparison reports: whoever may see the research of every one of its units.
COMPARISON_READERS = {"researcher", "admin"}

# --- The table: one line per URL name ---------------------------------------------
EXPECTED: dict[str, Url] = {
    "healthz": Url(PUBLIC, NOT_ALLOWED),
    "privacy": Url(PUBLIC, NOT_ALLOWED),
    "accessibility": Url(PUBLIC, NOT_ALLOWED),
    # Or with the HEALTHZ_TOKEN (tests/test_health.py).
    "healthz_details": Url(TOKEN, NOT_ALLOWED),
    "admin:index": Url(STAFF, STAFF),
    # accounts
    "accounts:login": Url(PUBLIC, PUBLIC),
    "accounts:logout": Url(NOT_ALLOWED, PUBLIC),
    "accounts:profile": Url(LOGIN, LOGIN),
    "accounts:my_data": Url(LOGIN, NOT_ALLOWED),
    "accounts:erasure_request": Url(NOT_ALLOWED, LOGIN),
    "accounts:switch_language": Url(NOT_ALLOWED, PUBLIC),
    "accounts:password_reset": Url(PUBLIC, PUBLIC),
    "accounts:password_reset_done": Url(PUBLIC, NOT_ALLOWED),
    "accounts:password_reset_confirm": Url(
        PUBLIC, PUBLIC, lambda w: {"uidb64": "MQ", "token": "set-password"}
    ),
    "accounts:password_reset_complete": Url(PUBLIC, NOT_ALLOWED),
    # Single sign-on: with no provider configured (as here) both lead back to the login page.
    "accounts:oidc_login": Url(PUBLIC, NOT_ALLOWED),
    "accounts:oidc_callback": Url(PUBLIC, NOT_ALLOWED),
    "accounts:awaiting_approval": Url(PUBLIC, NOT_ALLOWED),
    # Two factors: each person's own (nobody here owes a code, so the code page sends on).
    "accounts:second_factor": Url(LOGIN, LOGIN),
    "accounts:security": Url(LOGIN, NOT_ALLOWED),
    "accounts:totp_add": Url(LOGIN, LOGIN),
    "accounts:recovery_codes": Url(LOGIN, LOGIN),
    "accounts:totp_remove": Url(
        NOT_ALLOWED,
        {"professional"},
        lambda w: {"pk": w.totp_device.pk},
        notes="the professional's own app; EXACT_POST",
    ),
    # Passkeys: options (JSON) and the answer are POSTed by static/js/passkeys.js.
    "accounts:passkey_login_options": Url(
        NOT_ALLOWED, LOGIN, notes="409 for whoever owes no second step (ok here)"
    ),
    "accounts:passkey_add_options": Url(NOT_ALLOWED, LOGIN),
    "accounts:passkey_add": Url(NOT_ALLOWED, LOGIN, notes="no answer: back to Security"),
    "accounts:passkey_remove": Url(
        NOT_ALLOWED,
        {"professional"},
        lambda w: {"pk": w.passkey.pk},
        notes="the professional's own passkey; EXACT_POST",
    ),
    # units
    "units:dashboard": Url(LOGIN, LOGIN),
    "units:create": Url(
        {"facilitator", "admin"}, {"facilitator", "admin"}, notes="people who facilitate a unit"
    ),
    "units:programme_create": Url({"facilitator", "admin"}, {"facilitator", "admin"}),
    "units:programme_detail": Url(Perm.VIEW, Perm.VIEW, lambda w: {"slug": w.unit.programme.slug}),
    "units:detail": Url(Perm.VIEW, Perm.VIEW),
    "units:edit": Url(Perm.MANAGE_UNIT, Perm.MANAGE_UNIT),
    "units:members": Url(Perm.VIEW, Perm.VIEW),
    "units:membership_own": Url(Perm.CONTRIBUTE, Perm.CONTRIBUTE),
    "units:membership_role": Url(
        NOT_ALLOWED, Perm.MANAGE_UNIT, unit_kwargs(pk=lambda w: w.membership.pk)
    ),
    "units:membership_end": Url(
        NOT_ALLOWED, Perm.MANAGE_UNIT, unit_kwargs(pk=lambda w: w.membership.pk)
    ),
    "units:consent": Url(
        Perm.VIEW, Perm.VIEW, notes="members answer; an administrator is told they are none"
    ),
    "units:consent_manage": Url(Perm.MANAGE_UNIT, Perm.MANAGE_UNIT),
    "units:consent_paper": Url(
        NOT_ALLOWED, Perm.MANAGE_UNIT, unit_kwargs(pk=lambda w: w.membership.pk)
    ),
    "units:invitation_create": Url(Perm.MANAGE_UNIT, Perm.MANAGE_UNIT),
    "units:invitation_bulk": Url(Perm.MANAGE_UNIT, Perm.MANAGE_UNIT),
    "units:invitation_resend": Url(
        NOT_ALLOWED, Perm.MANAGE_UNIT, unit_kwargs(pk=lambda w: w.invitation.pk)
    ),
    "units:invitation_withdraw": Url(
        NOT_ALLOWED, Perm.MANAGE_UNIT, unit_kwargs(pk=lambda w: w.invitation.pk)
    ),
    "units:invitation_accept": Url(PUBLIC, PUBLIC, lambda w: {"token": w.invitation.token}),
    # The facilitator's own log: the unit's facilitators, nobody else (administrators neither)
    "units:facilitator_notes": Url({"facilitator"}, {"facilitator"}),
    "units:sessions": Url(Perm.VIEW, Perm.VIEW),
    "units:series_create": Url(Perm.MANAGE_SESSIONS, Perm.MANAGE_SESSIONS),
    "units:session_create": Url(Perm.MANAGE_SESSIONS, Perm.MANAGE_SESSIONS),
    "units:session_detail": Url(Perm.VIEW, Perm.VIEW, unit_kwargs(pk=lambda w: w.session.pk)),
    "units:session_edit": Url(
        Perm.MANAGE_SESSIONS, Perm.MANAGE_SESSIONS, unit_kwargs(pk=lambda w: w.session.pk)
    ),
    "units:session_cancel": Url(
        NOT_ALLOWED, Perm.MANAGE_SESSIONS, unit_kwargs(pk=lambda w: w.session.pk)
    ),
    "units:session_rsvp": Url(
        NOT_ALLOWED,
        Perm.VIEW,
        unit_kwargs(pk=lambda w: w.session.pk),
        notes="members answer; anyone else is told so on the page",
    ),
    "units:session_rsvp_link": Url(PUBLIC, PUBLIC, lambda w: {"token": w.rsvp_token}),
    "units:session_attendance": Url(
        NOT_ALLOWED, Perm.MANAGE_SESSIONS, unit_kwargs(pk=lambda w: w.session.pk)
    ),
    "units:session_notes": Url(
        NOT_ALLOWED, Perm.MANAGE_SESSIONS, unit_kwargs(pk=lambda w: w.session.pk)
    ),
    "units:session_attachment_add": Url(
        NOT_ALLOWED, Perm.MANAGE_SESSIONS, unit_kwargs(pk=lambda w: w.session.pk)
    ),
    "units:session_attachment": Url(
        Perm.VIEW,
        Perm.VIEW,
        unit_kwargs(pk=lambda w: w.session.pk, file_pk=lambda w: w.session_attachment.pk),
        notes="a download",
    ),
    "units:session_attachment_delete": Url(
        NOT_ALLOWED,
        Perm.MANAGE_SESSIONS,
        unit_kwargs(pk=lambda w: w.session.pk, file_pk=lambda w: w.session_attachment.pk),
    ),
    "units:agenda_add": Url(
        NOT_ALLOWED, Perm.MANAGE_SESSIONS, unit_kwargs(pk=lambda w: w.session.pk)
    ),
    "units:agenda_edit": Url(
        Perm.MANAGE_SESSIONS,
        Perm.MANAGE_SESSIONS,
        unit_kwargs(pk=lambda w: w.session.pk, item_pk=lambda w: w.agenda_item.pk),
    ),
    "units:agenda_remove": Url(
        NOT_ALLOWED,
        Perm.MANAGE_SESSIONS,
        unit_kwargs(pk=lambda w: w.session.pk, item_pk=lambda w: w.agenda_item.pk),
    ),
    "units:agenda_move": Url(
        NOT_ALLOWED,
        Perm.MANAGE_SESSIONS,
        unit_kwargs(pk=lambda w: w.session.pk, item_pk=lambda w: w.agenda_item.pk),
    ),
    "units:session_ics": Url(Perm.VIEW, Perm.VIEW, unit_kwargs(pk=lambda w: w.session.pk)),
    "units:calendar": Url(LOGIN, LOGIN),
    # Their own access log entries only (who looked at their data).
    "units:access_log_mine": Url(LOGIN, NOT_ALLOWED),
    "units:calendar_revoke": Url(NOT_ALLOWED, LOGIN),
    "units:calendar_feed": Url(PUBLIC, PUBLIC, lambda w: {"token": w.calendar_feed.token}),
    # notifications: a person's own (the professional's notification: nobody else's)
    "notifications:list": Url(LOGIN, NOT_ALLOWED),
    "notifications:open": Url(
        NOT_ALLOWED, {"professional"}, lambda w: {"pk": w.notification.pk}, notes="EXACT_POST"
    ),
    "notifications:mark_all_read": Url(NOT_ALLOWED, LOGIN),
    "notifications:preferences": Url(LOGIN, LOGIN),
    "notifications:link": Url(PUBLIC, PUBLIC, lambda w: {"token": w.preference_token}),
    # phases (the professional is the author of the experiment and owns the step)
    "phases:overview": Url(Perm.VIEW, Perm.VIEW),
    "phases:advance": Url(NOT_ALLOWED, Perm.MANAGE_PHASE),
    "phases:move_back": Url(NOT_ALLOWED, Perm.MANAGE_PHASE),
    "phases:history": Url(Perm.VIEW_HISTORY, Perm.VIEW_HISTORY),
    "phases:phase": Url(Perm.VIEW, Perm.MANAGE_PHASE, unit_kwargs(number=lambda w: 3)),
    "phases:design_edit": Url(Perm.MANAGE_PHASE, Perm.MANAGE_PHASE),
    "phases:baseline_delete": Url(
        NOT_ALLOWED, Perm.MANAGE_PHASE, unit_kwargs(pk=lambda w: w.baseline_item.pk)
    ),
    "phases:plan": Url(Perm.VIEW, Perm.VIEW),
    "phases:goal_create": Url(Perm.MANAGE_PHASE, Perm.MANAGE_PHASE),
    "phases:goal_edit": Url(
        Perm.MANAGE_PHASE, Perm.MANAGE_PHASE, unit_kwargs(pk=lambda w: w.goal.pk)
    ),
    "phases:goal_delete": Url(NOT_ALLOWED, Perm.MANAGE_PHASE, unit_kwargs(pk=lambda w: w.goal.pk)),
    "phases:step_create": Url(
        Perm.MANAGE_PHASE, Perm.MANAGE_PHASE, unit_kwargs(goal_pk=lambda w: w.goal.pk)
    ),
    "phases:step_edit": Url(
        Perm.MANAGE_PHASE, Perm.MANAGE_PHASE, unit_kwargs(pk=lambda w: w.step.pk)
    ),
    "phases:step_delete": Url(NOT_ALLOWED, Perm.MANAGE_PHASE, unit_kwargs(pk=lambda w: w.step.pk)),
    "phases:step_status": Url(
        NOT_ALLOWED,
        {"facilitator", "professional", "admin"},
        unit_kwargs(pk=lambda w: w.step.pk),
        notes="its owner, and whoever manages the plan",
    ),
    "phases:plan_approve": Url(NOT_ALLOWED, Perm.MANAGE_PHASE),
    "phases:plan_version": Url(
        Perm.VIEW, NOT_ALLOWED, unit_kwargs(number=lambda w: w.plan_version.number)
    ),
    "phases:plan_compare": Url(Perm.VIEW, Perm.VIEW),
    "phases:experiments": Url(Perm.VIEW, Perm.VIEW),
    "phases:experiment_create": Url(Perm.CONTRIBUTE, Perm.CONTRIBUTE),
    "phases:experiment_activity": Url(Perm.MANAGE_PHASE, Perm.MANAGE_PHASE),
    "phases:experiment_detail": Url(
        Perm.VIEW, Perm.VIEW, unit_kwargs(pk=lambda w: w.experiment.pk)
    ),
    "phases:experiment_edit": Url(
        {"professional"},
        {"professional"},
        unit_kwargs(pk=lambda w: w.experiment.pk),
        notes="the author only",
    ),
    "phases:experiment_delete": Url(
        NOT_ALLOWED, {"professional"}, unit_kwargs(pk=lambda w: w.experiment.pk)
    ),
    "phases:experiment_comment": Url(
        NOT_ALLOWED, Perm.CONTRIBUTE, unit_kwargs(pk=lambda w: w.experiment.pk)
    ),
    "phases:experiment_attachment_add": Url(
        NOT_ALLOWED,
        {"professional"},
        unit_kwargs(pk=lambda w: w.experiment.pk),
        notes="the author only",
    ),
    "phases:experiment_attachment": Url(
        Perm.VIEW, Perm.VIEW, unit_kwargs(pk=lambda w: w.experiment_attachment.pk)
    ),
    "phases:experiment_attachment_delete": Url(
        NOT_ALLOWED, {"professional"}, unit_kwargs(pk=lambda w: w.experiment_attachment.pk)
    ),
    # The learning monitor: signals and run chart of the unit (figures, like research)
    "phases:monitor": Url(Perm.VIEW_RESEARCH, NOT_ALLOWED),
    "phases:products": Url(Perm.VIEW, Perm.VIEW),
    "phases:product_create": Url(Perm.MANAGE_PHASE, Perm.MANAGE_PHASE),
    "phases:product_detail": Url(
        Perm.VIEW, Perm.MANAGE_PHASE, unit_kwargs(pk=lambda w: w.product.pk)
    ),
    "phases:product_edit": Url(
        Perm.MANAGE_PHASE, Perm.MANAGE_PHASE, unit_kwargs(pk=lambda w: w.product.pk)
    ),
    "phases:product_delete": Url(
        NOT_ALLOWED, Perm.MANAGE_PHASE, unit_kwargs(pk=lambda w: w.product.pk)
    ),
    "phases:product_file": Url(
        Perm.VIEW, Perm.VIEW, unit_kwargs(pk=lambda w: w.product_file.pk), notes="a download"
    ),
    "phases:product_file_delete": Url(
        NOT_ALLOWED, Perm.MANAGE_PHASE, unit_kwargs(pk=lambda w: w.product_file.pk)
    ),
    "phases:dissemination_create": Url(Perm.MANAGE_PHASE, Perm.MANAGE_PHASE),
    "phases:dissemination_edit": Url(
        Perm.MANAGE_PHASE, Perm.MANAGE_PHASE, unit_kwargs(pk=lambda w: w.dissemination.pk)
    ),
    "phases:dissemination_delete": Url(
        NOT_ALLOWED, Perm.MANAGE_PHASE, unit_kwargs(pk=lambda w: w.dissemination.pk)
    ),
    # The learning monitor across units: the person's own units; the definitions for anyone;
    # a programme's units whose figures the person may see (read-only for the manager)
    "monitor:mine": Url(LOGIN, NOT_ALLOWED),
    "monitor:help": Url(PUBLIC, NOT_ALLOWED),
    "monitor:programme": Url(
        Perm.VIEW_RESEARCH, NOT_ALLOWED, lambda w: {"slug": w.unit.programme.slug}
    ),
    # research: the data half (overview, codebook, waves, import, export)
    "research:overview": Url(Perm.VIEW_RESEARCH, NOT_ALLOWED),
    "research:codebook": Url(Perm.VIEW_RESEARCH, Perm.MANAGE_RESEARCH),
    "research:measure_add": Url(Perm.MANAGE_RESEARCH, Perm.MANAGE_RESEARCH),
    "research:measure_edit": Url(
        Perm.MANAGE_RESEARCH, Perm.MANAGE_RESEARCH, unit_kwargs(pk=lambda w: _measure(w).pk)
    ),
    "research:measure_delete": Url(
        Perm.MANAGE_RESEARCH, Perm.MANAGE_RESEARCH, unit_kwargs(pk=lambda w: _measure(w).pk)
    ),
    "research:waves": Url(Perm.VIEW_RESEARCH, Perm.MANAGE_RESEARCH),
    "research:consent": Url(Perm.VIEW_RESEARCH, NOT_ALLOWED),
    "research:respondent_code": Url(
        NOT_ALLOWED, Perm.MANAGE_RESEARCH, unit_kwargs(pk=lambda w: w.membership.pk)
    ),
    "research:wave_edit": Url(
        NOT_ALLOWED, Perm.MANAGE_RESEARCH, unit_kwargs(pk=lambda w: _wave(w).pk)
    ),
    "research:wave_move": Url(
        NOT_ALLOWED, Perm.MANAGE_RESEARCH, unit_kwargs(pk=lambda w: _wave(w).pk)
    ),
    # GET: the confirmation; POST: deletes the wave (it has no data), rolled back after.
    "research:wave_delete": Url(
        Perm.MANAGE_RESEARCH, Perm.MANAGE_RESEARCH, unit_kwargs(pk=lambda w: _wave(w).pk)
    ),
    "research:import": Url(Perm.MANAGE_RESEARCH, Perm.MANAGE_RESEARCH),
    "research:import_batch": Url(
        Perm.MANAGE_RESEARCH, NOT_ALLOWED, unit_kwargs(pk=lambda w: _import_batch(w).pk)
    ),
    "research:import_status": Url(
        Perm.MANAGE_RESEARCH, NOT_ALLOWED, unit_kwargs(pk=lambda w: _import_batch(w).pk)
    ),
    "research:import_confirm": Url(
        NOT_ALLOWED, Perm.MANAGE_RESEARCH, unit_kwargs(pk=lambda w: _import_batch(w).pk)
    ),
    "research:export": Url(Perm.MANAGE_RESEARCH, NOT_ALLOWED, notes="a download"),
    # research: the analysis half (statistics, material, coding, themes, programme comparison)
    "research:statistics": Url(Perm.VIEW_RESEARCH, NOT_ALLOWED),
    "research:method": Url(Perm.VIEW_RESEARCH, NOT_ALLOWED, notes="the 'How we compute' page"),
    "research:materials": Url(Perm.VIEW_RESEARCH, NOT_ALLOWED),
    "research:material_add": Url(Perm.MANAGE_RESEARCH, Perm.MANAGE_RESEARCH),
    "research:material_edit": Url(
        Perm.MANAGE_RESEARCH, Perm.MANAGE_RESEARCH, unit_kwargs(pk=lambda w: _material(w).pk)
    ),
    "research:code_source": Url(
        Perm.VIEW_RESEARCH,
        Perm.MANAGE_RESEARCH,
        unit_kwargs(
            kind=lambda w: "material", pk=lambda w: _material(w).pk, field=lambda w: "text"
        ),
    ),
    "research:fragment_delete": Url(
        NOT_ALLOWED, Perm.MANAGE_RESEARCH, unit_kwargs(pk=lambda w: _fragment(w).pk)
    ),
    "research:fragments_export": Url(Perm.VIEW_RESEARCH, NOT_ALLOWED, notes="a download"),
    "research:themes": Url(Perm.VIEW_RESEARCH, Perm.MANAGE_RESEARCH),
    "research:theme_detail": Url(
        Perm.VIEW_RESEARCH, NOT_ALLOWED, unit_kwargs(pk=lambda w: _fragment(w).themes.get().pk)
    ),
    "research:theme_edit": Url(
        Perm.MANAGE_RESEARCH,
        Perm.MANAGE_RESEARCH,
        unit_kwargs(pk=lambda w: _fragment(w).themes.get().pk),
    ),
    # knowledge sources and the measures each goal aims at (issue 18)
    "research:knowledge": Url(Perm.VIEW_RESEARCH, NOT_ALLOWED),
    "research:goal_measures": Url(Perm.VIEW_RESEARCH, Perm.MANAGE_RESEARCH),
    "research_programme:comparison": Url(
        Perm.VIEW_RESEARCH, NOT_ALLOWED, lambda w: {"slug": w.unit.programme.slug}
    ),
    # agreement between coders (issue 18): the blind page is the second coder's alone
    "research:agreement": Url(Perm.VIEW_RESEARCH, Perm.MANAGE_RESEARCH),
    "research:blind_coding": Url(
        {"researcher"}, {"researcher"}, unit_kwargs(pk=lambda w: _comparison(w, "open").pk)
    ),
    "research:comparison": Url(
        Perm.VIEW_RESEARCH,
        Perm.MANAGE_RESEARCH,
        unit_kwargs(pk=lambda w: _comparison(w, "submitted").pk),
    ),
    # programme factors (issue 18): read like the comparison; linking themes of several
    # units and overriding the coding's answer needs the research of every unit
    "research_programme:factors": Url(
        Perm.VIEW_RESEARCH, COMPARISON_READERS, lambda w: {"slug": w.unit.programme.slug}
    ),
    "research_programme:factor": Url(
        Perm.VIEW_RESEARCH,
        COMPARISON_READERS,
        lambda w: {"slug": w.unit.programme.slug, "pk": _factor(w).pk},
    ),
    # reports of a unit
    "reports:list": Url(Perm.VIEW, Perm.VIEW),
    "reports:request": Url(NOT_ALLOWED, Perm.MANAGE_REPORTS),
    "reports:narrative": Url(
        Perm.MANAGE_REPORTS, Perm.MANAGE_REPORTS, unit_kwargs(kind=lambda w: "baseline")
    ),
    "reports:status": Url(Perm.VIEW, Perm.VIEW, unit_kwargs(pk=lambda w: w.report.pk)),
    "reports:download": Url(
        Perm.VIEW, Perm.VIEW, unit_kwargs(pk=lambda w: w.report.pk), notes="the PDF"
    ),
    "reports:compare": Url(Perm.VIEW, Perm.VIEW, unit_kwargs(pk=lambda w: w.report.pk)),
    # the archive to deposit holds the raw data: the research permission (issue 18)
    "reports:archive": Url(
        Perm.VIEW_RESEARCH, NOT_ALLOWED, unit_kwargs(pk=lambda w: w.report.pk), notes="a ZIP"
    ),
    # reports of a programme: every unit's figures, so the research permission in every
    # unit (the researcher works in both of the programme's units; see EXACT_GET)
    "programme_reports:list": Url(
        COMPARISON_READERS, COMPARISON_READERS, lambda w: {"slug": w.programme.slug}
    ),
    "programme_reports:request": Url(
        NOT_ALLOWED, COMPARISON_READERS, lambda w: {"slug": w.programme.slug}
    ),
    "programme_reports:narrative": Url(
        COMPARISON_READERS,
        COMPARISON_READERS,
        lambda w: {"slug": w.programme.slug, "kind": "comparison"},
    ),
    "programme_reports:status": Url(
        COMPARISON_READERS,
        COMPARISON_READERS,
        lambda w: {"slug": w.programme.slug, "pk": w.programme_report.pk},
    ),
    "programme_reports:download": Url(
        COMPARISON_READERS,
        COMPARISON_READERS,
        lambda w: {"slug": w.programme.slug, "pk": w.programme_report.pk},
    ),
    "programme_reports:compare": Url(
        COMPARISON_READERS,
        COMPARISON_READERS,
        lambda w: {"slug": w.programme.slug, "pk": w.programme_report.pk},
    ),
    # the comparison's archive to deposit: every unit's raw data (issue 18)
    "programme_reports:archive": Url(
        COMPARISON_READERS,
        NOT_ALLOWED,
        lambda w: {"slug": w.programme.slug, "pk": w.programme_report.pk},
        notes="a ZIP",
    ),
}


def _attachment(model: str, **owner):
    """A stored PNG attached to a session or an experiment."""
    from django.apps import apps
    from django.core.files.base import ContentFile

    attachment = apps.get_model(model)(
        original_name="flip-over.png", size=8, content_type="image/png", **owner
    )
    attachment.file.save("flip-over.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return attachment


def _measure(w):
    from research.models import Measure

    return Measure.objects.get_or_create(
        unit=w.unit, code="lonely", defaults={"label": "Lonely", "type": "text"}
    )[0]


def _material(w):
    from research.models import Material

    return Material.objects.filter(unit=w.unit).first() or f.MaterialFactory(unit=w.unit)


def _fragment(w):
    """A passage of a material coded with one theme."""
    from django.contrib.contenttypes.models import ContentType

    from research.models import CodedFragment

    fragment = CodedFragment.objects.filter(unit=w.unit).first()
    if fragment is None:
        material = _material(w)
        fragment = CodedFragment.objects.create(
            unit=w.unit,
            content_type=ContentType.objects.get_for_model(material),
            object_id=material.pk,
            start=0,
            end=2,
            text=material.text[:2],
        )
        fragment.themes.set([f.ThemeFactory(unit=w.unit)])
    return fragment


def _comparison(w, status):
    """A material coded by someone, coded again by the researcher (open: still blind)."""
    from research.models import CodingComparison

    found = CodingComparison.objects.filter(unit=w.unit, status=status).first()
    if found is None:
        material = f.MaterialFactory(unit=w.unit)
        found = CodingComparison.objects.create(
            unit=w.unit, material=material, second_coder=w.people["researcher"], status=status
        )
    return found


def _factor(w):
    from research.models import ProgrammeFactor

    return ProgrammeFactor.objects.get_or_create(programme=w.unit.programme, name="Trust")[0]


def _wave(w):
    from research.services.waves import waves_ensure_defaults

    return waves_ensure_defaults(unit=w.unit)[0]


def _import_batch(w):
    """A previewed import of a valid file, waiting for its confirmation."""
    from django.core.files.base import ContentFile

    from research.models import ImportBatch

    _measure(w)
    batch = ImportBatch(
        unit=w.unit, original_filename="data.csv", wave=_wave(w), status="previewed"
    )
    batch.file.save("data.csv", ContentFile(b"respondent,lonely\nR1,alone\n"), save=True)
    return batch


# Files: uploads, generated reports, exports and calendar feeds (served by views that check
# access, never from MEDIA_URL). Allowed people must get the file itself.
FILES = {
    "accounts:my_data",
    "phases:product_file",
    "phases:experiment_attachment",
    "units:session_attachment",
    "research:export",
    "research:fragments_export",
    "reports:download",
    "reports:archive",
    "programme_reports:download",
    "programme_reports:archive",
    "units:session_ics",
    "units:calendar_feed",
}

# The programme reports' answers spelled out per person (GET), as a check on the rule
# above: the facilitator and the manager see the research of one of the programme's two
# units only, so they are refused (403), while the outsider finds no programme (404).
PROGRAMME_COMPARISON = {
    "anonymous": "login",
    "outsider": "not found",
    "facilitator": "forbidden",
    "researcher": "ok",
    "professional": "forbidden",
    "service_user": "forbidden",
    "manager": "forbidden",
    "admin": "ok",
}
EXACT_GET: dict[str, dict[str, str]] = {
    f"programme_reports:{name}": PROGRAMME_COMPARISON
    for name in ("list", "narrative", "status", "download", "compare", "archive")
}
# Someone else's notification does not exist for anybody but its recipient (404),
# administrators included: it is personal, not part of a unit.
EXACT_POST: dict[str, dict[str, str]] = {
    # Someone else's authenticator app does not exist for anybody but its owner.
    "accounts:totp_remove": {
        "anonymous": "login",
        "outsider": "not found",
        "facilitator": "not found",
        "researcher": "not found",
        "professional": "ok",
        "service_user": "not found",
        "manager": "not found",
        "admin": "not found",
    },
    # Someone else's passkey does not exist for anybody but its owner.
    "accounts:passkey_remove": {
        "anonymous": "login",
        "outsider": "not found",
        "facilitator": "not found",
        "researcher": "not found",
        "professional": "ok",
        "service_user": "not found",
        "manager": "not found",
        "admin": "not found",
    },
    "notifications:open": {
        "anonymous": "login",
        "outsider": "not found",
        "facilitator": "not found",
        "researcher": "not found",
        "professional": "ok",
        "service_user": "not found",
        "manager": "not found",
        "admin": "not found",
    },
}


# --- The world the requests run in -----------------------------------------------


class World:
    """One unit with a person in every role, and one of each thing a URL can point at."""

    def __init__(self, people):
        self.people = people
        self.unit = people["facilitator_unit"]
        self.unit.programme = f.ProgrammeFactory()
        self.unit.save()
        self.membership = self.unit.memberships.get(user=people["professional"])
        from units.models import ConsentText

        ConsentText.objects.create(unit=self.unit, version=1, text_nl="Mag het?", text_en="May we?")
        self.invitation = f.InvitationFactory(
            unit=self.unit, expires_at=timezone.now() + timedelta(days=7)
        )
        self.session = f.SessionFactory(unit=self.unit)
        self.agenda_item = f.AgendaItemFactory(session=self.session)
        self.session_attachment = _attachment(
            "units.SessionAttachment", session=self.session, uploaded_by=people["facilitator"]
        )
        from units.services import calendar_feed_for

        self.calendar_feed = calendar_feed_for(user=people["professional"])
        from units.rsvp import rsvp_token

        self.rsvp_token = rsvp_token(session=self.session, user=people["professional"])
        self._phases(people)
        self._reports(people)
        self._notifications(people)

    def _notifications(self, people):
        from notifications.models import Notification
        from notifications.preferences import link_token

        self.notification = Notification.objects.create(
            recipient=people["professional"],
            kind="response",
            event="experiment.commented",
            unit=self.unit,
            url=self.experiment.get_absolute_url(),
            data={"title": self.experiment.title, "own": True},
        )
        self.preference_token = link_token(user=people["professional"], kind="response")
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # Unconfirmed, so that logging in does not ask the professional for a code.
        self.totp_device = TOTPDevice.objects.create(
            user=people["professional"], name="Phone", confirmed=False
        )
        from accounts.models import WebAuthnCredential

        self.passkey = WebAuthnCredential.objects.create(
            user=people["professional"],
            name="Laptop",
            credential_id="bWF0cml4",
            public_key="bWF0cml4",
            confirmed=False,
        )

    def _reports(self, people):
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        from reports.models import Report

        self.programme = self.unit.programme
        # A second unit in the programme, whose research only the researcher sees.
        other = f.UnitFactory(programme=self.programme)
        f.MembershipFactory(unit=other, user=people["researcher"], role=Role.RESEARCHER)
        f.MembershipFactory(unit=other, role=Role.FACILITATOR)
        pdf = default_storage.save("reports/matrix.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"))

        def done(version, **owner):
            return Report.objects.create(
                kind=owner.pop("kind"),
                language="en",
                version=version,
                status="done",
                progress=100,
                page_count=1,
                pdf=pdf,
                requested_by=people["researcher"],
                finished_at=timezone.now(),
                **owner,
            )

        done(1, unit=self.unit, kind="baseline")
        self.report = done(2, unit=self.unit, kind="baseline")
        done(1, programme=self.programme, kind="comparison")
        self.programme_report = done(2, programme=self.programme, kind="comparison")

    def _phases(self, people):
        from django.core.files.base import ContentFile

        from phases.models import Dissemination, PlanVersion, ProductFile

        author = people["professional"]
        self.baseline_item = f.BaselineItemFactory(unit=self.unit)
        self.goal = f.GoalFactory(unit=self.unit)
        self.step = f.ActionStepFactory(goal=self.goal, owner=author)
        self.plan_version = PlanVersion.objects.create(
            unit=self.unit, number=1, approved_by=people["facilitator"], snapshot={"goals": []}
        )
        self.experiment = f.ExperimentFactory(unit=self.unit, author=author)
        f.ExperimentCommentFactory(experiment=self.experiment, author=people["service_user"])
        self.experiment_attachment = _attachment(
            "phases.ExperimentAttachment", experiment=self.experiment, uploaded_by=author
        )
        self.product = f.ProductFactory(unit=self.unit)
        self.product_file = ProductFile(
            product=self.product,
            original_name="protocol.pdf",
            size=9,
            content_type="application/pdf",
        )
        self.product_file.file.save("protocol.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
        self.dissemination = Dissemination.objects.create(
            unit=self.unit, what="Talk at the regional day", date=timezone.localdate()
        )


@pytest.fixture
def world(unit, facilitator, researcher, member, service_user, manager, outsider, admin_user):
    people = {
        "facilitator_unit": unit,
        "outsider": outsider,
        "facilitator": facilitator,
        "researcher": researcher,
        "professional": member,
        "service_user": service_user,
        "manager": manager,
        "admin": admin_user,
    }
    return World(people)


# --- The mechanism -----------------------------------------------------------------


def all_url_patterns(patterns=None, namespace=""):
    """(qualified name, pattern) for every pattern in the project, namespaces included."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from all_url_patterns(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}{p.name}" if p.name else f"{namespace}<unnamed {p.pattern}>"), p


def project_url_names() -> set[str]:
    return {name for name, _ in all_url_patterns() if not name.startswith("admin:")} | {
        "admin:index"
    }


def outcome(response) -> str:
    code = response.status_code
    if code >= 500:
        return f"error {code}"
    # Sent to log in first (not: sent to the login page after logging out).
    if code in (301, 302, 303) and response.url.startswith(("/accounts/login/?", "/admin/login/")):
        return "login"
    return {403: "forbidden", 404: "not found", 405: "not allowed"}.get(code, "ok")


def expected(rule, persona: str, *, scoped: bool, login_free: bool) -> str:
    """The one outcome of ``rule`` for ``persona``.

    ``scoped``: the URL names the world's unit or programme, which outsiders are not
    part of (404: it does not exist for them). ``login_free``: the URL asks nobody to log in
    (its other method is public or by token), so a refused method is refused to
    anonymous visitors too.
    """
    signed_in = persona != "anonymous"
    if rule == PUBLIC:
        return "ok"
    if rule == TOKEN:
        return "ok" if persona == "admin" else "forbidden"
    if rule == NOT_ALLOWED:
        return "not allowed" if signed_in or login_free else "login"
    if rule == STAFF:
        return "ok" if persona == "admin" else "login"
    if not signed_in:
        return "login"
    if rule == LOGIN:
        return "ok"
    if isinstance(rule, Perm):
        allowed = persona == "admin" or (
            persona in ROLE_OF and rule in ROLE_PERMS[ROLE_OF[persona]]
        )
    else:
        allowed = persona in rule
    if allowed:
        return "ok"
    if persona == "outsider" and scoped:
        return "not found"
    return "forbidden"


def request_as(world, persona, method, path):
    """One request as ``persona``, rolled back afterwards, with the cookies as before it."""
    clients = world.__dict__.setdefault("clients", {})
    if persona not in clients:
        client = Client(raise_request_exception=False)
        if persona != "anonymous":
            client.force_login(world.people[persona])
        clients[persona] = (client, {name: c.value for name, c in client.cookies.items()})
    client, cookies = clients[persona]
    with transaction.atomic():
        response = getattr(client, method)(path)
        transaction.set_rollback(True)
    # A log-out, a language switch or a log-in by invitation changed the cookies.
    client.cookies = SimpleCookie(cookies)
    return response


# --- The tests ------------------------------------------------------------------------


def test_every_url_is_in_the_matrix():
    names = project_url_names()
    missing = sorted(names - EXPECTED.keys())
    assert not missing, (
        "These URL names are not in the permission matrix. Add a line for each to EXPECTED "
        "in tests/test_permission_matrix.py (who may GET and POST it) and, if it takes "
        "ids, how to fill them in from World:\n  " + "\n  ".join(missing)
    )
    assert list(PROGRAMME_COMPARISON) == PERSONAS, "one exact answer for every persona"
    assert not EXACT_GET.keys() - EXPECTED.keys(), "EXACT_GET names URLs not in EXPECTED"
    assert not EXACT_POST.keys() - EXPECTED.keys(), "EXACT_POST names URLs not in EXPECTED"
    assert all(list(answers) == PERSONAS for answers in EXACT_POST.values())
    unknown_files = sorted(FILES - EXPECTED.keys())
    assert not unknown_files, f"FILES names URLs that are not in EXPECTED: {unknown_files}"
    stale = sorted(EXPECTED.keys() - names)
    assert not stale, "These URL names no longer exist; remove them from EXPECTED: " + ", ".join(
        stale
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_permission_matrix(world, name):
    if name not in project_url_names():
        pytest.fail(f"{name} is in EXPECTED but not in the URL configuration")
    line = EXPECTED[name]
    kwargs = line.kwargs(world) if line.kwargs else {}
    try:
        path = reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # mounted under units/<slug>/: the unit's own pages
        kwargs = {"slug": world.unit.slug}
        path = reverse(name, kwargs=kwargs)
    scoped = kwargs.get("slug") in (world.unit.slug, world.programme.slug)
    login_free = any(rule in (PUBLIC, TOKEN) for rule in (line.get, line.post))
    wrong = []
    for method, rule in (("get", line.get), ("post", line.post)):
        for persona in PERSONAS:
            response = request_as(world, persona, method, path)
            got = outcome(response)
            if method == "get" and name in EXACT_GET:
                want = EXACT_GET[name][persona]
            elif method == "post" and name in EXACT_POST:
                want = EXACT_POST[name][persona]
            else:
                want = expected(rule, persona, scoped=scoped, login_free=login_free)
            if got != want:
                wrong.append(f"{method.upper():4} {persona:13} got {got!r}, expected {want!r}")
            elif method == "get" and name in FILES and want == "ok":
                # Whoever may have the file gets the file itself, not a page about it.
                kind = response.get("Content-Type", "")
                if response.status_code != 200 or kind.startswith("text/html"):
                    wrong.append(f"GET  {persona:13} got {response.status_code} {kind}, not a file")
    assert not wrong, f"{name} ({path}):\n  " + "\n  ".join(wrong)


# Joining a programme opens its comparison to the unit: only someone who may manage
# the programme decides it (units.access.programmes_choosable). Everyone posts the
# unit form with another organisation's programme; only the administrator joins it.
PROGRAMME_JOIN = {
    "anonymous": "login",
    "outsider": "not found",
    "facilitator": "refused",  # the form answers "Select a valid choice"
    "researcher": "forbidden",
    "professional": "forbidden",
    "service_user": "forbidden",
    "manager": "forbidden",
    "admin": "joined",
}


def test_programme_join_per_role(world):
    assert list(PROGRAMME_JOIN) == PERSONAS
    unit = world.unit
    foreign = f.ProgrammeFactory(name="Someone else's programme")
    f.UnitFactory(programme=foreign)
    data = {
        "name": unit.name,
        "theme": unit.theme,
        "planned_start": unit.planned_start.isoformat(),
        "planned_end": unit.planned_end.isoformat(),
        "cadence_weeks": "6",
        "reminder_days_before": "2",
        "programme": foreign.pk,
    }
    path = reverse("units:edit", args=[unit.slug])
    got = {}
    for persona in PERSONAS:
        client = Client(raise_request_exception=False)
        if persona != "anonymous":
            client.force_login(world.people[persona])
        with transaction.atomic():
            response = client.post(path, data)
            unit.refresh_from_db()
            if unit.programme_id == foreign.pk:
                got[persona] = "joined"
            elif response.status_code == 200:
                got[persona] = "refused"
            else:
                got[persona] = outcome(response)
            transaction.set_rollback(True)
    assert got == PROGRAMME_JOIN
