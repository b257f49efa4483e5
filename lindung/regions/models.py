from __future__ import annotations

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from lindung.regions import codes


class RegionQuerySet(models.QuerySet["Region"]):
    def within(self, code: str) -> RegionQuerySet:
        """Areas strictly inside `code`: one indexed prefix match on the dotted code."""
        return self.filter(code__startswith=f"{code}.")

    def villages(self) -> RegionQuerySet:
        return self.filter(level=codes.VILLAGE)


class Region(models.Model):
    """One Kemendagri area. The dotted code is the key: descendants share its prefix."""

    class Level(models.IntegerChoices):
        PROVINCE = codes.PROVINCE, _("Provinsi")
        REGENCY = codes.REGENCY, _("Kabupaten/Kota")
        DISTRICT = codes.DISTRICT, _("Kecamatan")
        VILLAGE = codes.VILLAGE, _("Desa/Kelurahan")

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("induk"),
    )
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices)
    name = models.CharField(_("nama"), max_length=100)

    objects = RegionQuerySet.as_manager()

    class Kind(models.TextChoices):
        PROVINSI = "provinsi", _("Provinsi")
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")
        KECAMATAN = "kecamatan", _("Kecamatan")
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")
        DESA_ADAT = "desa_adat", _("Desa adat")

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

    @property
    def is_kota(self) -> bool:
        """A regency-level area that is a city (kota); False below or above that level."""
        return self.level == codes.REGENCY and codes.is_kota(self.code)

    @property
    def is_kabupaten(self) -> bool:
        return self.level == codes.REGENCY and not codes.is_kota(self.code)

    @property
    def kind(self) -> Region.Kind:
        """What the area is, read from its code: kabupaten or kota, desa, kelurahan or desa adat."""
        if self.level == codes.PROVINCE:
            return Region.Kind.PROVINSI
        if self.level == codes.REGENCY:
            return Region.Kind.KOTA if codes.is_kota(self.code) else Region.Kind.KABUPATEN
        if self.level == codes.DISTRICT:
            return Region.Kind.KECAMATAN
        return Region.Kind(codes.village_kind(self.code))

    def get_kind_display(self) -> str:
        return str(self.kind.label)

    def ancestors(self) -> list[Region]:
        """The areas containing this one, province first, in one query."""
        return list(
            Region.objects.filter(code__in=codes.ancestor_codes(self.code)).order_by("level")
        )

    def descendants(self) -> RegionQuerySet:
        return Region.objects.within(self.code)

    def contains(self, other: Region | str) -> bool:
        """True when `other` is this area or lies inside it."""
        return codes.contains(self.code, other if isinstance(other, str) else other.code)

    def village_count(self) -> int:
        """Desa, kelurahan and desa adat inside this area (0 for a village itself)."""
        return self.descendants().villages().count()

    def label(self) -> str:
        """The name as written in an address: "Desa Lubuk Lagan", "Kec. Talo", "Kab. Seluma"."""
        if self.level == codes.REGENCY:
            # The source names regencies "Kabupaten Seluma" / "Kota Bengkulu" already.
            return self.name.replace("Kabupaten ", "Kab. ", 1)
        prefix = {
            Region.Kind.KECAMATAN: _("Kec."),
            Region.Kind.DESA: _("Desa"),
            Region.Kind.KELURAHAN: _("Kelurahan"),
            Region.Kind.DESA_ADAT: _("Desa Adat"),
        }.get(self.kind)
        return self.name if prefix is None else f"{prefix} {self.name}"

    def full_name(self) -> str:
        """ "Desa Lubuk Lagan, Kec. Seluma Barat, Kab. Seluma, Bengkulu" (one query)."""
        return ", ".join(area.label() for area in [self, *reversed(self.ancestors())])
