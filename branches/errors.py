"""The domain errors (``backend.errors``) as the bottom app hands them to ``branches.policy``.

The policy module imports only Django and ``branches`` (``tests/branches/test_policy.py``
holds it to that), so its refusals reach the one error family through here.
"""

from backend.errors import Forbidden, InvalidInput

__all__ = ["Forbidden", "InvalidInput"]
