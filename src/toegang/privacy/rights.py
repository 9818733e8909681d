"""The resident's rights: requests tracked against their statutory term, and the inzage export
(everything held about a person, including who looked at their data) as JSON and PDF."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from toegang.accounts.models import User
from toegang.audit import services as audit
from toegang.audit.labels import object_label, who_for_resident
from toegang.audit.models import AuditEntry
from toegang.cases.models import Involvement, Note, RegisseurAssignment, Trajectory
from toegang.common.dates import add_months, today
from toegang.common.errors import DomainError
from toegang.common.locks import wait_for_writes_on
from toegang.common.pdf import FONT, Document
from toegang.people.bsn import normalise_bsn
from toegang.people.models import Membership, Person
from toegang.plans.models import Exploration, Plan, Review
from toegang.privacy.models import Consent, DeletionRecord, RightsRequest
from toegang.privacy.scope import persons_of
from toegang.signals.models import Signal

# Statutory terms in months, with their source (DOMAIN.md §5.1 and §5.2).
TERMS: dict[str, tuple[int, str]] = {
    RightsRequest.Kind.ACCESS: (1, "AVG art. 12 lid 3: binnen een maand"),
    RightsRequest.Kind.CORRECTION: (1, "AVG art. 12 lid 3: binnen een maand"),
    RightsRequest.Kind.OBJECTION: (1, "AVG art. 12 lid 3: binnen een maand"),
    RightsRequest.Kind.DESTRUCTION: (3, "Jeugdwet art. 7.3.9: binnen drie maanden"),
}


def _require_privacy_officer(actor: User) -> None:
    if actor.role != User.Role.PRIVACY_OFFICER:
        raise DomainError(_("Verzoeken: alleen de privacyfunctionaris behandelt verzoeken van inwoners."))


@transaction.atomic
def register_request(*, actor: User, bsn: str, kind: str, received_on: dt.date, description: str = "") -> RightsRequest:
    _require_privacy_officer(actor)
    if kind not in RightsRequest.Kind.values:
        raise DomainError(_("Soort verzoek: kies inzage, correctie, bezwaar of vernietiging."), field="kind")
    if received_on > today():
        raise DomainError(_("Ontvangen op: de datum ligt in de toekomst."), field="received_on")
    if received_on < today() - dt.timedelta(days=366):
        raise DomainError(
            _("Ontvangen op: ligt meer dan een jaar terug; registreer een verzoek wanneer het binnenkomt."),
            field="received_on",
        )
    person = persons_of(actor).filter(bsn=normalise_bsn(bsn)).first()
    if person is None:
        raise DomainError(_("BSN: er is geen persoon met dit nummer in uw gemeente geregistreerd."), field="bsn")
    months, _source = TERMS[kind]
    request = RightsRequest.objects.create(
        person=person,
        kind=kind,
        received_on=received_on,
        due_on=add_months(received_on, months),
        description=description.strip(),
        recorded_by=actor,
    )
    audit.record(actor=actor, action=audit.Action.CREATE, obj=request, subjects=[person.pk], detail=kind)
    return request


def same_open_request(request: RightsRequest) -> RightsRequest | None:
    """An earlier open request of the same kind for the same person (a second letter or call about the same
    thing): the privacy officer is told, so that one answer serves both."""
    return (
        RightsRequest.objects.filter(person_id=request.person_id, kind=request.kind, status=RightsRequest.Status.OPEN)
        .exclude(pk=request.pk)
        .order_by("received_on", "pk")
        .first()
    )


@transaction.atomic
def request_from_portal(*, actor: User, person: Person, kind: str, description: str = "") -> RightsRequest:
    """A resident (or their representative) files a request in the portal; it joins the privacy officer's
    list with its statutory term, as one registered at the desk would. One open request per kind."""
    if kind not in (RightsRequest.Kind.ACCESS, RightsRequest.Kind.CORRECTION, RightsRequest.Kind.OBJECTION):
        raise DomainError(_("Soort verzoek: kies inzage, correctie of bezwaar."), field="kind")
    wait_for_writes_on(Person, person.pk)  # two at the same instant: the second sees the first below
    if RightsRequest.objects.filter(person=person, kind=kind, status=RightsRequest.Status.OPEN).exists():
        raise DomainError(_("Verzoek: er loopt al een verzoek van deze soort; u krijgt daarop antwoord."))
    if len(description) > 2000:
        raise DomainError(_("Toelichting: ten hoogste 2000 tekens."), field="description")
    months, _source = TERMS[kind]
    received = today()
    request = RightsRequest.objects.create(
        person=person,
        kind=kind,
        received_on=received,
        due_on=add_months(received, months),
        description=("Via het portaal. " + description.strip()).strip(),
        recorded_by=actor,
    )
    audit.record(actor=actor, action=audit.Action.CREATE, obj=request, subjects=[person.pk], detail=kind)
    return request


def destructible_trajectories(person: Person, *, officer: User) -> QuerySet[Trajectory]:
    """The closed dossiers of the officer's municipality that ran while the person was a member of
    the household (as the inzage export counts them, AVG art. 15 lid 4): what a request for destruction
    (Jeugdwet art. 7.3.9) can cover. A running trajectory is closed first; another municipality's
    dossier is for that municipality's privacy officer."""
    while_member = Membership.objects.filter(
        person=person, household_id=OuterRef("household_id"), start_date__lte=OuterRef("closed_on")
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("started_on")))
    qs = Trajectory.objects.filter(Exists(while_member), status=Trajectory.Status.CLOSED)
    if not officer.is_superuser:
        qs = qs.filter(household__municipality_id=officer.municipality_id or 0)
    return qs.select_related("household").order_by("-closed_on", "-pk")


