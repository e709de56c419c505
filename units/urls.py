from django.urls import path

from .views import access_log, calendar, consent, members, notes, rsvp, sessions, units

app_name = "units"

unit = "units/<slug:slug>/"
session = unit + "sessions/<int:pk>/"

urlpatterns = [
    path("", units.dashboard, name="dashboard"),
    path("units/new/", units.unit_create, name="create"),
    path("programmes/new/", units.programme_create, name="programme_create"),
    path("programmes/<slug:slug>/", units.programme_detail, name="programme_detail"),
    path(unit, units.unit_detail, name="detail"),
    path(unit + "edit/", units.unit_edit, name="edit"),
    # Members and invitations
    path(unit + "members/", members.members, name="members"),
    path(unit + "members/me/", members.membership_own, name="membership_own"),
    path(unit + "members/<int:pk>/role/", members.membership_role, name="membership_role"),
    path(unit + "members/<int:pk>/end/", members.membership_end, name="membership_end"),
    # Consent
    path(unit + "consent/", consent.consent, name="consent"),
    path(unit + "consent/manage/", consent.consent_manage, name="consent_manage"),
    path(unit + "consent/paper/<int:pk>/", consent.consent_paper, name="consent_paper"),
    path(unit + "invitations/new/", members.invitation_create, name="invitation_create"),
    path(unit + "invitations/list/", members.invitation_bulk, name="invitation_bulk"),
    path(
        unit + "invitations/<int:pk>/resend/", members.invitation_resend, name="invitation_resend"
    ),
    path(
        unit + "invitations/<int:pk>/withdraw/",
        members.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("invitations/<str:token>/", members.invitation_accept, name="invitation_accept"),
    # The facilitator's own log
    path(unit + "notes/", notes.facilitator_notes, name="facilitator_notes"),
    # Sessions
    path(unit + "sessions/", sessions.session_list, name="sessions"),
    path(unit + "sessions/series/", sessions.series_create, name="series_create"),
    path(unit + "sessions/new/", sessions.session_create, name="session_create"),
    path(session, sessions.session_detail, name="session_detail"),
    path(session + "edit/", sessions.session_edit, name="session_edit"),
    path(session + "cancel/", sessions.session_cancel, name="session_cancel"),
    path(session + "answer/", sessions.session_rsvp, name="session_rsvp"),
    path("sessions/answer/<str:token>/", rsvp.session_rsvp_link, name="session_rsvp_link"),
    path(session + "attendance/", sessions.session_attendance, name="session_attendance"),
    path(session + "notes/", sessions.session_notes, name="session_notes"),
    path(session + "files/", sessions.session_attachment_add, name="session_attachment_add"),
    path(session + "files/<int:file_pk>/", sessions.session_attachment, name="session_attachment"),
    path(
        session + "files/<int:file_pk>/delete/",
        sessions.session_attachment_delete,
        name="session_attachment_delete",
    ),
    path(session + "agenda/", sessions.agenda_add, name="agenda_add"),
    path(session + "agenda/<int:item_pk>/", sessions.agenda_edit, name="agenda_edit"),
    path(session + "agenda/<int:item_pk>/remove/", sessions.agenda_remove, name="agenda_remove"),
    path(session + "agenda/<int:item_pk>/move/", sessions.agenda_move, name="agenda_move"),
    path(session + "session.ics", sessions.session_ics, name="session_ics"),
    # Who looked at my data (the access log, NEN 7513)
    path("my-data/access-log/", access_log.access_log_mine, name="access_log_mine"),
    # Calendar
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar/revoke/", calendar.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", calendar.feed, name="calendar_feed"),
]
