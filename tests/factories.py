"""factory_boy factories for the domain, and helpers that go through the real services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from audits import services as audit_services
from audits.models import AuditorProfile
from backend import clock
from branches.models import Region, Role, Store, User
from scorecards import services
from scorecards.models import ComplaintScenario, RubricItem, ScorecardVersion

PASSWORD = "incognito-test"


class RegionFactory(factory.Factory):
    """Regions live in a treebeard tree, so they are created through ``add_root``/``add_child``."""

    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"R{n:03d}")
    name = factory.Sequence(lambda n: f"Region {n}")
    parent = None

    @classmethod
    def _create(cls, model_class, *, parent=None, **kwargs):
        if parent is None:
            return Region.objects.add_root(kwargs)
        return Region.objects.add_child(parent, kwargs)


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store

    code = factory.Sequence(lambda n: f"ST-{n:03d}")
    name = factory.Sequence(lambda n: f"门店 {n}")
    region = factory.SubFactory(RegionFactory)
    address = "南京东路 1 号"
    city = "上海"
    latitude = Decimal("31.240000")
    longitude = Decimal("121.490000")
    opening_hours = factory.LazyFunction(
        lambda: {day: [["07:00", "23:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    role = Role.HQ_ADMIN
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def managed_regions(self, create, regions, **kwargs):
        if create and regions:
            self.managed_regions.set(regions)

    @factory.post_generation
    def managed_stores(self, create, stores, **kwargs):
        if create and stores:
            self.managed_stores.set(stores)

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()


class AuditorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditorProfile

    user = factory.SubFactory(UserFactory, role=Role.AUDITOR)
    code = factory.Sequence(lambda n: f"AUD-{n:03d}")
    home_city = "上海"


def auditor(username: str, *, first_name: str = "Ann", last_name: str = "Auditor") -> User:
    profile = AuditorProfileFactory(
        user=UserFactory(username=username, role=Role.AUDITOR, first_name=first_name, last_name=last_name),
        code=username.upper().replace("_", "-")[:16],
    )
    return profile.user


# --- Scorecards ---------------------------------------------------------------------------

SMALL_CARD = [
    {
        "key": "food",
        "title": "Food quality",
        "weight": Decimal("2"),
        "items": [
            {
                "key": "fries_hot",
                "prompt": "Fries hot",
                "type": "yes_no",
                "max_points": Decimal("2"),
                "coaching_tip": "Serve fries within 5 minutes of frying.",
            },
            {"key": "burger_taste", "prompt": "Burger taste", "type": "scale", "max_points": Decimal("4")},
            {
                "key": "food_safe",
                "prompt": "Food held at safe temperature",
                "type": "yes_no",
                "max_points": Decimal("1"),
                "critical": True,
            },
        ],
    },
    {
        "key": "service",
        "title": "Service",
        "weight": Decimal("1"),
        "items": [
            {"key": "greeted", "prompt": "Greeted within 10 s", "type": "yes_no", "max_points": Decimal("1")},
            {
                "key": "wait_seconds",
                "prompt": "Seconds from order to food",
                "type": "numeric",
                "max_points": Decimal("3"),
                "unit": "s",
                "bands": [
                    {"lower": Decimal("0"), "upper": Decimal("120"), "points": Decimal("3")},
                    {"lower": Decimal("120"), "upper": Decimal("300"), "points": Decimal("1")},
                    {"lower": Decimal("300"), "upper": None, "points": Decimal("0")},
                ],
            },
            {
                "key": "upsell",
                "prompt": "Suggested a combo",
                "type": "choice",
                "max_points": Decimal("2"),
                "na_allowed": True,
                "options": [
                    {"key": "yes", "label": "Yes", "points": Decimal("2")},
                    {"key": "partly", "label": "Partly", "points": Decimal("1")},
                    {"key": "no", "label": "No", "points": Decimal("0")},
                ],
            },
            {"key": "remarks", "prompt": "Anything else", "type": "text", "max_points": Decimal("0")},
        ],
    },
]

PERFECT_ANSWERS = {
    "fries_hot": True,
    "burger_taste": 5,
    "food_safe": True,
    "greeted": True,
    "wait_seconds": 60,
    "upsell": "yes",
}


def published_version(*, hq: User | None = None, code: str = "QSR", sections=None) -> ScorecardVersion:
    template = services.scorecard_template_create(code=code, name=f"{code} standard", by=hq)
    draft = template.versions.get()
    services.scorecard_version_replace_content(version=draft, sections=sections or SMALL_CARD)
    return services.scorecard_version_publish(version=draft, by=hq)


def complaint_scenario(code: str = "COLD-FOOD") -> ComplaintScenario:
    scenario = ComplaintScenario.objects.create(
        code=code,
        title="Cold fries",
        script="Tell staff the fries are cold.",
        timing="After first bite",
    )
    RubricItem.objects.bulk_create(
        [
            RubricItem(
                scenario=scenario, key="acknowledged", description="Acknowledged", points=Decimal(1), position=0
            ),
            RubricItem(scenario=scenario, key="apologised", description="Apologised", points=Decimal(1), position=1),
            RubricItem(
                scenario=scenario, key="remedy", description="Offered fresh fries", points=Decimal(2), position=2
            ),
            RubricItem(
                scenario=scenario,
                key="fast",
                description="Resolved within 120 s",
                points=Decimal(1),
                within_seconds=120,
                position=3,
            ),
        ]
    )
    return scenario


def record_visit(
    *,
    store: Store,
    version: ScorecardVersion,
    auditor: User,
    answers: dict | None = None,
    when: dt.datetime | None = None,
    release_by: User | None = None,
    **extra,
):
    """A visit stored through the real service, optionally released."""
    when = when or clock.now() - dt.timedelta(days=3)
    given = {**PERFECT_ANSWERS, **(answers or {})}
    visit = audit_services.visit_record(
        store=store,
        version=version,
        auditor=auditor,
        daypart="lunch",
        checked_in_at=when,
        checked_out_at=when + dt.timedelta(minutes=25),
        answers={
            key: value if isinstance(value, audit_services.AnswerInput) else audit_services.AnswerInput(value=value)
            for key, value in given.items()
        },
        **extra,
    )
    if release_by is not None:
        visit = audit_services.visit_release(visit=visit, by=release_by)
    return visit
