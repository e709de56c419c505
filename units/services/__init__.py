"""Every change to units, memberships, invitations and sessions goes through here.

Forms check the shape of the input; these functions check the rules and write
atomically. E-mails are sent by Celery tasks enqueued once the transaction
commits, so that a rolled-back change never sends mail.

One module per topic; callers use the names below (``from units import services;
services.unit_create(...)``).
"""

from .access_log import access_log_cutoff, access_log_purge
from .attachments import session_attachment_add, session_attachment_delete
from .calendar import calendar_feed_for, calendar_feed_revoke
from .consent import consent_record, consent_text_publish, membership_set_respondent_code
from .members import (
    INVITATION_EMAIL_MAX_ATTEMPTS,
    INVITATION_EMAIL_RESEND_AFTER,
    InvitationUnusable,
    invitation_accept,
    invitation_accept_new_account,
    invitation_create,
    invitation_resend,
    invitation_send_email,
    invitation_withdraw,
    invitations_create_bulk,
    invitations_send_waiting,
    membership_change_role,
    membership_end,
    membership_update_own,
)
from .notes import facilitator_note_create
from .reminders import REMINDER_HORIZON, reminders_send_due, session_send_reminder
from .retention import RetentionRun, retention_apply, unit_purge, unit_warn_retention
from .sessions import (
    SERIES_MAX_SESSIONS,
    SeriesResult,
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    agenda_item_update,
    attendance_record,
    local_datetime,
    rsvp_set,
    series_dates,
    session_cancel,
    session_create,
    session_record_notes,
    session_reinstate,
    session_series_create,
    session_update,
)
from .units import (
    CADENCE_WEEKS_MAX,
    CADENCE_WEEKS_MIN,
    DURATION_DAYS_MAX,
    DURATION_DAYS_MIN,
    RESERVED_SLUGS,
    UNIT_EDITABLE,
    group_warnings,
    organisations_from_names,
    programme_create,
    unit_create,
    unit_update,
    unit_warnings,
)

__all__ = [
    "RetentionRun",
    "consent_record",
    "consent_text_publish",
    "membership_set_respondent_code",
    "retention_apply",
    "unit_purge",
    "unit_warn_retention",
    "facilitator_note_create",
    "CADENCE_WEEKS_MAX",
    "CADENCE_WEEKS_MIN",
    "DURATION_DAYS_MAX",
    "DURATION_DAYS_MIN",
    "INVITATION_EMAIL_MAX_ATTEMPTS",
    "INVITATION_EMAIL_RESEND_AFTER",
    "REMINDER_HORIZON",
    "RESERVED_SLUGS",
    "SERIES_MAX_SESSIONS",
    "UNIT_EDITABLE",
    "session_attachment_add",
    "session_attachment_delete",
    "InvitationUnusable",
    "SeriesResult",
    "access_log_cutoff",
    "access_log_purge",
    "agenda_item_add",
    "agenda_item_move",
    "agenda_item_remove",
    "agenda_item_update",
    "attendance_record",
    "calendar_feed_for",
    "calendar_feed_revoke",
    "group_warnings",
    "invitation_accept",
    "invitation_accept_new_account",
    "invitation_create",
    "invitation_resend",
    "invitation_send_email",
    "invitation_withdraw",
    "invitations_create_bulk",
    "invitations_send_waiting",
    "local_datetime",
    "membership_change_role",
    "membership_end",
    "membership_update_own",
    "organisations_from_names",
    "programme_create",
    "reminders_send_due",
    "rsvp_set",
    "series_dates",
    "session_cancel",
    "session_create",
    "session_record_notes",
    "session_reinstate",
    "session_send_reminder",
    "session_series_create",
    "session_update",
    "unit_create",
    "unit_update",
    "unit_warnings",
]
