from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lindung.regions.models import Region


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class Person(models.Model):
    """A person known to the programme, identified by NIK."""

    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    kk = models.CharField(_("nomor KK"), max_length=16, blank=True)
    name = models.CharField(_("nama"), max_length=150, help_text=_("Seperti tertulis di KTP."))
    name_normalized = models.CharField(
        _("nama baku"), max_length=150, db_index=True, editable=False
    )
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"))
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    village = models.ForeignKey(
        Region, models.PROTECT, related_name="+", verbose_name=_("desa/kelurahan domisili")
    )
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    occupation = models.CharField(_("pekerjaan"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("orang")
        verbose_name_plural = _("orang")
        ordering = ["name_normalized", "nik"]
        constraints = [
            models.CheckConstraint(
                name="person_nik_16_digits", condition=models.Q(nik__regex=r"^[0-9]{16}$")
            ),
            models.CheckConstraint(
                name="person_kk_empty_or_16_digits",
                condition=models.Q(kk="") | models.Q(kk__regex=r"^[0-9]{16}$"),
            ),
            models.CheckConstraint(
                name="person_sex_l_or_p", condition=models.Q(sex__in=["L", "P"])
            ),
            models.CheckConstraint(name="person_name_not_blank", condition=~models.Q(name="")),
        ]

    def __str__(self) -> str:
        return self.name
