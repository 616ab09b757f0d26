"""The parts of a restaurant's day that visits are planned for and scored in."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Daypart(models.TextChoices):
    BREAKFAST = "breakfast", _("Breakfast")
    LUNCH = "lunch", _("Lunch")
    AFTERNOON = "afternoon", _("Afternoon")
    DINNER = "dinner", _("Dinner")
    LATE = "late", _("Late night")


# Local hours [start, end) of each daypart; "late" runs past midnight.
DAYPART_HOURS = {
    Daypart.BREAKFAST: (6, 10),
    Daypart.LUNCH: (10, 14),
    Daypart.AFTERNOON: (14, 17),
    Daypart.DINNER: (17, 21),
    Daypart.LATE: (21, 30),
}
