from __future__ import annotations

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from lindung.regions import codes


class Region(models.Model):
    """One Kemendagri area. The dotted code is the key: descendants share its prefix."""

    class Level(models.IntegerChoices):
        PROVINCE = codes.PROVINCE, _("Provinsi")
        REGENCY = codes.REGENCY, _("Kabupaten/Kota")
        DISTRICT = codes.DISTRICT, _("Kecamatan")
        VILLAGE = codes.VILLAGE, _("Desa/Kelurahan")

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("induk"),
    )
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices)
    name = models.CharField(_("nama"), max_length=100)

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="region_code_length_matches_level",
                condition=(
                    models.Q(Exact(Length("code"), 2), level=codes.PROVINCE)
                    | models.Q(Exact(Length("code"), 5), level=codes.REGENCY)
                    | models.Q(Exact(Length("code"), 8), level=codes.DISTRICT)
                    | models.Q(Exact(Length("code"), 13), level=codes.VILLAGE)
                ),
            ),
            models.CheckConstraint(
                name="region_only_provinces_lack_a_parent",
                condition=models.Q(level=codes.PROVINCE, parent__isnull=True)
                | models.Q(level__gt=codes.PROVINCE, parent__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

