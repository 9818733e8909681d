"""Pages of the governance workbench (Organisatiekeuze): the projects, a project with its criteria and
alternatives, the stakeholder groups and participants with their progress, the results, the business case, the
governance map and the council report. Views parse and render; services write; analysis calls ``evaluate``."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from toegang.accounts.models import User
from toegang.common.errors import DomainError
from toegang.common.forms import UtrechtForm, UtrechtFormMixin
from toegang.common.views import current_user, submitted
from toegang.governance import analysis, business_case, catalogue, governance_map, presentation, report, selectors
from toegang.governance import services as gs
from toegang.governance.forms import (
    AgreementForm,
    AlternativeForm,
    CostLineForm,
    CriterionForm,
    DecisionForm,
    DiscountForm,
    FiscalForm,
    GroupForm,
    ParameterForm,
    ParticipantForm,
    PartyDataForm,
    PartyForm,
    PhaseForm,
    PrincipleForm,
    ProjectForm,
    RoleForm,
    SettingsForm,
    StaffLineForm,
    StepForm,
)
from toegang.governance.mcda import ProblemError, evaluate
from toegang.governance.models import (
    Alternative,
    ConnectedParty,
    CostLine,
    DecisionProject,
    EscalationStep,
    Parameter,
    Participant,
    Principle,
    ServiceAgreement,
    StaffLine,
    StakeholderGroup,
)

NO_ACCESS = _(
    "Organisatiekeuze is er voor de functioneel beheerder, de manager en de opdrachtgever sociaal domein van de "
    "gemeente."
)
NOT_FACILITATOR = _(
    "Alleen de procesbegeleider van dit project (of een functioneel beheerder van de gemeente) mag dit wijzigen."
)


def _project(request: HttpRequest, project_id: int) -> tuple[User, DecisionProject]:
    user = current_user(request)
    if not selectors.may_view_projects(user):
        raise PermissionDenied(NO_ACCESS)
    try:
        return user, selectors.project_for_page(user=user, project_id=project_id)
    except DecisionProject.DoesNotExist:
        raise Http404 from None


def _managed(request: HttpRequest, project_id: int) -> tuple[User, DecisionProject]:
    user, project = _project(request, project_id)
    if not selectors.may_manage(user, project):
        raise PermissionDenied(NOT_FACILITATOR)
    return user, project


def _item(queryset: QuerySet[Any], request: HttpRequest) -> Any:
    """The row named by the posted ``item`` within the project's own rows; anything else is not found."""
    try:
        return queryset.get(pk=int(request.POST.get("item", "")))
    except (ValueError, queryset.model.DoesNotExist):
        raise Http404 from None


def _apply(
    request: HttpRequest,
    form: UtrechtFormMixin,
    call: Callable[[dict[str, Any]], Any],
    done: str | Callable[[Any], str],
) -> bool:
    """Validate, run the service, and put the outcome (or why it was refused, naming the field) in the messages."""
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return False
    try:
        result = call(form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, done(result) if callable(done) else done)
    return True


def _edit_form(form_class: type[UtrechtForm], row: Any, *, prefix: str) -> UtrechtForm:
    """The form that edits ``row`` in place, filled from the row's attributes of the same names as its fields."""
    return form_class(prefix=prefix, initial={name: getattr(row, name) for name in form_class.base_fields})


def _base(user: User, project: DecisionProject, tab: str) -> dict[str, Any]:
    return {
        "project": project,
        "can_manage": selectors.may_manage(user, project),
        "tab": tab,
        "phases": DecisionProject.Phase.choices,
    }


# ---- Projects -----------------------------------------------------------------------------------------------------