@transaction.atomic
def close_request(
    *,
    actor: User,
    request: RightsRequest,
    status: str,
    handled_on: dt.date,
    outcome: str,
    trajectories: Iterable[Trajectory] = (),
    no_exception: bool = False,
) -> RightsRequest:
    """Record how a request was handled. A request for destruction that is granted destroys the chosen
    closed dossiers in the same transaction (as the retention run does: everything or nothing), after
    the privacy officer confirmed that none of the legal exceptions of Jeugdwet art. 7.3.9 applies."""
    _require_privacy_officer(actor)
    locked = RightsRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != RightsRequest.Status.OPEN:
        raise DomainError(_("Verzoek: dit verzoek is al afgehandeld."))
    if status not in (RightsRequest.Status.DONE, RightsRequest.Status.REFUSED):
        raise DomainError(_("Status: kies afgehandeld of afgewezen."), field="status")
    if handled_on < locked.received_on or handled_on > today():
        raise DomainError(_("Afgehandeld op: kies een datum tussen ontvangst en vandaag."), field="handled_on")
    if status == RightsRequest.Status.REFUSED and not outcome.strip():
        raise DomainError(
            _("Uitkomst: leg uit waarom het verzoek is afgewezen (bijvoorbeeld de wettelijke uitzondering)."),
            field="outcome",
        )
    detail = status
    if locked.kind == RightsRequest.Kind.DESTRUCTION and status == RightsRequest.Status.DONE:
        destroyed = _destroy_on_request(actor, locked, trajectories, no_exception)
        detail = f"{status}: {destroyed} traject(en) vernietigd"
        outcome = outcome.strip() or _("%(n)s afgesloten traject(en) vernietigd.") % {"n": destroyed}
    locked.status, locked.handled_on, locked.outcome = status, handled_on, outcome.strip()
    locked.save(update_fields=["status", "handled_on", "outcome"])
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=locked, subjects=[locked.person_id], detail=detail)
    return locked


