"""What every paged list shares."""


def query_without_page(request) -> str:
    """The list's other parameters (search, filters) for its page links: "a=1&b=2&" or ""."""
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""
