"""Answering a session from the reminder e-mail, without logging in (a signed link).

The GET shows the session and the three answers; only the POST records one, so a
mail program that opens links to check them changes nothing.
"""

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import translation

from .. import services
from ..models import Rsvp, Session
from ..rsvp import rsvp_read


def session_rsvp_link(request, token):
    try:
        session_id, user_id = rsvp_read(token)
        session = Session.objects.select_related("unit").get(pk=session_id)
        person = get_user_model().objects.get(pk=user_id, is_active=True)
    except (signing.BadSignature, Session.DoesNotExist, get_user_model().DoesNotExist):
        return render(request, "units/rsvp_link_invalid.html", status=400)
    answer = Rsvp.objects.filter(session=session, user=person).values_list("answer", flat=True)
    context = {
        "session": session,
        "unit": session.unit,
        "person": person,
        "answers": Rsvp.Answer.choices,
        "current": answer.first() or "",
        "suggested": request.GET.get("answer", ""),
        "error": "",
        "saved": False,
    }
    if request.method == "POST":
        try:
            rsvp = services.rsvp_set(
                session=session, user=person, answer=request.POST.get("answer", "")
            )
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
        else:
            context.update(current=rsvp.answer, saved=True)
    # The link names the person: the page speaks their language, logged in or not.
    with translation.override(person.language):
        return render(request, "units/rsvp_link.html", context)