def _destroy_on_request(
    actor: User, request: RightsRequest, trajectories: Iterable[Trajectory], no_exception: bool
) -> int:
    from toegang.privacy import retention  # retention imports the case models; kept out of module load

    if not no_exception:
        raise DomainError(
            _(
                "Geen wettelijke uitzondering: bevestig dat geen aanmerkelijk belang van een ander en geen wettelijk "
                "voorschrift zich tegen vernietiging verzet (Jeugdwet art. 7.3.9), of wijs het verzoek af."
            ),
            field="no_exception",
        )
    wanted = {t.pk for t in trajectories}
    if not wanted:
        raise DomainError(_("Te vernietigen trajecten: kies ten minste één afgesloten traject."), field="trajectories")
    selected = list(
        destructible_trajectories(request.person, officer=actor).filter(pk__in=wanted).select_for_update(of=("self",))
    )
    if len(selected) != len(wanted):
        raise DomainError(
            _(
                "Te vernietigen trajecten: kies alleen afgesloten trajecten van deze gemeente uit de tijd dat deze "
                "inwoner lid was van het huishouden."
            ),
            field="trajectories",
        )
    held = [t for t in selected if t.legal_hold]
    if held:
        raise DomainError(
            _("Te vernietigen trajecten: %(names)s heeft een juridische blokkade; die gaat voor.")
            % {"names": ", ".join(t.household.name for t in held)},
            field="trajectories",
        )
    objected = set(Trajectory.objects.filter(retention.under_objection(), pk__in=wanted).values_list("pk", flat=True))
    if objected:
        raise DomainError(
            _("Te vernietigen trajecten: bij %(names)s loopt een bezwaar; vernietig pas als dat is afgehandeld.")
            % {"names": ", ".join(t.household.name for t in selected if t.pk in objected)},
            field="trajectories",
        )
    for trajectory in selected:
        retention.destroy(trajectory)
    DeletionRecord.objects.create(
        executed_at=timezone.now(), rule=None, category="vernietiging op verzoek", count=len(selected)
    )
    return len(selected)


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _procedures(person: Person) -> list[dict[str, Any]]:
    from toegang.procedures.models import Procedure  # procedures builds on cases; loaded when exporting

    procedures = (
        Procedure.objects.filter(person=person)
        .prefetch_related("decisions__provisions__category", "decisions__provisions__provider", "decisions__objections")
        .order_by("reported_on", "pk")
    )
    return [
        {
            "wet": p.get_law_display(),
            "melding": _day(p.reported_on),
            "aanvraag": _day(p.application_on),
            "stand": p.get_status_display(),
            "ingetrokken": _day(p.withdrawn_on),
            "besluit_bekendgemaakt": _day(p.decided_on),
            "uitkomst_besluit": p.get_decided_outcome_display() if p.decided_outcome else "",
            "beschikkingen": [
                {
                    "uitkomst": d.get_outcome_display(),
                    "status": d.get_status_display(),
                    "bekendgemaakt": _day(d.sent_on),
                    "motivering": d.reasoning,
                    "voorzieningen": [
                        f"{v.category} {v.product_code}, {v.get_delivery_display()}"
                        + (f", {v.provider.name}" if v.provider else "")
                        + f", {_day(v.start_date)} t/m {_day(v.end_date) or 'nader te bepalen'}"
                        for v in d.provisions.all()
                    ],
                    "bezwaren": [
                        {"ontvangen": _day(o.received_on), "uitkomst": o.get_outcome_display() if o.outcome else ""}
                        for o in d.objections.all()
                    ],
                }
                for d in p.decisions.all()
            ],
        }
        for p in procedures
    ]


