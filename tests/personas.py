"""The named personas of ``tests/conftest.py``'s world, as lists for parametrised tests."""

# Every role and scope, for tests that must hold for everyone (access matrices).
PERSONAS = [
    "anonymous",
    "auditor_a",
    "auditor_b",
    "store_manager_bund",
    "store_manager_wfj",
    "regional_manager_east",
    "regional_manager_north",
    "reviewer",
    "hq",
]
# The store side: they must never learn who audited, nor that a visit is coming.
STORE_SIDE = ["store_manager_bund", "store_manager_wfj", "regional_manager_east", "regional_manager_north"]
