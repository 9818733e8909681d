"""Break-the-glass screens: ask for emergency access, the privacy officer's reviews, messages."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from toegang.accounts.models import User
from toegang.audit import services as audit
from toegang.audit.models import AuditEntry
from toegang.audit.views import require_privacy_officer
from toegang.cases.models import Trajectory
from toegang.cases.selectors import household_consent_scope
from toegang.cases.views import change_person_page, household_or_404
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.common.numbers import whole_number
from toegang.common.views import current_user, require_case_reader, require_case_worker, submitted
from toegang.people.models import Membership, Person
from toegang.people.selectors import member_ids, member_ids_of_households
from toegang.privacy import retention, rights, services
from toegang.privacy.forms import CloseRequestForm, ConsentForm, EmergencyForm, RequestForm, ReviewForm
from toegang.privacy.models import Consent, DeletionRecord, EmergencyAccess, Message, RightsRequest
from toegang.privacy.scope import persons_of
from toegang.signals.models import Signal


def emergency_start(request: HttpRequest) -> HttpResponse:
    user = require_case_worker(request)
    form = EmergencyForm(request.POST or None)
    started: list[EmergencyAccess] = []
    ok = submitted(request, form, lambda d: started.append(services.start_emergency_access(actor=user, **d)))
    if form.domain_error is not None and not isinstance(form.domain_error, services.AlreadyVisible):
        services.log_refused_emergency(
            actor=user, bsn=form.cleaned_data.get("bsn", ""), reason=form.domain_error.message
        )
    if isinstance(form.domain_error, services.AlreadyVisible):
        messages.info(request, form.domain_error.message)
        return redirect("household", household_id=form.domain_error.household_id)
    if ok:
        access = started[0]
        messages.warning(
            request,
            _(
                "Noodtoegang tot %(time)s. De privacyfunctionaris en de regisseur zijn op de hoogte gebracht; "
                "de toegang wordt achteraf beoordeeld."
            )
            % {"time": timezone.localtime(access.expires_at).strftime("%H:%M")},
        )
        return redirect("household", household_id=access.household_id)
    return render(request, "privacy/emergency.html", {"form": form}, status=400 if form.errors else 200)


def _accesses_of(officer: User) -> QuerySet[EmergencyAccess]:
    qs = EmergencyAccess.objects.all()
    return qs if officer.is_superuser else qs.filter(household__municipality_id=officer.municipality_id or 0)


@dataclass
class DoneDuring:
    """What a user did under one emergency access, from the log rows that carry it."""

    counts: list[tuple[str, int]] = field(default_factory=list)  # action label, number of rows
    changes: list[AuditEntry] = field(default_factory=list)  # everything but reads, in time order


ACCESS_IN_BASIS = re.compile(r"\bnoodtoegang (\d+)")


def _done_during(accesses: list[EmergencyAccess]) -> dict[int, DoneDuring]:
    """Per access, the log rows flagged with it (their legal basis names the access), in one query for
    the page; the review needs what was done, not only why the door was opened."""
    if not accesses:
        return {}
    rows = (
        AuditEntry.objects.filter(
            emergency=True,
            actor_id__any_of=sorted({a.user_id for a in accesses}),
            at__gte=min(a.started_at for a in accesses),
            at__lte=max(a.expires_at for a in accesses),
        )
        .only("at", "action", "object_type", "object_id", "detail", "legal_basis")
        .order_by("at", "id")
    )
    counted: dict[int, Counter[str]] = defaultdict(Counter)
    done: dict[int, DoneDuring] = {a.pk: DoneDuring() for a in accesses}
    for row in rows:
        for number in ACCESS_IN_BASIS.findall(row.legal_basis):  # "noodtoegang 7, noodtoegang 9; <own basis>"
            access_id = whole_number(number)
            if access_id in done:
                counted[access_id][row.action] += 1
                if row.action != AuditEntry.Action.READ:
                    done[access_id].changes.append(row)
    labels = dict(AuditEntry.Action.choices)
    for access_id, counter in counted.items():
        done[access_id].counts = [(str(labels.get(action, action)), n) for action, n in counter.most_common()]
    return done


def _reviews_page(request: HttpRequest, bound: ReviewForm | None = None, bound_id: int | None = None) -> HttpResponse:
    officer = require_privacy_officer(request)
    open_reviews = list(
        _accesses_of(officer)
        .filter(reviewed_at__isnull=True)
        .select_related("user__organisation", "household")
        .order_by("started_at")[:200]
    )
    done = list(
        _accesses_of(officer)
        .filter(reviewed_at__isnull=False)
        .select_related("user", "household", "reviewed_by")
        .order_by("-reviewed_at")[:50]
    )
    during = _done_during(open_reviews)
    rows = [
        (
            access,
            bound if bound is not None and access.pk == bound_id else ReviewForm(auto_id=f"id_review{access.pk}_%s"),
            during[access.pk],
        )
        for access in open_reviews
    ]
    audit.record(
        actor=officer,
        action=audit.Action.READ,
        object_type="emergencyaccess",
        subjects=member_ids_of_households([a.household_id for a in open_reviews]),
        detail="beoordelingen",
    )
    context = {"rows": rows, "done": done, "now": timezone.now()}
    return render(request, "privacy/reviews.html", context, status=400 if bound is not None else 200)


def emergency_reviews(request: HttpRequest) -> HttpResponse:
    require_privacy_officer(request)
    return _reviews_page(request)


@require_POST
def emergency_review(request: HttpRequest, access_id: int) -> HttpResponse:
    user = require_privacy_officer(request)
    access = _accesses_of(user).filter(pk=access_id).select_related("household").first()
    if access is None:
        raise Http404
    form = ReviewForm(request.POST, auto_id=f"id_review{access.pk}_%s")
    if submitted(request, form, lambda d: services.review_emergency_access(actor=user, access=access, **d)):
        messages.success(request, _("De noodtoegang is beoordeeld."))
        return redirect("emergency-reviews")
    return _reviews_page(request, bound=form, bound_id=access.pk)


def inbox(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    rows = list(Message.objects.filter(recipient=user).order_by("-created_at")[:100])
    services.mark_messages_read(recipient=user)
    return render(request, "privacy/inbox.html", {"rows": rows})


def consents(request: HttpRequest, household_id: int) -> HttpResponse:
    """The household's consents: who gave what, for which organisations, until when; record or withdraw."""
    user = require_case_reader(request)
    household = household_or_404(user, household_id)
    members = Person.objects.filter(pk__in=member_ids(household_id=household.pk)).order_by("voornamen")
    scope = household_consent_scope(viewer=user, household=household)
    if scope is not None and not scope.shares(Consent.Category.HOUSEHOLD):  # only who gave the consent
        members = members.filter(pk__in=scope.person_ids)
    form = ConsentForm(
        request.POST or None,
        members=members,
        initial={"given_on": today(), "valid_until": today() + dt.timedelta(days=365)},
    )
    if request.method == "POST":
        require_case_worker(request)
        if submitted(request, form, lambda d: services.record_consent(actor=user, **d)):
            messages.success(request, _("De toestemming is vastgelegd."))
            return redirect("consents", household_id=household.pk)
    rows = list(
        Consent.objects.filter(person__in=members)
        .select_related("person", "activity", "recorded_by")
        .prefetch_related("organisations")
        .order_by("-given_on", "-pk")
    )
    audit.record(
        actor=user,
        action=audit.Action.READ,
        obj=household,
        object_type="toestemmingen",
        subjects=[p.pk for p in members],
    )
    context = {"household": household, "rows": rows, "form": form, "today": today()}
    return render(request, "privacy/consents.html", context, status=400 if form.errors else 200)