def export_person(
    *,
    actor: User,
    person: Person,
    municipality_id: int | None = None,
    working_material: bool = True,
    own_part_only: bool = False,
    reader: User | None = None,
) -> dict[str, Any]:
    """Everything held about one person, as plain data (for JSON and the PDF). The export is logged.
    What one municipality holds (the actor's, or ``municipality_id``): it is the controller that answers.

    The portal's download, which no privacy officer reviews for other people's data first (AVG art. 15
    lid 4), leaves out the working material (explorations, reviews, notes: ``working_material``) and,
    for a representative outside the household, the plan goals without an action of the person
    (``own_part_only``); the full export comes through a request to the privacy officer. ``reader`` is
    the resident's own account when they download it themselves (their rows then say "Uzelf"); the
    privacy officer's export names nobody as "you"."""
    municipality_id = municipality_id if municipality_id is not None else actor.municipality_id
    memberships = list(
        Membership.objects.filter(person=person, household__municipality_id=municipality_id or 0)
        .select_related("household")
        .order_by("start_date")
    )
    household_ids = [m.household_id for m in memberships]
    day = today()

    def overlaps(t: Trajectory) -> bool:
        """Only what happened while the person lived in that household (AVG art. 15 lid 4)."""
        return any(
            m.household_id == t.household_id
            and t.started_on <= (m.end_date or day)
            and (t.closed_on or day) >= m.start_date
            for m in memberships
        )

    trajectories = [
        t for t in Trajectory.objects.filter(household_id__in=household_ids).order_by("started_on") if overlaps(t)
    ]
    plans = list(
        Plan.objects.filter(trajectory__in=trajectories)
        .prefetch_related("goals__domain", "goals__actions")
        .order_by("trajectory_id", "version")
    )
    data: dict[str, Any] = {
        "opgesteld_op": timezone.localtime().isoformat(timespec="seconds"),
        "persoon": {
            "bsn": person.bsn,
            "voornamen": person.voornamen,
            "voorvoegsel": person.voorvoegsel,
            "geslachtsnaam": person.geslachtsnaam,
            "geboortedatum": _day(person.geboortedatum),
            "adres": " ".join(p for p in (person.straat, person.huisnummer, person.postcode, person.woonplaats) if p),
            "telefoon": person.telefoon,
            "email": person.email,
        },
        "herkomst_persoonsgegevens": [  # AVG art. 15 lid 1 (g): the source of data not given by the person
            {
                "gegeven": s.get_field_display(),
                "bron": s.get_source_display(),
                "opgehaald_uit_de_brp": timezone.localtime(s.retrieved_at).isoformat(timespec="minutes"),
                "waarde_volgens_de_brp": s.value,
            }
            for s in person.sources.order_by("pk")
        ],
        "huishoudens": [
            {
                "huishouden": m.household.name,
                "rol": m.get_role_display(),
                "vanaf": _day(m.start_date),
                "tot_en_met": _day(m.end_date),
            }
            for m in memberships
        ],
        "meldingen": [
            {
                "ontvangen": _day(s.received_on),
                "bron": s.get_source_display(),
                "omschrijving": s.description,
                "uitkomst": s.get_outcome_display() if s.outcome else "nog niet getriageerd",
            }
            for s in Signal.objects.filter(persons=person).order_by("received_on")
        ],
        "trajecten": [],
        "toestemmingen": [
            {
                "doel": c.activity.name,
                "organisaties": [o.name for o in c.organisations.all()],
                "gegevens": c.categories,
                "gegeven_op": _day(c.given_on),
                "geldig_tot_en_met": _day(c.valid_until),
                "ingetrokken_op": _day(c.withdrawn_on),
            }
            for c in Consent.objects.filter(person=person).select_related("activity").prefetch_related("organisations")
        ],
        "procedures_en_beschikkingen": _procedures(person),
        "verzoeken": [
            {"soort": r.get_kind_display(), "ontvangen": _day(r.received_on), "status": r.get_status_display()}
            for r in RightsRequest.objects.filter(person=person).order_by("received_on")
        ],
        "wie_zag_mijn_gegevens": [
            {
                "moment": timezone.localtime(e.at).isoformat(timespec="seconds"),
                "gebruiker": who_for_resident(e, reader.pk if reader is not None else None),
                "organisatie": e.organisation_name,
                "rol": e.role_label,
                "handeling": e.get_action_display(),
                "gegeven": object_label(e.object_type),
                "noodtoegang": e.emergency,
            }
            for e in AuditEntry.objects.filter(subjects__person_id=person.pk).select_related("actor").order_by("-id")
        ],
    }
    for t in trajectories:
        data["trajecten"].append(
            {
                "gestart": _day(t.started_on),
                "afgesloten": _day(t.closed_on),
                "reden_afsluiting": t.get_closure_reason_display() if t.closure_reason else "",
                "regisseurs": [
                    {"naam": str(a.professional), "vanaf": _day(a.start_date), "tot_en_met": _day(a.end_date)}
                    for a in RegisseurAssignment.objects.filter(trajectory=t).select_related("professional")
                ],
                "betrokken_organisaties": sorted(
                    {
                        i.organisation.name
                        for i in Involvement.objects.filter(trajectory=t).select_related("organisation")
                    }
                ),
                "plannen": [
                    {
                        "versie": p.version,
                        "status": p.get_status_display(),
                        "afgesproken_op": _day(p.agreed_on),
                        "doelen": [
                            {
                                "leefdomein": g.domain.name,
                                "resultaat": g.result,
                                "te_bereiken_op": _day(g.due_on),
                                "status": g.get_status_display(),
                                "acties": [
                                    {
                                        "actie": a.description,
                                        "wie": a.party_label,
                                        "uiterlijk": _day(a.due_on),
                                        "status": a.get_status_display(),
                                    }
                                    for a in g.actions.all()
                                    if not own_part_only or a.member_id == person.pk
                                ],
                            }
                            for g in p.goals.all()
                            if not own_part_only or any(a.member_id == person.pk for a in g.actions.all())
                        ],
                    }
                    for p in plans
                    if p.trajectory_id == t.pk
                ],
                "verkenningen": None
                if not working_material
                else [
                    {
                        "datum": _day(e.held_on),
                        "aanwezig": e.participants,
                        "samenvatting": e.summary,
                        "leefdomeinen": [
                            {
                                "leefdomein": f.domain.name,
                                "situatie": f.situation,
                                "krachten": f.strengths,
                                "zorgen": f.concerns,
                                "zelf": f.own_capacity,
                            }
                            for f in e.findings.all()
                        ],
                        "zelfredzaamheid": [
                            {"leefdomein": s.domain.name, "niveau": str(s.level)} for s in e.scores.all()
                        ],
                    }
                    for e in Exploration.objects.filter(trajectory=t)
                    .prefetch_related("findings__domain", "scores__domain", "scores__level")
                    .order_by("held_on")
                ],
                "voortgangsbesprekingen": None
                if not working_material
                else [
                    {
                        "datum": _day(r.held_on),
                        "samenvatting": r.summary,
                        "doelen": [
                            {"resultaat": gr.goal.result, "uitkomst": gr.get_outcome_display(), "toelichting": gr.note}
                            for gr in r.goal_reviews.all()
                        ],
                    }
                    for r in Review.objects.filter(plan__trajectory=t)
                    .prefetch_related("goal_reviews__goal")
                    .order_by("held_on")
                ],
                # all notes: the right of access also covers what is kept within one organisation
                "notities": None
                if not working_material
                else [
                    {
                        "datum": _day(n.happened_on),
                        "soort": n.get_kind_display(),
                        "tekst": n.text,
                        "alleen_voor_organisatie": n.restricted_to.name if n.restricted_to else "",
                    }
                    for n in Note.objects.filter(trajectory=t).select_related("restricted_to").order_by("happened_on")
                ],
            }
        )
    if not working_material:
        data["toelichting"] = (
            "Werkaantekeningen (verkenningen, voortgangsbesprekingen, notities) staan niet in deze download: "
            "daarin staat vaak ook iets over anderen. Vraag volledige inzage aan; de privacyfunctionaris "
            "beantwoordt die binnen een maand."
        )
    audit.record(actor=actor, action=audit.Action.EXPORT, obj=person, subjects=[person.pk], detail="inzage-export")
    return data


