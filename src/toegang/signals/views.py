"""Signal pages: register a signal, the team queue, signal detail with triage."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from toegang.accounts.models import User
from toegang.audit import services as audit
from toegang.audit.services import log_denied
from toegang.cases.selectors import households_visible_to, team_colleagues
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.common.views import first_rows, require_case_reader, require_case_worker
from toegang.people import services as people_services
from toegang.people.brp import prefill as brp_prefill
from toegang.people.brp.client import FIELDS_PERSON
from toegang.signals import selectors, services
from toegang.signals.forms import SignalForm, TriageForm
from toegang.signals.models import Signal


def team_queue(request: HttpRequest) -> HttpResponse:
    user = require_case_reader(request)
    signals, capped = first_rows(selectors.team_queue(user=user), 200)
    day = today()
    for signal in signals:
        signal.age_days = (day - signal.received_on).days  # type: ignore[attr-defined]
    subjects = [p.pk for s in signals for p in s.person_list]  # type: ignore[attr-defined]
    audit.record(actor=user, action=audit.Action.READ, object_type="teamwachtrij", subjects=subjects)
    return render(request, "signals/queue.html", {"signals": signals, "capped": capped})


def signal_new(request: HttpRequest) -> HttpResponse:
    user = require_case_worker(request)
    if user.team is None:
        raise Http404
    initial = {"received_on": today(), "channel": Signal.Channel.PHONE}
    brp = brp_prefill.handle(request, user=user, form_fields=PERSON_FIELDS, fields=FIELDS_PERSON, use="melding")
    if brp.acted:  # "Ophalen uit de BRP": fill the resident's part of the form, save nothing
        form = SignalForm(initial={**initial, **brp_prefill.typed(request, SignalForm()), **brp.initial})
        return render(request, "signals/new.html", {"form": form, "brp": brp}, status=400 if brp.failed else 200)
    form = SignalForm(request.POST or None, initial=initial)
    if request.method == "POST":
        brp_prefill.keep_snapshot(request, brp)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # person and signal together, or neither
                person = people_services.register_person(
                    actor=user,
                    bsn=data["bsn"] or None,
                    voornamen=data["voornamen"],
                    voorvoegsel=data["voorvoegsel"],
                    geslachtsnaam=data["geslachtsnaam"],
                    geboortedatum=data["geboortedatum"],
                    postcode=data["postcode"],
                    huisnummer=data["huisnummer"],
                )
                typed = {name: data[name] for name in PERSON_FIELDS}
                brp_prefill.record(request, user=user, person=person, typed=typed)
                others = people_services.known_persons_by_bsn(data["other_bsns"], field="other_bsns")
                signal = services.register_signal(
                    actor=user,
                    team=user.team,
                    source=data["source"],
                    channel=data["channel"],
                    received_on=data["received_on"],
                    description=data["description"],
                    persons=[person, *[p for p in others if p.pk != person.pk]],
                    urgency=data["urgency"],
                    reporter=data["reporter"],
                    life_domains=list(data["life_domains"]),
                )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, _("Melding %(n)s is geregistreerd en staat in de teamwachtrij.") % {"n": signal.pk}
            )
            brp_prefill.tell_not_taken(request, form, people_services.not_taken(person, typed))
            return redirect("signal-detail", signal_id=signal.pk)
    return render(request, "signals/new.html", {"form": form, "brp": brp}, status=400 if form.errors else 200)


PERSON_FIELDS = ["bsn", "voornamen", "voorvoegsel", "geslachtsnaam", "geboortedatum", "postcode", "huisnummer"]


def signal_detail(request: HttpRequest, signal_id: int) -> HttpResponse:
    user = require_case_reader(request)
    try:
        signal = selectors.signal_for_page(user=user, signal_id=signal_id)
    except Signal.DoesNotExist:
        log_denied(user=user, object_type="signal", object_id=signal_id)
        raise Http404 from None
    # a professional who triages usually takes the case; a team lead assigns it and chooses whom
    regisseur = None if user.role == User.Role.TEAM_LEAD else user.pk
    form = TriageForm(initial={"on": today(), "regisseur": regisseur}, colleagues=team_colleagues(user=user))
    persons = list(signal.persons.all())
    audit.record(actor=user, action=audit.Action.READ, obj=signal, subjects=[p.pk for p in persons])
    return render(request, "signals/detail.html", {"signal": signal, "persons": persons, "form": form})


@require_POST
def signal_triage(request: HttpRequest, signal_id: int) -> HttpResponse:
    user = require_case_worker(request)
    try:
        signal = selectors.signal_for_page(user=user, signal_id=signal_id)
    except Signal.DoesNotExist:
        log_denied(user=user, object_type="signal", object_id=signal_id)
        raise Http404 from None
    form = TriageForm(request.POST, colleagues=team_colleagues(user=user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            signal = services.triage_signal(
                actor=user,
                signal=signal,
                outcome=data["outcome"],
                on=data["on"],
                note=data["note"],
                referred_to=data["referred_to"],
                regisseur=data["regisseur"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, _("Melding %(n)s is getriageerd: %(o)s.") % {"n": signal.pk, "o": signal.get_outcome_display()}
            )
            trajectory = signal.trajectory
            if trajectory is not None:
                if households_visible_to(user).filter(pk=trajectory.household_id).exists():
                    return redirect("household", household_id=trajectory.household_id)
                # a repeat signal joined the open trajectory of another team
                messages.info(
                    request,
                    _("De melding is gekoppeld aan het lopende traject van %(team)s.") % {"team": trajectory.team},
                )
            return redirect("team-queue")
    persons = list(signal.persons.all())
    return render(request, "signals/detail.html", {"signal": signal, "persons": persons, "form": form}, status=400)