def projects(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not selectors.may_view_projects(user):
        raise PermissionDenied(NO_ACCESS)
    may_start = selectors.may_start_projects(user)
    assert user.municipality_id is not None  # noqa: S101 - may_view_projects checked it
    candidates = selectors.facilitator_candidates(user.municipality_id)
    form = ProjectForm(request.POST or None, candidates=candidates, initial={"template": "delft"})
    if request.method == "POST":
        if not may_start:
            raise PermissionDenied(_("Een besluitvormingsproject starten de functioneel beheerder en de manager."))
        created: list[DecisionProject] = []
        if submitted(request, form, lambda d: created.append(gs.create_project(actor=user, **d))):
            messages.success(request, _("Het project is aangemaakt uit het sjabloon."))
            return redirect("governance-project", project_id=created[0].pk)
    rows = list(selectors.projects_visible_to(user).select_related("facilitator"))
    return render(request, "governance/projects.html", {"projects": rows, "form": form, "may_start": may_start})


@require_safe
def project_page(request: HttpRequest, project_id: int) -> HttpResponse:
    user, project = _project(request, project_id)
    shape = selectors.structure(project)
    principles = list(project.principles.all())
    context = _base(user, project, "project")
    context.update(
        shape=shape,
        principles=principles,
        admissible_ids={a.pk for a in shape.admissible},
    )
    if context["can_manage"]:
        candidates = selectors.facilitator_candidates(project.municipality_id)
        context.update(
            settings_form=SettingsForm(
                candidates=candidates,
                initial={
                    "name": project.name,
                    "weighting": project.weighting,
                    "method": project.method,
                    "extra_methods": project.extra_methods,
                    "aggregation": project.aggregation,
                    "prioritisation": project.prioritisation,
                    "random_index": project.random_index,
                    "synthesis": project.synthesis,
                    "normalisation": project.normalisation,
                    "steers_on_what": project.steers_on_what,
                    "cost_from_business_case": project.cost_from_business_case,
                    "mc_samples": project.mc_samples,
                    "mc_seed": project.mc_seed,
                    "facilitator": project.facilitator,
                },
            ),
            phase_form=PhaseForm(initial={"phase": project.phase}),
            criterion_form=CriterionForm(prefix="nieuw-c"),
            criterion_forms=[(c, _edit_form(CriterionForm, c, prefix=f"c{c.pk}")) for c in shape.criteria],
            alternative_form=AlternativeForm(prefix="nieuw-a"),
            alternative_forms=[(a, _edit_form(AlternativeForm, a, prefix=f"a{a.pk}")) for a in shape.alternatives],
            principle_form=PrincipleForm(),
            decision_form=DecisionForm(
                alternatives=project.alternatives.all(),
                initial={
                    "alternative": project.chosen_alternative_id,
                    "motivation": project.decision_motivation,
                    "decided_on": project.decided_on,
                },
            ),
        )
    else:
        context.update(
            criterion_forms=[(c, None) for c in shape.criteria],
            alternative_forms=[(a, None) for a in shape.alternatives],
        )
    return render(request, "governance/project.html", context)


@dataclass(frozen=True)
class Ordered:
    """A list of a project that the facilitator edits in place: criteria or alternatives."""

    rows: str  # the project's related name
    anchor: str
    form: type[CriterionForm] | type[AlternativeForm]
    prefix: str
    keyword: str  # how the services name the row
    update: Callable[..., Any]
    remove: Callable[..., Any]
    changed: str
    removed: str  # with %(name)s


ORDERED = {
    "criterium": Ordered(
        "criteria",
        "criteria",
        CriterionForm,
        "c",
        "criterion",
        gs.update_criterion,
        gs.remove_criterion,
        _("Het criterium is gewijzigd."),
        _("Criterium '%(name)s' is verwijderd, met de oordelen erover."),
    ),  # fmt: skip
    "alternatief": Ordered(
        "alternatives",
        "alternatieven",
        AlternativeForm,
        "a",
        "alternative",
        gs.update_alternative,
        gs.remove_alternative,
        _("Het alternatief is gewijzigd."),
        _("Alternatief '%(name)s' is verwijderd."),
    ),  # fmt: skip
}


def _edit_ordered(request: HttpRequest, user: User, project: DecisionProject, kind: str, verb: str) -> str:
    """Change, remove or move one criterion or alternative of the project; returns the page anchor."""
    spec = ORDERED[kind]
    item = _item(getattr(project, spec.rows).all(), request)
    post = request.POST
    if verb == "wijzig":
        form = spec.form(post, prefix=f"{spec.prefix}{item.pk}")
        _apply(request, form, lambda d: spec.update(actor=user, **{spec.keyword: item}, **d), spec.changed)
    elif verb == "weg":
        removed = spec.removed % {"name": item.name}
        _apply(request, UtrechtForm(post), lambda d: spec.remove(actor=user, **{spec.keyword: item}), removed)
    else:
        moved = _("De volgorde is aangepast.")
        _apply(request, UtrechtForm(post), lambda d: gs.move(actor=user, item=item, up=verb == "omhoog"), moved)
    return spec.anchor


@require_POST
def project_action(request: HttpRequest, project_id: int, action: str) -> HttpResponse:
    user, project = _managed(request, project_id)
    post = request.POST
    anchor = ""
    if action == "instellingen":
        form: UtrechtFormMixin = SettingsForm(
            post, candidates=selectors.facilitator_candidates(project.municipality_id)
        )
        _apply(
            request,
            form,
            lambda d: gs.update_settings(actor=user, project=project, **d),
            _("De instellingen zijn opgeslagen."),
        )
        anchor = "instellingen"
    elif action == "fase":
        _apply(
            request,
            PhaseForm(post),
            lambda d: gs.set_phase(actor=user, project=project, **d),
            lambda p: _("Het project is nu in fase '%(phase)s'.") % {"phase": p.get_phase_display()},
        )
    elif action == "criterium-nieuw":
        _apply(
            request,
            CriterionForm(post, prefix="nieuw-c"),
            lambda d: gs.add_criterion(actor=user, project=project, **d),
            lambda c: _("Criterium '%(name)s' is toegevoegd.") % {"name": c.name},
        )
        anchor = "criteria"
    elif action == "alternatief-nieuw":
        _apply(
            request,
            AlternativeForm(post, prefix="nieuw-a"),
            lambda d: gs.add_alternative(actor=user, project=project, **d),
            lambda a: _("Alternatief '%(name)s' is toegevoegd.") % {"name": a.name},
        )
        anchor = "alternatieven"
    elif action.partition("-")[0] in ORDERED and action.partition("-")[2] in ("wijzig", "weg", "omhoog", "omlaag"):
        kind, _dash, verb = action.partition("-")
        anchor = _edit_ordered(request, user, project, kind, verb)
    elif action == "principe-nieuw":
        _apply(
            request,
            PrincipleForm(post),
            lambda d: gs.add_principle(actor=user, project=project, **d),
            _("Het principe is toegevoegd."),
        )
        anchor = "principes"
    elif action == "principe-weg":
        principle = _item(Principle.objects.filter(project=project), request)
        _apply(
            request,
            UtrechtForm(post),
            lambda d: gs.remove_principle(actor=user, principle=principle),
            _("Het principe is verwijderd."),
        )
        anchor = "principes"
    elif action == "besluit":
        _apply(
            request,
            DecisionForm(post, alternatives=project.alternatives.all()),
            lambda d: gs.decide(actor=user, project=project, **d),
            _("Het besluit is vastgelegd."),
        )
        anchor = "besluit"
    else:
        raise Http404
    url = reverse("governance-project", args=[project.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


# ---- Groups, participants, progress ---------------------------------------------------------------------------------


def _link(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("governance-contribute", args=[token]))


@require_safe
def participants_page(request: HttpRequest, project_id: int) -> HttpResponse:
    user, project = _project(request, project_id)
    shape = selectors.structure(project)
    rows = selectors.progress(project, shape)
    pairs = selectors.pairwise_values(project) if project.weighting == DecisionProject.Weighting.PAIRWISE else {}
    lines = []
    for row in rows:
        cr = None
        if pairs.get(row.participant.pk):
            own = analysis.own_weights(project, shape.criteria, pairs=pairs[row.participant.pk])
            cr = own.consistency if own is not None else None
        lines.append((row, cr))
    per_group = []
    for group in shape.groups:
        members = [r for r, _cr in lines if r.participant.group_id == group.pk]
        per_group.append(
            {
                "group": group,
                "members": [(r, cr) for r, cr in lines if r.participant.group_id == group.pk],
                "complete": sum(r.status == "compleet" for r in members),
                "partial": sum(r.status == "gedeeltelijk" for r in members),
                "open": sum(r.status == "niet begonnen" for r in members),
                "form": _edit_form(GroupForm, group, prefix=f"g{group.pk}"),
                "participant_form": ParticipantForm(prefix=f"p{group.pk}"),
            }
        )
    context = _base(user, project, "deelnemers")
    context.update(
        shape=shape,
        groups=per_group,
        group_form=GroupForm(prefix="nieuw-g", initial={"weight": 1}),
        total=len(rows),
        complete=sum(r.status == "compleet" for r in rows),
    )
    return render(request, "governance/participants.html", context)


@require_POST
def participants_action(request: HttpRequest, project_id: int, action: str) -> HttpResponse:
    user, project = _managed(request, project_id)
    post = request.POST
    groups = StakeholderGroup.objects.filter(project=project).select_related("project")
    people = Participant.objects.filter(group__project=project).select_related("group__project")
    if action == "groep-nieuw":
        _apply(
            request,
            GroupForm(post, prefix="nieuw-g"),
            lambda d: gs.add_group(actor=user, project=project, **d),
            lambda g: _("Groep '%(name)s' is toegevoegd.") % {"name": g.name},
        )
    elif action == "groep-wijzig":
        group = _item(groups, request)
        _apply(
            request,
            GroupForm(post, prefix=f"g{group.pk}"),
            lambda d: gs.update_group(actor=user, group=group, **d),
            _("De groep is gewijzigd."),
        )
    elif action == "groep-weg":
        group = _item(groups, request)
        _apply(
            request,
            UtrechtForm(post),
            lambda d: gs.remove_group(actor=user, group=group),
            _("Groep '%(name)s' is verwijderd, met haar deelnemers.") % {"name": group.name},
        )
    elif action == "deelnemer-nieuw":
        group = _item(groups, request)
        _apply(
            request,
            ParticipantForm(post, prefix=f"p{group.pk}"),
            lambda d: gs.add_participant(actor=user, group=group, **d),
            lambda result: (
                _("%(name)s is toegevoegd. Persoonlijke link (alleen nu zichtbaar, kopieer hem): %(link)s")
                % {"name": result[0].name, "link": _link(request, result[1])}
            ),
        )
    elif action == "deelnemer-link":
        person = _item(people, request)
        _apply(
            request,
            UtrechtForm(post),
            lambda d: gs.renew_link(actor=user, participant=person),
            lambda token: (
                _("Nieuwe persoonlijke link voor %(name)s (de oude werkt niet meer): %(link)s")
                % {"name": person.name, "link": _link(request, token)}
            ),
        )
    elif action in ("deelnemer-uitsluiten", "deelnemer-meetellen"):
        person = _item(people, request)
        excluded = action == "deelnemer-uitsluiten"
        _apply(
            request,
            UtrechtForm(post),
            lambda d: gs.set_excluded(actor=user, participant=person, excluded=excluded),
            _("%(name)s telt niet mee in de berekening.") % {"name": person.name}
            if excluded
            else _("%(name)s telt weer mee in de berekening.") % {"name": person.name},
        )
    elif action == "deelnemer-weg":
        person = _item(people, request)
        _apply(
            request,
            UtrechtForm(post),
            lambda d: gs.remove_participant(actor=user, participant=person),
            _("%(name)s is verwijderd, met de inbreng.") % {"name": person.name},
        )
    else:
        raise Http404
    return redirect("governance-participants", project_id=project.pk)


# ---- Results ------------------------------------------------------------------------------------------------------


@require_safe
def results_page(request: HttpRequest, project_id: int) -> HttpResponse:
    user, project = _project(request, project_id)
    context = _base(user, project, "resultaten")
    try:
        outcome = analysis.results(project)
    except DomainError as error:
        context["not_ready"] = error.message
        return render(request, "governance/results.html", context)
    context["view"] = presentation.view(project, outcome)
    context["result"] = outcome.result
    return render(request, "governance/results.html", context)


@require_safe
def problem_json(request: HttpRequest, project_id: int) -> HttpResponse:
    """The project's problem as JSON, for ``manage.py mcda evaluate`` (the same code path as the page)."""
    _user, project = _project(request, project_id)
    try:
        problem = analysis.problem_for(project)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("governance-results", project_id=project.pk)
    response = HttpResponse(
        json.dumps(problem, ensure_ascii=False, indent=2) + "\n", content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="organisatiekeuze-{project.pk}.json"'
    return response


MAX_PROBLEM_BYTES = 1_000_000  # far above a council's problem (10 × 20 × 50 is about 60 kB)


def _problem_details(status: int, title: str, detail: str, **extra: Any) -> JsonResponse:
    """An error as RFC 9457 problem details."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JsonResponse(
        body, status=status, content_type="application/problem+json", json_dumps_params={"ensure_ascii": False}
    )


@require_POST
def evaluate_api(request: HttpRequest) -> HttpResponse:
    """POST a problem in the JSON format of docs/mcda.md, get the result: the same ``evaluate`` as the results
    page and ``manage.py mcda evaluate``. For the roles that may see decision projects (a session; from a
    script, send the session cookie and the CSRF token as X-CSRFToken). Errors as problem details that name
    the field and the rule; nothing is stored."""
    user = current_user(request)
    if not selectors.may_view_projects(user):
        return _problem_details(403, "Geen toegang", str(NO_ACCESS))
    if request.content_type != "application/json":
        return _problem_details(415, "Verkeerd type", "Stuur het probleem als JSON (Content-Type: application/json).")
    if int(request.headers.get("Content-Length") or 0) > MAX_PROBLEM_BYTES:
        return _problem_details(
            413, "Te groot", f"Het probleem mag hoogstens {MAX_PROBLEM_BYTES:,} bytes zijn.".replace(",", ".")
        )
    try:
        problem = json.loads(request.body, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError) as error:
        return _problem_details(400, "Geen geldige JSON", f"De inhoud is geen geldige JSON: {error}.")
    except RecursionError:  # "[[[[…]]]]" thousands deep, within the size limit
        return _problem_details(400, "Geen geldige JSON", "De inhoud is te diep genest.")
    try:
        result = evaluate(problem)
    except ProblemError as error:
        return _problem_details(
            400, "Ongeldig probleem", str(error), **{"invalid-params": [{"name": error.path, "reason": error.rule}]}
        )
    return JsonResponse(result, json_dumps_params={"ensure_ascii": False})


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is geen getal in JSON")


# ---- Business case -------------------------------------------------------------------------------------------------


def _alternative_from_query(request: HttpRequest, alternatives: list[Alternative]) -> Alternative | None:
    wanted = request.GET.get("alternatief", "")
    return next((a for a in alternatives if str(a.pk) == wanted), alternatives[0] if alternatives else None)


@require_safe
def business_case_page(request: HttpRequest, project_id: int) -> HttpResponse:
    user, project = _project(request, project_id)
    alternatives = list(project.alternatives.all())
    loaded = business_case.load(project, alternatives)
    summaries = business_case.summaries(project, alternatives, loaded)
    chosen = _alternative_from_query(request, alternatives)
    parameters = list(loaded.parameters.values())
    context = _base(user, project, "businesscase")
    overview = []
    for alternative in alternatives:
        summary = summaries[alternative.pk]
        overview.append(
            {
                "alternative": alternative,
                "summary": summary,
                "npv": {s: business_case.euros(summary.npv(summary.costs, s)) for s in business_case.SCENARIOS},
                "net": business_case.euros(summary.npv(summary.net, "expected")),
                "benefits": business_case.euros(summary.npv(summary.benefits, "expected")),
            }
        )
    context.update(
        alternatives=alternatives,
        overview=overview,
        chosen=chosen,
        parameters=parameters,
        years=business_case.YEARS,
        rate=summaries[chosen.pk].rate if chosen else None,
        caos=catalogue.CAOS,
        fiscal_source=catalogue.FISCAL_SOURCE,
    )
    if chosen is not None:
        summary = summaries[chosen.pk]
        context["table"] = _table(summary)
        context["lines"] = loaded.lines[chosen.pk]
        context["staff"] = loaded.staff[chosen.pk]
        context["summary"] = summary
    if context["can_manage"]:
        context.update(
            discount_form=DiscountForm(initial={"discount": project.discount, "own_rate": project.own_rate}),
            parameter_forms=[
                (p, ParameterForm(prefix=f"par{p.pk}", initial={"value": p.value, "source": p.source}))
                for p in parameters
            ],
            line_form=CostLineForm(initial={"first_year": 0, "last_year": 0}),
            staff_form=StaffLineForm(),
        )
        if chosen is not None:
            case = loaded.cases.get(chosen.pk)
            initial = {}
            if case is not None:
                initial = {
                    "purchases_low": case.taxed_purchases_low_cents // 100,
                    "purchases_expected": case.taxed_purchases_expected_cents // 100,
                    "purchases_high": case.taxed_purchases_high_cents // 100,
                    "secondment_low": case.secondment_low_cents // 100,
                    "secondment_expected": case.secondment_expected_cents // 100,
                    "secondment_high": case.secondment_high_cents // 100,
                    "market_activity": case.market_activity,
                    "note": case.note,
                }
            context["fiscal_form"] = FiscalForm(initial=initial)
    return render(request, "governance/business_case.html", context)


def _table(summary: business_case.Summary) -> dict[str, Any]:
    """Rows of the year table (expected values, with the horizon total as low / expected / high)."""
    e = business_case.euros

    def row(label: str, series: business_case.Series, *, strong: bool = False, note: str = "") -> dict[str, Any]:
        return {
            "label": label,
            "years": [e(v) for v in series["expected"]],
            "low": e(sum(series["low"])),
            "expected": e(sum(series["expected"])),
            "high": e(sum(series["high"])),
            "npv": e(summary.npv(series, "expected")),
            "strong": strong,
            "note": note,
        }

    rows: list[dict[str, Any]] = []
    for block in business_case.BLOCKS:
        rows.extend(row(line.label, line.values, note=line.note) for line in summary.rows if line.block == block)
        rows.append(row(f"Totaal {CostLine.Block(block).label.lower()}", summary.block_total(block), strong=True))
    rows.append(row("Totaal kosten", summary.costs, strong=True))
    rows.append(row("Netto (kosten min baten)", summary.net, strong=True))
    return {"rows": rows}


@require_POST
def business_case_action(request: HttpRequest, project_id: int, action: str) -> HttpResponse:
    user, project = _managed(request, project_id)
    post = request.POST
    alternatives = Alternative.objects.filter(project=project).select_related("project")
    back = ""
    if action == "contante-waarde":
        _apply(
            request,
            DiscountForm(post),
            lambda d: gs.set_discount(actor=user, project=project, **d),
            _("De contante waarde is ingesteld."),
        )
    elif action == "parameter":
        parameter = _item(Parameter.objects.filter(project=project).select_related("project"), request)
        _apply(
            request,
            ParameterForm(post, prefix=f"par{parameter.pk}"),
            lambda d: gs.update_parameter(actor=user, parameter=parameter, **d),
            _("Parameter '%(label)s' is opgeslagen.") % {"label": parameter.label},
        )
    elif action in ("post-nieuw", "formatie-nieuw", "fiscaal"):
        alternative = _item(alternatives, request)
        back = f"?alternatief={alternative.pk}"
        if action == "post-nieuw":
            _apply(
                request,
                CostLineForm(post),
                lambda d: gs.add_cost_line(actor=user, alternative=alternative, **d),
                _("De post is toegevoegd."),
            )
        elif action == "formatie-nieuw":
            _apply(
                request,
                StaffLineForm(post),
                lambda d: gs.add_staff_line(actor=user, alternative=alternative, **d),
                _("De formatieregel is toegevoegd."),
            )
        else:
            _apply(
                request,
                FiscalForm(post),
                lambda d: gs.update_fiscal(actor=user, alternative=alternative, **d),
                _("De fiscale gegevens zijn opgeslagen."),
            )
    elif action == "post-weg":
        line = _item(
            CostLine.objects.filter(alternative__project=project).select_related("alternative__project"), request
        )
        back = f"?alternatief={line.alternative_id}"
        _apply(
            request,
            UtrechtForm(post),
            lambda d: gs.remove_cost_line(actor=user, line=line),
            _("De post is verwijderd."),
        )
    elif action == "formatie-weg":
        staff = _item(
            StaffLine.objects.filter(alternative__project=project).select_related("alternative__project"), request
        )
        back = f"?alternatief={staff.alternative_id}"
        _apply(
            request,
            UtrechtForm(post),
            lambda d: gs.remove_staff_line(actor=user, line=staff),
            _("De formatieregel is verwijderd."),
        )
    else:
        raise Http404
    return redirect(reverse("governance-business-case", args=[project.pk]) + back)


# ---- Governance map ------------------------------------------------------------------------------------------------


def _parties(project: DecisionProject) -> list[ConnectedParty]:
    return list(
        project.parties.select_related("alternative").prefetch_related("roles", "escalation_steps", "agreements")
    )


def _money_initial(party: ConnectedParty) -> dict[str, Any]:
    initial: dict[str, Any] = {key: getattr(party, key) for key in gs.BBV_TEXT_FIELDS}
    for key in gs.BBV_AMOUNT_FIELDS:
        cents = getattr(party, f"{key}_cents")
        initial[key] = None if cents is None else cents // 100
    return initial


@require_safe
def governance_page(request: HttpRequest, project_id: int) -> HttpResponse:
    user, project = _project(request, project_id)
    parties = _parties(project)
    context = _base(user, project, "sturing")
    cards = []
    for party in parties:
        roles = sorted(party.roles.all(), key=lambda r: governance_map.ROLE_ORDER.index(r.role))
        card: dict[str, Any] = {
            "party": party,
            "roles": roles,
            "warnings": governance_map.conflicts(party, roles),
            "steps": list(party.escalation_steps.all()),
            "agreements": [(a, [i for i in a.indicators.splitlines() if i.strip()]) for a in party.agreements.all()],
        }
        if context["can_manage"]:
            card["data_form"] = PartyDataForm(prefix=f"d{party.pk}", initial=_money_initial(party))
            card["role_forms"] = [(r, _edit_form(RoleForm, r, prefix=f"r{r.pk}")) for r in roles]
            card["step_forms"] = [(s, _edit_form(StepForm, s, prefix=f"s{s.pk}")) for s in card["steps"]]
            card["step_form"] = StepForm(prefix=f"ns{party.pk}")
            card["agreement_form"] = AgreementForm(prefix=f"na{party.pk}")
        cards.append(card)
    context.update(
        cards=cards,
        paragraph=governance_map.paragraph(
            [(c["party"], c["roles"]) for c in cards], municipality=_municipality_name(project)
        )
        if cards
        else "",
        role_explained=[(str(r.label), governance_map.ROLE_EXPLAINED[r]) for r in governance_map.ROLE_ORDER],
        source_roles=governance_map.SOURCE_ROLES,
        source_bbv=governance_map.SOURCE_BBV,
    )
    if context["can_manage"]:
        context["party_form"] = PartyForm(
            alternatives=project.alternatives.all(),
            initial={
                "alternative": project.chosen_alternative_id,
                "year": (project.decided_on or project.created_at).year + 1,
            },
        )
    return render(request, "governance/governance.html", context)


def _municipality_name(project: DecisionProject) -> str:
    from toegang.accounts.models import Municipality

    return Municipality.objects.filter(pk=project.municipality_id).values_list("name", flat=True).first() or ""


@require_POST
def governance_action(request: HttpRequest, project_id: int, action: str) -> HttpResponse:
    user, project = _managed(request, project_id)
    post = request.POST
    parties = ConnectedParty.objects.filter(project=project).select_related("project")
    steps = EscalationStep.objects.filter(party__project=project).select_related("party__project")
    anchor = ""
    if action == "partij-nieuw":
        _apply(
            request,
            PartyForm(post, alternatives=project.alternatives.all()),
            lambda d: gs.add_party(actor=user, project=project, **d),
            lambda p: _("'%(name)s' staat op de kaart, met de standaard escalatieladder.") % {"name": p.name},
        )
    elif action in ("partij-gegevens", "rol", "trede-nieuw", "dvo-nieuw", "partij-weg"):
        party = _item(parties, request)
        anchor = f"partij-{party.pk}"
        if action == "partij-gegevens":
            _apply(
                request,
                PartyDataForm(post, prefix=f"d{party.pk}"),
                lambda d: gs.update_party(actor=user, party=party, **d),
                _("De gegevens voor de paragraaf verbonden partijen zijn opgeslagen."),
            )
        elif action == "rol":
            role = next((r for r in party.roles.all() if f"r{r.pk}-role" in post), None)
            if role is None:
                raise Http404
            _apply(
                request,
                RoleForm(post, prefix=f"r{role.pk}"),
                lambda d: gs.set_role(actor=user, party=party, **d),
                _("De rol is toegewezen."),
            )
        elif action == "trede-nieuw":
            _apply(
                request,
                StepForm(post, prefix=f"ns{party.pk}"),
                lambda d: gs.add_escalation_step(actor=user, party=party, **d),
                _("De trede is toegevoegd."),
            )
        elif action == "dvo-nieuw":
            _apply(
                request,
                AgreementForm(post, prefix=f"na{party.pk}"),
                lambda d: gs.add_agreement(actor=user, party=party, **d),
                _("De dienstverleningsovereenkomst is toegevoegd."),
            )
        else:
            _apply(
                request,
                UtrechtForm(post),
                lambda d: gs.remove_party(actor=user, party=party),
                _("'%(name)s' is van de kaart gehaald.") % {"name": party.name},
            )
            anchor = ""
    elif action in ("trede-wijzig", "trede-weg", "trede-omhoog", "trede-omlaag"):
        step = _item(steps, request)
        anchor = f"partij-{step.party_id}"
        if action == "trede-wijzig":
            _apply(
                request,
                StepForm(post, prefix=f"s{step.pk}"),
                lambda d: gs.update_escalation_step(actor=user, step=step, **d),
                _("De trede is gewijzigd."),
            )
        elif action == "trede-weg":
            _apply(
                request,
                UtrechtForm(post),
                lambda d: gs.remove_escalation_step(actor=user, step=step),
                _("De trede is verwijderd."),
            )
        else:
            _apply(
                request,
                UtrechtForm(post),
                lambda d: gs.move(actor=user, item=step, up=action.endswith("omhoog")),
                _("De volgorde is aangepast."),
            )
    elif action == "dvo-weg":
        agreement = _item(
            ServiceAgreement.objects.filter(party__project=project).select_related("party__project"), request
        )
        anchor = f"partij-{agreement.party_id}"
        _apply(
            request,
            UtrechtForm(post),
            lambda d: gs.remove_agreement(actor=user, agreement=agreement),
            _("De dienstverleningsovereenkomst is verwijderd."),
        )
    else:
        raise Http404
    url = reverse("governance-map", args=[project.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


# ---- Council report -----------------------------------------------------------------------------------------------


@require_safe
def report_pdf(request: HttpRequest, project_id: int) -> HttpResponse:
    user, project = _project(request, project_id)
    pdf = report.council_report(project, municipality=_municipality_name(project), made_by=user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="raadsrapportage-organisatiekeuze-{project.pk}.pdf"'
    return response