@require_POST
def consent_withdraw(request: HttpRequest, consent_id: int) -> HttpResponse:
    user = require_case_worker(request)
    consent = Consent.objects.filter(pk=consent_id).first()
    household = consent.person.memberships.order_by("-start_date").first() if consent else None
    if consent is None or household is None:
        raise Http404
    visible = household_or_404(user, household.household_id)  # the household must be visible to the user
    if household_consent_scope(viewer=user, household=visible) is not None:
        raise PermissionDenied(
            _("Toestemming intrekken doet het team van het huishouden, niet wie op toestemming meekijkt.")
        )
    try:
        services.withdraw_consent(actor=user, consent=consent, on=today())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("De toestemming is ingetrokken; delen op grond ervan stopt meteen."))
    return redirect("consents", household_id=household.household_id)


def requests_list(request: HttpRequest) -> HttpResponse:
    user = require_privacy_officer(request)
    form = RequestForm(request.POST or None, initial={"received_on": today()})
    created: list[RightsRequest] = []
    if submitted(request, form, lambda d: created.append(rights.register_request(actor=user, **d))):
        messages.success(
            request,
            _("Het verzoek is geregistreerd; uiterlijk afhandelen op %(day)s.")
            % {"day": created[0].due_on.strftime("%d-%m-%Y")},
        )
        earlier = rights.same_open_request(created[0])
        if earlier is not None:
            messages.warning(
                request,
                _("Let op: er staat al een open verzoek van deze soort voor deze inwoner, ontvangen op %(day)s.")
                % {"day": earlier.received_on.strftime("%d-%m-%Y")},
            )
        return redirect("rights-request", request_id=created[0].pk)
    open_requests = list(
        RightsRequest.objects.filter(status=RightsRequest.Status.OPEN, person__in=persons_of(user))
        .select_related("person")
        .order_by("due_on")[:300]
    )
    closed = list(
        RightsRequest.objects.exclude(status=RightsRequest.Status.OPEN)
        .filter(person__in=persons_of(user))
        .select_related("person")
        .order_by("-handled_on")[:50]
    )
    audit.record(
        actor=user,
        action=audit.Action.READ,
        object_type="rightsrequest",
        subjects=[r.person_id for r in open_requests + closed],
        detail="verzoeken",
    )
    context = {"form": form, "open_requests": open_requests, "closed": closed, "today": today()}
    return render(request, "privacy/requests.html", context, status=400 if form.errors else 200)


