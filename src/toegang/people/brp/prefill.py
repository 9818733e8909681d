"""The "Ophalen uit de BRP" part of a page that registers a person (signals.signal_new, cases.add_member).

The page posts a BRP action to its own URL (``brp_actie``): ``bsn`` asks the BRP for one person and fills
the page's form with the answer; ``adres`` lists who lives at an address; ``kies`` fills the form with one
of those residents. The answer travels with the form as a signed snapshot (``brp_token``); on saving, the
page calls ``record`` and each prefilled field gets its source: "uit de BRP" or, when changed, "handmatig".
Bad input gets a Dutch message naming the field and nothing is asked; when the BRP fails, its message is
shown and the professional types the data by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from toegang.accounts.models import User
from toegang.common.errors import DomainError
from toegang.common.forms import UtrechtForm
from toegang.people.brp import services
from toegang.people.brp.client import FIELDS_RESIDENTS, BrpError, BrpPerson
from toegang.people.models import Person, PersonSource

ACTION = "brp_actie"
SNAPSHOT_FIELD = "brp_token"
PICK = "brp_kies"


class BsnLookupForm(UtrechtForm):
    prefix = "brp"
    bsn = forms.CharField(
        label=gettext_lazy("BSN"),
        max_length=11,
        help_text=gettext_lazy("9 cijfers; de BRP vult in wat dit scherm van de persoon vraagt."),
    )


class AddressLookupForm(UtrechtForm):
    prefix = "brpadres"
    postcode = forms.CharField(label=gettext_lazy("Postcode"), max_length=7)
    huisnummer = forms.CharField(
        label=gettext_lazy("Huisnummer"), max_length=12, help_text=gettext_lazy("Bijvoorbeeld 12, 12A of 12-2.")
    )


@dataclass
class Resident:
    person: BrpPerson
    token: str
    known: bool  # already registered in Toegang


@dataclass
class Prefill:
    enabled: bool
    bsn_form: BsnLookupForm
    address_form: AddressLookupForm | None
    acted: bool = False  # the request was a BRP action, not a save
    failed: bool = False  # bad input or a BRP error: the page answers 400
    initial: dict[str, Any] = field(default_factory=dict)
    token: str = ""
    retrieved_at: dt.datetime | None = None
    residents: list[Resident] | None = None
    message: str = ""


def _fill(state: Prefill, token: str, names: list[str]) -> None:
    snapshot = services.read_snapshot(token)
    if snapshot is None:
        state.failed, state.message = True, _("De gegevens uit de BRP zijn verlopen; haal ze opnieuw op.")
        return
    state.initial, state.token, state.retrieved_at = snapshot.initial(names), token, snapshot.retrieved_at


def handle(
    request: HttpRequest,
    *,
    user: User,
    form_fields: list[str],
    fields: tuple[str, ...],
    use: str,
    address: dict[str, str] | None = None,
    bsn: str = "",
    fixed_bsn: bool = False,
) -> Prefill:
    """Handle a BRP action of the page, if the request is one. ``form_fields`` are the names of the page's
    person fields, ``fields`` the BRP field list for this use, ``address`` (postcode and huisnummer) turns on
    the search by address with those initial values, ``bsn`` is the BSN search's initial value; with
    ``fixed_bsn`` it is the only BSN asked (a known person's page: another BSN would fill in someone else)."""
    base_url = services.base_url_for(request)
    action = request.POST.get(ACTION, "") if request.method == "POST" else ""
    if request.method == "POST" and request.POST.get(PICK):
        action = "kies"  # one button per resident, its value the resident's snapshot
    if action not in ("bsn", "kies") and not (action == "adres" and address is not None):
        action = ""  # not a BRP action of this page: the page handles the request as a save
    allowed = bool(base_url) and services.may_query(user)
    bsn_form = BsnLookupForm(request.POST if action == "bsn" else None, initial={"bsn": bsn} if bsn else None)
    if fixed_bsn and bsn:
        field = bsn_form.fields["bsn"]
        field.disabled, field.label = True, gettext_lazy("BSN van deze persoon")
        field.help_text = gettext_lazy("De BRP wordt gevraagd naar dit BSN. Is het fout, corrigeer het dan hieronder.")
    state = Prefill(
        enabled=allowed,
        bsn_form=bsn_form,
        address_form=AddressLookupForm(request.POST if action == "adres" else None, initial=address)
        if address is not None
        else None,
        acted=bool(action),
    )
    if not action:
        return state
    if not base_url:
        state.failed, state.message = True, _("De koppeling met de BRP is niet ingesteld; vul de gegevens zelf in.")
        return state
    if not allowed:
        state.failed, state.message = True, services.NOT_MUNICIPAL
        return state
    try:
        if action == "bsn":
            _by_bsn(state, user=user, base_url=base_url, form_fields=form_fields, fields=fields, use=use)
        elif action == "adres":
            _by_address(state, user=user, base_url=base_url, use=use)
        else:
            _fill(state, request.POST.get(PICK, ""), form_fields)
    except BrpError as error:
        state.failed, state.message = True, error.message
    return state


def _by_bsn(
    state: Prefill, *, user: User, base_url: str, form_fields: list[str], fields: tuple[str, ...], use: str
) -> None:
    form = state.bsn_form
    if not form.is_valid():
        state.failed = True
        return
    try:
        result = services.lookup_bsn(
            actor=user, bsn=form.cleaned_data["bsn"], fields=fields, use=use, base_url=base_url
        )
    except DomainError as error:
        form.add_domain_error(error)
        state.failed = True
        return
    if not result.persons:
        state.message = _("De BRP kent geen persoon met dit BSN. Controleer het nummer of vul de gegevens zelf in.")
        return
    if result.persons[0].deceased:
        state.message = _(
            "Volgens de BRP is de persoon met dit BSN overleden; er is niets ingevuld. Controleer het nummer."
        )
        return
    _fill(state, services.sign_snapshot(result.persons[0], result.retrieved_at), form_fields)
    state.message = _("Gegevens uit de BRP ingevuld; controleer ze en wijzig ze zo nodig voordat u opslaat.")


def _by_address(state: Prefill, *, user: User, base_url: str, use: str) -> None:
    form = state.address_form
    if form is None or not form.is_valid():
        state.failed = True
        return
    try:
        result = services.lookup_address(
            actor=user,
            postcode=form.cleaned_data["postcode"],
            huisnummer=form.cleaned_data["huisnummer"],
            fields=FIELDS_RESIDENTS,
            use=use,
            base_url=base_url,
        )
    except DomainError as error:
        form.add_domain_error(error)
        state.failed = True
        return
    known = set(Person.objects.filter(bsn__in=[p.bsn for p in result.persons]).values_list("bsn", flat=True))
    state.residents = [
        Resident(person=p, token=services.sign_snapshot(p, result.retrieved_at), known=p.bsn in known)
        for p in result.persons
    ]
    if not result.persons:
        state.message = _("De BRP kent niemand op dit adres.")


def typed(request: HttpRequest, form: forms.Form) -> dict[str, Any]:
    """What the page's form held when a BRP button was pressed (the buttons are part of the page's form):
    shown again around the BRP's values, so that asking the BRP does not wipe what was typed."""
    values = {
        name: field.widget.value_from_datadict(request.POST, request.FILES, form.add_prefix(name))
        for name, field in form.fields.items()
    }
    return {name: value for name, value in values.items() if value not in (None, "", [])}


def record(request: HttpRequest, *, user: User, person: Person, typed: dict[str, Any]) -> list[PersonSource]:
    """After saving the person: the provenance of each prefilled field (nothing without a valid snapshot).
    ``typed`` holds the form's person fields as saved."""
    snapshot = services.read_snapshot(request.POST.get(SNAPSHOT_FIELD))
    if snapshot is None or snapshot.values.get("bsn") not in (None, person.bsn):
        return []  # no prefill, or the form was saved for another person than the BRP answer was about
    return services.record_sources(actor=user, person=person, snapshot=snapshot, typed=typed)


def keep_snapshot(request: HttpRequest, state: Prefill) -> None:
    """On a save that fails validation, the page shows the form again: keep the BRP snapshot with it."""
    snapshot = services.read_snapshot(request.POST.get(SNAPSHOT_FIELD))
    if snapshot is not None:
        state.token, state.retrieved_at = str(request.POST.get(SNAPSHOT_FIELD)), snapshot.retrieved_at


def tell_not_taken(request: HttpRequest, form: forms.Form, names: list[str]) -> None:
    """The person with this BSN was known already and kept their data: say which typed values were not
    taken, so that nobody thinks they were saved."""
    if names:
        labels = ", ".join(str(form.fields[name].label).lower() for name in names)
        messages.warning(
            request,
            _(
                "De persoon met dit BSN was al bekend in Toegang; de gegevens daar zijn niet gewijzigd. Niet "
                "overgenomen: %(fields)s."
            )
            % {"fields": labels},
        )
