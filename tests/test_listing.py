"""bpu.listing gives list pages the same text their templates' tags and filters gave."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils.translation import override

from bpu.listing import date_formatter, truncated_words

MOMENTS = [
    datetime.date(2026, 12, 1),
    datetime.date(2027, 3, 9),
    # Late in the evening in UTC: the next day in Amsterdam.
    datetime.datetime(2026, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC")),
    datetime.datetime(2026, 7, 4, 8, 5, tzinfo=ZoneInfo("UTC")),
    None,
    "",
]


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("format_name", ["SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "D"])
def test_dates_are_written_as_the_date_filter_writes_them(language, format_name):
    template = Template("{{ value|date:format_name }}")
    with override(language):
        formatted = date_formatter(format_name)
        for value in MOMENTS:
            is_day = isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
            if is_day and format_name == "SHORT_DATETIME_FORMAT":
                continue  # a day has no time: refused (below)
            expected = template.render(Context({"value": value, "format_name": format_name}))
            assert formatted(value) == expected, value


def test_a_date_in_a_format_with_a_time_is_refused_as_django_refuses_it():
    with pytest.raises(TypeError):
        date_formatter("SHORT_DATETIME_FORMAT")(datetime.date(2026, 12, 1))


def test_words_are_truncated_as_the_truncatewords_filter_truncates_them():
    text = "Een twee drie vier vijf\nzes <b>zeven</b> & acht"
    expected = Template("{{ text|truncatewords:5 }}").render(Context({"text": text}))
    assert Template("{{ text }}").render(Context({"text": truncated_words(text, 5)})) == expected
