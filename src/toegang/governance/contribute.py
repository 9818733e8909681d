"""The participant's form behind a personal link (/inbreng/<token>/): no login, the link is the key. It opens only
that participant's own judgements; any other token is not found. After saving, the form shows the participant's
consistency ratio and, above 0.10, the judgements that contribute most, so they can revise them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from toegang.common.views import submitted
from toegang.governance import analysis, catalogue, selectors
from toegang.governance import services as gs
from toegang.governance.forms import JudgementForm
from toegang.governance.models import DecisionProject, Participant

W = DecisionProject.Weighting
INSTRUCTIONS = {
    W.PAIRWISE: _(
        "Vergelijk de criteria twee aan twee: kies per paar welk criterium belangrijker is en hoeveel. Links is het "
        "linker criterium belangrijker, rechts het rechter; in het midden (1) zijn ze even belangrijk. 3 = iets "
        "belangrijker, 5 = belangrijker, 7 = veel belangrijker, 9 = extreem veel belangrijker."
    ),
    W.POINTS: _(
        "Verdeel precies 100 punten over de criteria: meer punten is belangrijker. Elk criterium krijgt "
        "minstens 1 punt."
    ),
    W.SWING: _(
        "Stel u elk criterium voor van zijn slechtste naar zijn beste waarde. Geef het criterium waarbij die sprong "
        "het meest uitmaakt 100 punten, en de andere 1 tot 100 punten in verhouding daartoe."
    ),
    W.ROC: _("Zet de criteria in volgorde van belang: 1 is het belangrijkste; elke rang één keer."),
    W.RANK_SUM: _("Zet de criteria in volgorde van belang: 1 is het belangrijkste; elke rang één keer."),
}


def _options(first: str, second: str, current: Any) -> list[dict[str, Any]]:
    """The 17 positions of a Saaty row, from "first 9x" through "equal" to "second 9x"."""
    options = []
    for value in range(8, -9, -1):
        factor = abs(value) + 1
        options.append(
            {
                "value": str(value),
                "number": str(factor),
                "text": catalogue.saaty_label(value, first, second),
                "checked": current is not None and str(current) == str(value),
                "side": "first" if value > 0 else ("second" if value < 0 else "equal"),
            }
        )
    return options


@never_cache
def contribute(request: HttpRequest, token: str) -> HttpResponse:
    try:
        participant = selectors.participant_for_token(token)
    except Participant.DoesNotExist:
        raise Http404 from None
    project = participant.group.project
    shape = selectors.structure(project)
    closed = project.phase == DecisionProject.Phase.DECISION
    pairs = {(j.first_id, j.second_id): j.value for j in participant.pairwise.all()}
    values = {j.criterion_id: j.value for j in participant.weights.all()}
    scores = {(j.alternative_id, j.criterion_id): j.value for j in participant.scores.all()}
    initial: dict[str, Any] = {}
    for i, first in enumerate(shape.criteria):
        for second in shape.criteria[i + 1 :]:
            if (first.pk, second.pk) in pairs:
                initial[f"pair_{first.pk}_{second.pk}"] = str(pairs[(first.pk, second.pk)])
            elif (second.pk, first.pk) in pairs:
                initial[f"pair_{first.pk}_{second.pk}"] = str(-pairs[(second.pk, first.pk)])
    initial.update({f"weight_{pk}": v for pk, v in values.items()})
    initial.update({f"score_{a}_{c}": v for (a, c), v in scores.items()})
    form = JudgementForm(
        request.POST or None,
        initial=initial,
        project=project,
        criteria=shape.criteria,
        alternatives=shape.admissible,
        scored=shape.scored,
    )
    if request.method == "POST":
        if closed:
            messages.error(request, _("Dit project is in de besluitfase: de inbreng is gesloten."))
            return redirect("governance-contribute", token=token)
        if submitted(request, form, lambda _d: gs.save_judgements(participant=participant, **_judgements(form))):
            messages.success(request, _("Uw inbreng is opgeslagen. U kunt hem aanpassen tot de besluitfase begint."))
            return redirect("governance-contribute", token=token)
    own = analysis.own_weights(project, shape.criteria, pairs=pairs, values=values)
    consistency = own.consistency if own is not None else None
    context = {
        "participant": participant,
        "project": project,
        "group": participant.group,
        "closed": closed,
        "form": form,
        "instructions": INSTRUCTIONS[W(project.weighting)],
        "pairs": [
            {
                "field": form[f"pair_{a.pk}_{b.pk}"],
                "first": a,
                "second": b,
                "options": _options(a.name, b.name, form[f"pair_{a.pk}_{b.pk}"].value()),
            }
            for a, b in form.pairs
        ],
        "weights": [(c, form[f"weight_{c.pk}"]) for c in shape.criteria] if project.weighting != W.PAIRWISE else [],
        "weighting_label": DecisionProject.Weighting(project.weighting).label,
        "alternatives": shape.admissible,
        "scored": shape.scored,
        "grid": [(a, [(c, form[f"score_{a.pk}_{c.pk}"]) for c in shape.scored]) for a in shape.admissible],
        "scale": catalogue.SCORE_SCALE,
        "consistency": consistency,
        "inconsistencies": analysis.inconsistencies(shape.criteria, consistency)
        if consistency and not consistency.get("acceptable", True)
        else [],
        "own_weights": [(c, own.weights[c.pk]) for c in shape.criteria] if own is not None else [],
    }
    return render(request, "governance/contribute.html", context)


def _judgements(form: JudgementForm) -> dict[str, Any]:
    pairwise, weights, scores = form.judgements()
    return {"pairwise": pairwise, "weights": weights, "scores": scores}
