"""Lint: a status is written as its enum (``VisitStatus.RELEASED``), never as the string ``"released"``.

A misspelt string filters silently to nothing; an enum member that does not exist fails at once,
and renaming a status finds every use. This scans the apps' Python (keyword arguments such as
``status=``/``status__in=``/``visit__status=``, and comparisons with ``.status``/``["status"]``)
and their templates (``{% if x.status == "done" %}``) for the values of every ``*Status`` choices
enum. Templates get the enum from their context or a ``data-status`` attribute instead.

Run: ``python -m tools.status_literals`` (``make check`` does); exits 1 listing each spelling.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("auditor_api", "audits", "backend", "branches", "coaching", "dashboard", "fixtures", "reports", "scorecards")


def status_values() -> set[str]:
    """The values of every TextChoices class named ``*Status`` defined in the apps' models."""
    values: set[str] = set()
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name.endswith("Status"):
                for statement in node.body:
                    if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Tuple | ast.Constant):
                        value = statement.value.elts[0] if isinstance(statement.value, ast.Tuple) else statement.value
                        if isinstance(value, ast.Constant) and isinstance(value.value, str):
                            values.add(value.value)
    return values


def _python_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [text for element in node.elts for text in _strings(element)]
    return []


def _is_status(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr == "status"
    if isinstance(node, ast.Name):
        return node.id == "status"
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "status"
    return False


def _status_lookup(keyword: str) -> bool:
    parts = keyword.split("__")
    return "status" in parts and parts[-1] in ("status", "in", "exact")


def python_spellings(path: Path, values: set[str]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg and _status_lookup(keyword.arg):
                    found += [(node.lineno, text) for text in _strings(keyword.value) if text in values]
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_is_status(operand) for operand in operands):
                for operand in operands:
                    found += [(node.lineno, text) for text in _strings(operand) if text in values]
    return [f"{path.relative_to(ROOT)}:{line}: {text!r}" for line, text in found]


TEMPLATE_COMPARISON = re.compile(r"""\bstatus\s*(?:==|!=|\bin\b)\s*\(?\s*["']([a-z_]+)["']""")


def template_spellings(path: Path, values: set[str]) -> list[str]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        found += [
            f"{path.relative_to(ROOT)}:{number}: {value!r}"
            for value in TEMPLATE_COMPARISON.findall(line)
            if value in values
        ]
    return found


def main() -> int:
    values = status_values()
    problems = [problem for path in _python_files() for problem in python_spellings(path, values)]
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.html")):
            problems += template_spellings(path, values)
    for problem in problems:
        print(f"{problem}: a status spelled as a string; use its enum", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
