"""What the browser flows read off the pages: numbers in cells, CJK in the interface, chart points."""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
NUMBER = re.compile(r"[+\-−±]?\d+(?:\.\d+)?")


def number(text: str, *, last: bool = False) -> float | None:
    """The first (or last) number of a cell: "−6.1 之前 90.6（2 次）" -> -6.1; "–" -> None."""
    found = NUMBER.findall(text)
    if not found:
        return None
    value = found[-1] if last else found[0]
    return float(value.replace("−", "-").replace("±", ""))


def assert_sorted(values: list, *, descending: bool, what: str) -> None:
    """Present values in order (ties allowed), missing ones (None) only at the end."""
    present = [value for value in values if value is not None]
    assert values[: len(present)] == present, f"{what}: a missing value before a present one: {values}"
    assert present == sorted(present, reverse=descending), f"{what}: not sorted: {values}"


def chinese_ui(texts: list[str]) -> list[str]:
    """Interface texts that carry no Chinese at all: untranslated in the Chinese pages."""
    return [text for text in texts if not CJK.search(text) and not re.fullmatch(r"[\W\d_]*|Incognito|PDF|CSV", text)]


def english_ui(texts: list[str]) -> list[str]:
    """Interface texts that carry Chinese: untranslated (or data leaking into labels) in the English pages."""
    return [text for text in texts if CJK.search(text)]


CHART_POINTS = """
var svg = document.querySelector('[data-testid="' + arguments[0] + '"]');
var box = svg.getBoundingClientRect();
var points = Array.prototype.map.call(svg.querySelectorAll(arguments[1]), function (shape) {
    var title = shape.querySelector('title');
    var b = shape.getBoundingClientRect();
    return {title: title ? title.textContent.trim() : '', x: b.left + b.width / 2, y: b.top + b.height / 2,
            width: b.width, height: b.height};
});
return {width: box.width, height: box.height, left: box.left, right: box.right, top: box.top, bottom: box.bottom,
        points: points};
"""


def chart(dashboard, testid: str, selector: str) -> dict:
    """The rendered size of an SVG chart and the on-screen centre and tooltip of each of its marks."""
    return dashboard.browser.execute_script(CHART_POINTS, testid, selector)