def _request_or_404(officer: User, request_id: int) -> RightsRequest:
    found = (
        RightsRequest.objects.filter(pk=request_id, person__in=persons_of(officer))
        .select_related("person", "recorded_by")
        .first()
    )
    if found is None:
        raise Http404
    return found


def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    user = require_privacy_officer(request)
    rights_request = _request_or_404(user, request_id)
    destructible = (
        rights.destructible_trajectories(rights_request.person, officer=user)
        if rights_request.kind == RightsRequest.Kind.DESTRUCTION and rights_request.status == RightsRequest.Status.OPEN
        else None
    )
    form = CloseRequestForm(request.POST or None, initial={"handled_on": today()}, destructible=destructible)
    closed: list[RightsRequest] = []
    if submitted(request, form, lambda d: closed.append(rights.close_request(actor=user, request=rights_request, **d))):
        messages.success(request, _("Het verzoek is afgehandeld: %(outcome)s") % {"outcome": closed[0].outcome or "—"})
        return redirect("rights-requests")
    _months, source = rights.TERMS[rights_request.kind]
    audit.record(actor=user, action=audit.Action.READ, obj=rights_request, subjects=[rights_request.person_id])
    context = {"req": rights_request, "form": form, "source": source, "today": today()}
    return render(request, "privacy/request.html", context, status=400 if form.errors else 200)


def _municipality_of(person: Person) -> int | None:
    """The municipality whose data a person's record is now: that of the household they live in, else of the last
    one they lived in (a person is one record, shared by every municipality that ever had them)."""
    rows = Membership.objects.filter(person=person).order_by(F("end_date").desc(nulls_first=True), "-start_date")
    return rows.values_list("household__municipality_id", flat=True).first()


