"""A form renderer that writes the plain widgets of list pages' search forms in Python.

Django renders every widget through three to five nested templates (select, option,
attrs): a four-field search form costs a list page more than its twenty rows. This
renderer writes the same HTML, byte for byte, for the widgets those forms use (select,
the text-like inputs) and hands everything else to Django's templates.
tests/test_plain_widgets.py holds it to Django's own output.

Use it per form: ``default_renderer = PlainWidgetRenderer``.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: no localising, escaped unless already safe."""
    text = str(value)
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _shown(value) -> str:
    """``{{ value }}``: localised (a number in a label), then escaped unless safe."""
    return conditional_escape(localize(value))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_shown(name)}")
        if value is not True:
            parts.append(f'="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html (text, date, number, email ... include it)."""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>\n"
    )


def _option(option: dict) -> str:
    """django/forms/widgets/select_option.html."""
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_shown(option['label'])}</option>\n"
    )


def _select(widget: dict) -> str:
    """django/forms/widgets/select.html."""
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != "django/forms/widgets/select_option.html":
                return None  # a widget of its own options: Django's templates render it
            parts.append(f"\n  {_option(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


_INPUT_TEMPLATES = {
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "input",
        "hidden",
        "text",
        "date",
        "datetime",
        "time",
        "number",
        "email",
        "url",
        "search",
    )
}


class PlainWidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        html = None
        if template_name in _INPUT_TEMPLATES:
            html = _input(context["widget"])
        elif template_name == "django/forms/widgets/select.html":
            html = _select(context["widget"])
        if html is None:
            return super().render(template_name, context, request=request)
        # BaseRenderer.render strips what the template wrote.
        return mark_safe(html.strip())  # noqa: S308 - every value above is escaped
