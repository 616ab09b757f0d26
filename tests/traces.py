"""Matching an auditor's traces in a response without tripping over random tokens."""

import re


def shows(trace: str, text: str) -> bool:
    """Whether ``text`` carries ``trace`` as a whole word.

    A short surname such as "Li" turns up inside random CSRF tokens and opaque references; only a
    whole word (not flanked by letters or digits) is a leak.
    """
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(trace)}(?![A-Za-z0-9])", text) is not None
