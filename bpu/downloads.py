"""For views that serve a file."""

from django.views.decorators.cache import cache_control

#: Reports, products and exports hold personal data: neither a shared computer's
#: browser cache nor a proxy may keep a copy (Cache-Control: private, no-store).
private_download = cache_control(private=True, no_store=True)
