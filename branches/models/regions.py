from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from branches import scoping

code_validator = RegexValidator(r"^[A-Z0-9][A-Z0-9-]*$", _("Use upper-case letters, digits and hyphens, e.g. SH-BUND."))


class RegionQuerySet(MP_NodeQuerySet):
    def visible_to(self, user) -> "RegionQuerySet":
        return self.filter(scoping.region_q(user))


class RegionManager(MP_NodeManager):
    def get_queryset(self) -> RegionQuerySet:
        return RegionQuerySet(self.model).order_by("path")

    def visible_to(self, user) -> RegionQuerySet:
        return self.get_queryset().visible_to(user)


class Region(MP_Node):
    """A node of the brand's tree: HQ, a region such as 华东, a district, ... at any depth."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=120)

    objects = RegionManager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def subtree(self) -> RegionQuerySet:
        """This region and every region below it."""
        return Region.objects.filter(path__startswith=self.path)
