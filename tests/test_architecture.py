"""The house: units is the ground floor and knows nobody above it (docs/architecture.md).

What units needs from a higher app (dashboard signals, navigation tabs, the phase
timeline on the overview, demo seeders, what a new unit needs) comes in through
units.registry, filled in the higher apps' AppConfig.ready().
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ABOVE_UNITS = ("phases", "research", "reports")


def _imported_modules(tree: ast.AST):
    """(line, module) for every import anywhere in the module: at the top, inside
    functions and methods, and ``import_module("...")`` with a literal name."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None))
            in ("import_module", "__import__", "import_string")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def _is_above_units(module: str) -> bool:
    return module.split(".")[0] in ABOVE_UNITS


def _units_modules():
    return sorted((ROOT / "units").rglob("*.py"))


def test_the_units_app_has_modules_to_check():
    names = {p.relative_to(ROOT).as_posix() for p in _units_modules()}
    assert {"units/models/core.py", "units/selectors.py", "units/services/units.py"} <= names


@pytest.mark.parametrize("path", _units_modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_module_in_units_imports_an_app_above_it(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = [f"line {line}: {module}" for line, module in _imported_modules(tree)]
    upward = [f for f in found if _is_above_units(f.split(": ", 1)[1])]
    assert upward == [], f"{path.relative_to(ROOT)} imports {upward}; use units.registry"


def test_the_checker_sees_imports_inside_functions():
    source = (
        "import os\n"
        "def f():\n"
        "    from phases.selectors import attention_for_units\n"
        "    import research.models\n"
        "    return import_module('reports.demo')\n"
    )
    modules = [m for _line, m in _imported_modules(ast.parse(source))]
    assert [m for m in modules if _is_above_units(m)] == [
        "phases.selectors",
        "research.models",
        "reports.demo",
    ]


UPWARD_IN_TEMPLATE = re.compile(
    r"""{%\s*url\s+['"](?:phases|research|research_programme|reports|programme_reports):"""
    r"""|{%\s*load\s[^%]*\b(?:phases_tags|research_format|report_format)\b"""
)


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "templates" / "units").rglob("*.*")),
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_no_units_template_links_or_loads_an_app_above_it(path):
    text = path.read_text(encoding="utf-8")
    assert UPWARD_IN_TEMPLATE.findall(text) == [], f"{path.relative_to(ROOT)}: use units.registry"
