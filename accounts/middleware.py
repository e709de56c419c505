from django.utils import translation


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
