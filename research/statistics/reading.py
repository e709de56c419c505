"""A unit's numbers read into numpy arrays, the cheapest way the database allows.

``read_numbers(observations, waves)`` gives every numeric value with its measure,
its wave (as a position in ``waves``) and its respondent (as a row number: the
respondents' codes in sorted order are rows 0, 1, 2, ...). Both readers run one
query and give the same arrays for the same data, so the statistics computed from
them are the same to the last bit, whichever database holds the data.

- PostgreSQL: one row per measure and wave, with the respondent codes joined into
  one text and the values into one ``bytea`` of 8-byte floats (exact, not printed as
  text), so that 300,000 values cost 30 rows and no Python object per value apart
  from the respondent codes.
- Any other database (SQLite in development and most tests): one row per value.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Between respondent codes in the joined text. Codes are letters, digits, "-", "_" and
# "." (RESPONDENT_RE); a code holding one anyway is seen (more codes than values) and
# that unit is read the generic way.
CODE_SEPARATOR = "\n"


@dataclass(frozen=True)
class Numbers:
    """Every numeric value of a unit, one array entry per value, and who answered.

    ``wave_positions`` is -1 for a value in a wave that is not in ``waves`` (never
    counted). ``respondents`` are the codes in row order (sorted).
    """

    measure_ids: np.ndarray
    wave_positions: np.ndarray
    rows: np.ndarray
    values: np.ndarray
    respondents: list[str]


def read_numbers(observations, waves) -> Numbers:
    """The numeric values among ``observations`` (a queryset), in one query."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return read_numbers_postgresql(observations, waves)
    return read_numbers_generic(observations, waves)


def _numbers(observations):
    """The numeric values as (measure, wave, respondent, value): both readers' query."""
    return observations.filter(value_numeric__isnull=False).values_list(
        "measure_id", "wave_id", "respondent", "value_numeric"
    )


def read_numbers_generic(observations, waves) -> Numbers:
    from django.db import connection

    numbers_qs = _numbers(observations)
    # The queryset's own SQL on a plain cursor: for 300,000 values Django's row-by-row
    # iteration would cost more than the query itself.
    sql, params = numbers_qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        numbers = cursor.fetchall()
    wave_pos = {w.pk: i for i, w in enumerate(waves)}
    count = len(numbers)
    (rows,), respondents = respondent_rows([[row[2] for row in numbers]])
    return Numbers(
        measure_ids=np.fromiter((row[0] for row in numbers), dtype=np.int64, count=count),
        wave_positions=np.fromiter(
            (wave_pos.get(row[1], -1) for row in numbers), dtype=np.int64, count=count
        ),
        rows=rows,
        values=np.fromiter((row[3] for row in numbers), dtype=float, count=count),
        respondents=respondents,
    )


def read_numbers_postgresql(observations, waves) -> Numbers:
    from django.db import connection

    inner_sql, params = _numbers(observations).query.sql_with_params()
    # float8send: the value's 8 bytes as they are (big-endian), read with np.frombuffer.
    # The inner SQL is Django's own for the queryset; its values go as parameters.
    sql = (
        "SELECT o.measure_id, o.wave_id, string_agg(o.respondent, %s), "  # noqa: S608
        "string_agg(float8send(o.value_numeric), ''::bytea) "
        f"FROM ({inner_sql}) o GROUP BY o.measure_id, o.wave_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (CODE_SEPARATOR, *params))
        groups = cursor.fetchall()
    wave_pos = {w.pk: i for i, w in enumerate(waves)}
    values = [np.frombuffer(group[3], dtype=">f8") for group in groups]
    # Rows stored in the same order (as an import writes them) give the same text in
    # every measure of a wave: split and looked up once.
    split: dict[str, list[str]] = {}
    codes = []
    for group in groups:
        if group[2] not in split:
            split[group[2]] = group[2].split(CODE_SEPARATOR)
        codes.append(split[group[2]])
    if any(len(c) != len(v) for c, v in zip(codes, values, strict=True)):
        return read_numbers_generic(observations, waves)
    rows, respondents = respondent_rows(codes)
    sizes = [len(v) for v in values]
    return Numbers(
        measure_ids=np.repeat(np.array([g[0] for g in groups], dtype=np.int64), sizes),
        wave_positions=np.repeat(
            np.array([wave_pos.get(g[1], -1) for g in groups], dtype=np.int64), sizes
        ),
        rows=np.concatenate(rows) if rows else np.empty(0, dtype=np.int64),
        values=np.concatenate(values).astype(float) if values else np.empty(0),
        respondents=respondents,
    )


def respondent_rows(groups: Sequence[Sequence[str]]) -> tuple[list[np.ndarray], list[str]]:
    """Row numbers for the respondent codes in each group, and the codes in row order.

    The codes in sorted order get rows 0, 1, 2, ...: the same rows however the
    database returned them. A group that is the same list object as an earlier one
    is looked up once.
    """
    first_seen: dict[str, int] = {}
    counter = itertools.count()
    looked_up: dict[int, np.ndarray] = {}
    positions = []
    for codes in groups:
        if id(codes) not in looked_up:
            # Each code's position of first appearance, all in C (map over a dict method).
            looked_up[id(codes)] = np.fromiter(
                map(first_seen.setdefault, codes, counter), dtype=np.int64, count=len(codes)
            )
        positions.append(looked_up[id(codes)])
    codes_seen = list(first_seen)
    order = sorted(range(len(codes_seen)), key=codes_seen.__getitem__)
    # Row of each code, found by its position of first appearance.
    row_at = np.zeros(next(counter), dtype=np.int64)
    row_at[np.fromiter(first_seen.values(), dtype=np.int64, count=len(first_seen))[order]] = (
        np.arange(len(codes_seen))
    )
    rows = {id(p): row_at[p] for p in positions}
    return [rows[id(p)] for p in positions], [codes_seen[i] for i in order]
