from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation

from .second_factor import SETUP, VERIFY, owed


class UserLanguageMiddleware:
    """Speaks a signed-in person's chosen language, wherever they log in from.

    Runs after LocaleMiddleware, which has already chosen from the cookie or
    the browser; for a signed-in person their profile wins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class SecondFactorMiddleware:
    """Someone who still owes a second factor (accounts/second_factor.py) can only give it.

    Until then every other page sends them to the code page (``verify``, where a passkey
    works too) or to the page where they add an authenticator app (``setup``; it links to
    the Security page, where they can add a passkey instead). Logging out and switching
    language always work. Reads only the session: no query on ordinary pages.
    """

    ALLOWED = {
        VERIFY: {
            "accounts:second_factor",
            "accounts:passkey_login_options",
            "accounts:logout",
            "accounts:switch_language",
        },
        SETUP: {
            "accounts:security",
            "accounts:totp_add",
            "accounts:passkey_add_options",
            "accounts:passkey_add",
            "accounts:logout",
            "accounts:switch_language",
        },
    }
    DESTINATION = {VERIFY: "accounts:second_factor", SETUP: "accounts:totp_add"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        owes = owed(request) if hasattr(request, "session") else None
        if owes in self.ALLOWED and request.user.is_authenticated:
            match = _resolve(request.path_info)
            if match is None or match.view_name not in self.ALLOWED[owes]:
                target = reverse(self.DESTINATION[owes])
                if request.method == "GET":
                    target = f"{target}?{urlencode({'next': request.get_full_path()})}"
                return redirect(target)
        return self.get_response(request)


def _resolve(path):
    try:
        return resolve(path)
    except Resolver404:
        return None