def request_correct(request: HttpRequest, request_id: int) -> HttpResponse:
    """The data of the person of an open correction request (AVG art. 16), corrected by the privacy officer who
    handles it: also for a person who lives in no household of a team any more (no regisseur can then do it).
    The same form, rules and audit rows as "Gegevens wijzigen" on the person page."""
    user = require_privacy_officer(request)
    rights_request = _request_or_404(user, request_id)
    if rights_request.kind != RightsRequest.Kind.CORRECTION or rights_request.status != RightsRequest.Status.OPEN:
        raise PermissionDenied(_("Gegevens corrigeren: alleen bij een verzoek om correctie dat nog open staat."))
    if not user.is_superuser and _municipality_of(rights_request.person) != user.municipality_id:
        raise PermissionDenied(
            _(
                "Gegevens corrigeren: deze inwoner woont nu in een andere gemeente; die gemeente corrigeert de "
                "gegevens. Stuur het verzoek door."
            )
        )
    back = reverse("rights-request", args=[rights_request.pk])
    return change_person_page(request, user, rights_request.person, back=back)


def request_export(request: HttpRequest, request_id: int, fmt: str) -> HttpResponse:
    user = require_privacy_officer(request)
    rights_request = _request_or_404(user, request_id)
    if fmt not in ("pdf", "json"):
        raise Http404
    data = rights.export_person(actor=user, person=rights_request.person)
    return rights.export_response(data, fmt=fmt, name=f"inzage-{rights_request.pk}")


def retention_overview(request: HttpRequest) -> HttpResponse:
    """What the next retention run would destroy (dossiers, and signals that never became a
    trajectory), dossiers under a legal hold, and the deletion register."""
    officer = require_privacy_officer(request)
    day = today()
    horizon = day + dt.timedelta(days=90)
    upcoming = list(
        Trajectory.objects.filter(status=Trajectory.Status.CLOSED, archive_action_date__lte=horizon)
        .filter(household__municipality_id=officer.municipality_id or 0)
        .select_related("retention_rule", "household")
        .order_by("archive_action_date", "pk")[:300]
    )
    due_ids = set(retention.due(on=day).values_list("pk", flat=True))
    signal_rule = retention.signal_rule()
    signals: list[tuple[Signal, dt.date]] = []
    if signal_rule is not None:  # signals that never became a trajectory, with the day their term ends
        due_now = retention.signals_due(on=day, rule=signal_rule).filter(pk=OuterRef("pk"))
        rows = (
            retention.signals_without_trajectory(on=horizon, rule=signal_rule)
            .filter(municipality_id=officer.municipality_id or 0)
            .only("pk", "received_on", "outcome", "triaged_on")  # not the description: it is not shown
            .annotate(due_now=Exists(due_now))
            .order_by("triaged_on", "pk")[:300]
        )
        signals = [(s, retention.signal_destroy_from(s.triaged_on, signal_rule)) for s in rows if s.triaged_on]
    register = list(DeletionRecord.objects.select_related("rule")[:100])
    context = {
        "upcoming": upcoming,
        "due_ids": due_ids,
        "signal_rule": signal_rule,
        "signals": signals,
        "register": register,
        "today": day,
        "horizon": horizon,
    }
    return render(request, "privacy/retention.html", context)


@require_POST
def legal_hold(request: HttpRequest, trajectory_id: int) -> HttpResponse:
    user = require_privacy_officer(request)
    trajectory = Trajectory.objects.filter(
        pk=trajectory_id, household__municipality_id=user.municipality_id or 0
    ).first()
    if trajectory is None:
        raise Http404
    hold = request.POST.get("hold") == "1"
    try:
        services.set_legal_hold(actor=user, trajectory=trajectory, hold=hold, reason=request.POST.get("reason", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Blokkade gezet.") if hold else _("Blokkade opgeheven."))
    return redirect("retention")
