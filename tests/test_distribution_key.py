"""The municipality as the distribution key of a regional installation (issue 10, point 4).

On a distributed PostgreSQL (Citus) a regional installation would distribute the tables of case data by
municipality, so that every query of one municipality's professional stays on one node. This test walks
every model of Toegang and finds the chain of foreign keys by which its rows belong to one municipality.
A model without such a chain must be named here as a reference table (the same rows for every
municipality: code lists, rules; replicated to every node) or as a global table (it spans municipalities
on purpose), with the reason. A new model without a decision fails the test, as a new URL without an
access decision fails tests/test_url_access.py. docs/performance.md ("Beyond one machine") lists the
result."""

from __future__ import annotations

from collections import deque

from django.apps import apps
from django.db import models

from toegang.accounts.models import Municipality

REFERENCE = {  # the same for every municipality
    "plans.lifedomain": "leefdomeinen (ZRM-namen), landelijke lijst",
    "plans.selfreliancelevel": "zelfredzaamheidsniveaus, landelijke lijst",
    "privacy.processingactivity": "register van verwerkingen als gegevens, per installatie",
    "privacy.retentionrule": "Selectielijst-regels",
    "procedures.productcategory": "productcategorieën van de iStandaarden",
    "procedures.provider": "zorgaanbieders (AGB), werken voor meerdere gemeenten",
    "network.targetgroup": "doelgroepen van de sociale kaart",
    "steering.indicator": "indicatorcatalogus",
    "steering.budgetline": "Iv3-taakvelden per productcategorie",
    "procedures.termrule": "wettelijke termijnen; een gemeente kan er een eigen regel naast zetten",
}
GLOBAL = {  # span municipalities on purpose, or hold no municipality's case data
    "accounts.municipality": "de verdeelsleutel zelf",
    "accounts.organisation": "partnerorganisaties werken in meerdere gemeenten",
    "accounts.user": "medewerkers van partners werken in meerdere gemeenten; inwoners hebben er geen",
    "audit.auditentry": "één hashketen voor de installatie (ADR 0007); verdelen vraagt een keten per gemeente",
    "audit.auditsubject": "hoort bij de logregel",
    "audit.auditanchor": "ankerpunt van de keten",
    "audit.auditprunegate": "technisch: alleen binnen de transactie die verlopen logregels opruimt",
    "steering.refresh": "een verversing van de stuurinformatie gaat over alle gemeenten",
    "people.person": "een persoon kan in huishoudens van meer gemeenten wonen (verhuizing)",
    "people.personsource": "hoort bij de persoon",
    "portal.representation": "hoort bij de persoon",
    "privacy.consent": "hoort bij de persoon",
    "privacy.rightsrequest": "hoort bij de persoon",
    "cases.standin": "een afspraak tussen twee medewerkers",
    "events.event": "de gemeente kan leeg zijn (gebeurtenissen van de installatie)",
    "istandaarden.message": "een binnenkomend bericht waarvan de gemeente nog niet vaststaat",
    "istandaarden.claimline": "hoort bij het bericht",
    "steering.export": "een export van één gebruiker",
    "privacy.message": "berichten aan een gebruiker",
    "privacy.deletionrecord": "vernietigingsregister zonder persoonsgegevens",
    "api.apitoken": "hoort bij een gebruiker",
}


def models_of_toegang() -> list[type[models.Model]]:
    return [
        m for m in apps.get_models() if m.__module__.startswith("toegang.") and m._meta.managed and not m._meta.proxy
    ]


def path_to_municipality(model: type[models.Model]) -> str | None:
    """The shortest chain of forward foreign keys from ``model`` to Municipality ("household__municipality"),
    or None."""
    seen = {model}
    queue: deque[tuple[type[models.Model], str]] = deque([(model, "")])
    while queue:
        current, path = queue.popleft()
        for field in current._meta.concrete_fields:
            if not isinstance(field, models.ForeignKey) or field.null:  # a key that may be empty distributes nothing
                continue
            target = field.related_model
            step = f"{path}__{field.name}" if path else field.name
            if target is Municipality:
                return step
            if isinstance(target, type) and target not in seen and step.count("__") < 4:
                seen.add(target)
                queue.append((target, step))
    return None


def test_every_model_has_a_municipality_or_a_decision():
    undecided = []
    for model in models_of_toegang():
        label = model._meta.label_lower
        if label in REFERENCE or label in GLOBAL:
            continue
        if path_to_municipality(model) is None:
            undecided.append(label)
    assert not undecided, f"geen pad naar de gemeente en geen besluit in tests/test_distribution_key.py: {undecided}"


def test_the_decisions_are_about_models_that_exist():
    labels = {m._meta.label_lower for m in models_of_toegang()}
    assert not (set(REFERENCE) | set(GLOBAL)) - labels


def test_case_data_is_distributed_by_municipality():
    """The heart of a dossier reaches its municipality in at most two steps."""
    from toegang.cases.models import Note, Trajectory
    from toegang.people.models import Household, Membership
    from toegang.plans.models import Action, Goal, Plan
    from toegang.signals.models import Signal

    paths = {m: path_to_municipality(m) for m in (Household, Membership, Trajectory, Note, Plan, Signal, Goal, Action)}
    assert paths[Household] == "municipality" and paths[Signal] == "municipality"
    assert paths[Trajectory] == "household__municipality" and paths[Plan] == "household__municipality"
    assert all(p is not None and p.count("__") <= 3 for p in paths.values()), paths
