"""The research section's sub-navigation (templates/research/_research_nav.html)."""

from django import template

from units.addresses import unit_url

register = template.Library()

SECTIONS = (
    "overview",
    "codebook",
    "waves",
    "import",
    "consent",
    "statistics",
    "materials",
    "themes",
    "agreement",
    "knowledge",
)


@register.simple_tag
def research_urls(unit) -> dict[str, str]:
    """The addresses of the research sections of ``unit`` (and of the unit and its
    programme's comparison), without a ``reverse`` per link on every research page."""
    urls = {section: unit_url(f"research:{section}", unit.slug) for section in SECTIONS}
    urls["unit"] = unit_url("units:detail", unit.slug)
    if unit.programme_id:
        urls["comparison"] = unit_url("research_programme:comparison", unit.programme.slug)
    return urls
