"""A proposal sent through the API takes the web form's path exactly: the same form
(`proposals.forms.ProposalForm`) reads the fields, the same service (`services.sender_for`,
then `services.proposal_submit`) checks who proposes for which village and period and
writes the proposal, or refuses it with nothing written. Only the field names differ: the
API's are English like the rest of its JSON; refusals come back keyed by them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.programs.models import Programme
from lindung.programs.selectors import programme_for
from lindung.proposals import selectors, services
from lindung.proposals.forms import ProposalForm
from lindung.proposals.models import Proposal
from lindung.proposals.services import IntakeError

MAX_ID = 2**63 - 1
# API field -> the form's (and the spreadsheet template's) column.
FORM_FIELD = {
    "village": "kode_wilayah",
    "nik": "nik",
    "name": "nama",
    "birth_place": "tempat_lahir",
    "birth_date": "tanggal_lahir",
    "sex": "jenis_kelamin",
    "occupation": "pekerjaan",
    "kk": "kk",
    "address": "alamat",
    "phone": "no_hp",
}
API_FIELD = {column: name for name, column in FORM_FIELD.items()}
NON_FIELD = "non_field_errors"
# Which refusal of `sender_for` concerns which field.
_INTAKE_FIELD = {"PROGRAMME": "programme", "VILLAGE": "village"}


def proposal_create(*, actor: User, data: object) -> Proposal:
    """Create one proposal from the API body `data`, or raise ValidationError keyed by API
    field names (PermissionDenied when the role may not propose at all)."""
    if not isinstance(data, Mapping):
        raise ValidationError(
            {NON_FIELD: [_('Kirim satu usulan sebagai objek JSON: {"programme": …, …}.')]}
        )
    programme = _programme(actor, data.get("programme"))
    info = selectors.template_info(actor, programme, timezone.localdate())
    if info is None:
        raise ValidationError(
            {"programme": [_("Program ini tidak berlaku di wilayah kerja Anda.")]}
        )
    occupations = selectors.eligible_occupations(programme)
    form = ProposalForm(
        _form_data(data, occupations),
        occupations=occupations,
        villages=info.villages,
        multi_village=info.multi_village,
    )
    if not form.is_valid():
        raise ValidationError(_api_errors(form.errors))
    # A desa operator's form has no village field; a village they name is still checked,
    # so naming another village is refused rather than ignored.
    village = form.cleaned_data.get("kode_wilayah") or _text(data.get("village")) or None
    try:
        sender = services.sender_for(actor=actor, programme=programme, village_code=village)
    except IntakeError as error:
        raise ValidationError({_INTAKE_FIELD.get(error.code, NON_FIELD): [error.message]}) from None
    try:
        return services.proposal_submit(sender=sender, fields=form.service_fields())
    except ValidationError as error:
        raise ValidationError(_api_errors(error.message_dict)) from None


def _programme(actor: User, value: object) -> Programme:
    if value is None or value == "":
        raise ValidationError(
            {"programme": [_("Isi ID program; daftarnya ada di /api/v1/programmes/.")]}
        )
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not 1 <= number <= MAX_ID:
        raise ValidationError({"programme": [_("ID program harus bilangan bulat positif.")]})
    programme = programme_for(actor, number)
    if programme is None:
        raise ValidationError({"programme": [_("Program tidak ditemukan di wilayah kerja Anda.")]})
    return programme


def _text(value: object) -> str:
    """A JSON scalar as the form would receive it from a text box."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return ""


def _form_data(data: Mapping[str, Any], occupations: Any) -> dict[str, str]:
    """The API body as the form's POST data. A list or an object where text belongs is
    refused first, with its own message."""
    wrong = [name for name in FORM_FIELD if isinstance(data.get(name), (list, dict))]
    if wrong:
        raise ValidationError(
            {name: [_("Isi dengan teks atau angka, bukan daftar atau objek.")] for name in wrong}
        )
    values = {FORM_FIELD[name]: _text(data.get(name)) for name in FORM_FIELD}
    occupation = values["pekerjaan"].strip()
    if occupation and not occupation.isdigit():
        # The name as listed in the programme's occupations is as good as its ID.
        found = occupations.filter(name__iexact=occupation).values_list("pk", flat=True).first()
        if found is not None:
            values["pekerjaan"] = str(found)
    return values


def _api_errors(errors: Mapping[str, Any]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for field, messages in errors.items():
        name = API_FIELD.get(field, NON_FIELD)
        result.setdefault(name, []).extend(str(m) for m in messages)
    return result