def export_response(data: dict[str, Any], *, fmt: str, name: str) -> HttpResponse:
    """The inzage export as a download: ``fmt`` is "pdf" or "json" (the caller turns others away)."""
    if fmt == "pdf":
        response = HttpResponse(render_pdf(data), content_type="application/pdf")
    else:
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


PERSON_LABELS = {
    "bsn": "BSN",
    "voornamen": "Voornamen",
    "voorvoegsel": "Voorvoegsel",
    "geslachtsnaam": "Geslachtsnaam",
    "geboortedatum": "Geboortedatum",
    "adres": "Adres",
    "telefoon": "Telefoon",
    "email": "E-mail",
}
_ISO_MOMENT = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2})(?::\d{2})?(?:[+-]\d{2}:\d{2}|Z)?)?\b")


def _dutch_dates(text: str) -> str:
    """The PDF is read by people: 2026-04-08 as 8-4-2026, a moment without seconds and offset. The JSON
    keeps ISO 8601 for programs."""
    return _ISO_MOMENT.sub(lambda m: f"{int(m[3])}-{int(m[2])}-{m[1]}" + (f" {m[4]}" if m[4] else ""), text)


def render_pdf(data: dict[str, Any]) -> bytes:
    """The inzage export as a readable PDF."""
    pdf = Document()
    pdf.set_title("Inzage persoonsgegevens")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 10, "Inzage: alle gegevens die wij over u hebben", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.cell(0, 6, _dutch_dates(f"Opgesteld op {data['opgesteld_op']}"), new_x="LMARGIN", new_y="NEXT")

    def section(title: str) -> None:
        pdf.ln(3)
        pdf.set_font(FONT, "B", 12)
        pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)

    def line(text: str, indent: int = 0) -> None:
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, 5, _dutch_dates(text), new_x="LMARGIN", new_y="NEXT")

    if data.get("toelichting"):
        line(data["toelichting"])
    section("Uw gegevens")
    for key, value in data["persoon"].items():
        if value:
            line(f"{PERSON_LABELS.get(key, key)}: {value}")
    for source in data.get("herkomst_persoonsgegevens", []):
        line(
            f"{source['gegeven']}: {source['bron']} (de BRP gaf op {source['opgehaald_uit_de_brp']}: "
            f"{source['waarde_volgens_de_brp']})"
        )
    section("Huishoudens")
    for h in data["huishoudens"]:
        line(
            f"{h['huishouden']} - {h['rol']}, vanaf {h['vanaf']}"
            + (f" tot en met {h['tot_en_met']}" if h["tot_en_met"] else "")
        )
    section("Meldingen")
    for s in data["meldingen"]:
        line(f"{s['ontvangen']} - {s['bron']}: {s['omschrijving']} ({s['uitkomst']})")
    if not data["meldingen"]:
        line("Geen meldingen.")
    section("Trajecten, plannen en notities")
    for t in data["trajecten"]:
        line(
            f"Traject gestart {t['gestart']}"
            + (f", afgesloten {t['afgesloten']} ({t['reden_afsluiting']})" if t["afgesloten"] else "")
        )
        line("Regisseurs: " + ", ".join(r["naam"] for r in t["regisseurs"]), 4)
        line("Betrokken organisaties: " + ", ".join(t["betrokken_organisaties"]), 4)
        for p in t["plannen"]:
            line(f"Plan versie {p['versie']} ({p['status']})", 4)
            for g in p["doelen"]:
                line(f"- {g['leefdomein']}: {g['resultaat']} (uiterlijk {g['te_bereiken_op']}, {g['status']})", 8)
                for a in g["acties"]:
                    line(f"* {a['actie']} - {a['wie']}, uiterlijk {a['uiterlijk']} ({a['status']})", 12)
        for e in t["verkenningen"] or []:
            line(f"Verkenning {e['datum']}: {e['samenvatting']}", 4)
            for f in e["leefdomeinen"]:
                line(f"- {f['leefdomein']}: {f['situatie']} {f['zorgen']}".rstrip(), 8)
            for z in e["zelfredzaamheid"]:
                line(f"- zelfredzaamheid {z['leefdomein']}: {z['niveau']}", 8)
        for r in t["voortgangsbesprekingen"] or []:
            line(f"Voortgangsbespreking {r['datum']}: {r['samenvatting']}", 4)
            for g in r["doelen"]:
                line(f"- {g['resultaat']}: {g['uitkomst']}", 8)
        for n in t["notities"] or []:
            extra = f" (alleen voor {n['alleen_voor_organisatie']})" if n["alleen_voor_organisatie"] else ""
            line(f"{n['datum']} {n['soort']}{extra}: {n['tekst']}", 4)
    section("Toestemmingen")
    if not data["toestemmingen"]:
        line("Geen toestemmingen vastgelegd.")
    for c in data["toestemmingen"]:
        line(
            f"{c['doel']} met {', '.join(c['organisaties'])}: {c['gegeven_op']} t/m {c['geldig_tot_en_met']}"
            + (f", ingetrokken {c['ingetrokken_op']}" if c["ingetrokken_op"] else "")
        )
    section("Procedures en beschikkingen")
    if not data["procedures_en_beschikkingen"]:
        line("Geen wettelijke procedures.")
    for p in data["procedures_en_beschikkingen"]:
        line(f"{p['wet']}: melding {p['melding']}, aanvraag {p['aanvraag'] or '-'}, stand {p['stand']}")
        if p["besluit_bekendgemaakt"] and not p["beschikkingen"]:  # a decision taken outside Toegang
            line(
                f"Besluit ({p['uitkomst_besluit'] or 'uitkomst niet vastgelegd'}), "
                f"bekendgemaakt {p['besluit_bekendgemaakt']}",
                4,
            )
        for d in p["beschikkingen"]:
            line(f"Beschikking ({d['uitkomst']}, {d['status']}, bekendgemaakt {d['bekendgemaakt'] or '-'})", 4)
            for v in d["voorzieningen"]:
                line(f"- {v}", 8)
            for b in d["bezwaren"]:
                line(f"Bezwaar ontvangen {b['ontvangen']}: {b['uitkomst'] or 'in behandeling'}", 8)
    section("Uw verzoeken")
    if not data["verzoeken"]:
        line("Geen verzoeken.")
    for r in data["verzoeken"]:
        line(f"{r['ontvangen']} - {r['soort']}: {r['status']}")
    section("Wie heeft uw gegevens bekeken of gewijzigd")
    for e in data["wie_zag_mijn_gegevens"]:
        # as the portal's log page says it (portal/access_log.html): who (audit.labels.who_for_resident),
        # their organisation when there is one; the role stays in the JSON
        who = e["gebruiker"] + (f" ({e['organisatie']})" if e["organisatie"] else "")
        line(f"{e['moment']} - {who}: {e['handeling']} {e['gegeven']}" + (" [noodtoegang]" if e["noodtoegang"] else ""))
    return bytes(pdf.output())
