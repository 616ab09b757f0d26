"""The day the demo brand is built on in tests, and what the acceptance tests know of it."""

import datetime as dt

# A Monday. The demo's visits run from November 2025 to November 2026 when built on this day.
DEMO_DAY = dt.date(2026, 11, 23)
