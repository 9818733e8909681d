"""The decision screens on the procedure page: draft, provision, four-eyes approval, making it known,
the letter, an objection; refused input comes back as a message naming the field and changes nothing."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils.html import escape

from tests.conftest import make_trajectory
from toegang.common.dates import today
from toegang.procedures import services
from toegang.procedures.models import Decision, Objection, ProductCategory, Provider, Provision


def applied_on():
    return today() - dt.timedelta(days=5)


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_professional_and_team_lead_take_a_decision_through_the_screens(client, world, settings):
    settings.DECISION_FOUR_EYES_CENTS = 100_000
    provider = Provider.objects.create(name="Thuiszorg De Linde", agb_code="12345678")
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.order_by("pk").first().person
    procedure = services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law="wmo", reported_on=applied_on()
    )
    services.record_step(actor=world.professional, procedure=procedure, step="application_on", day=applied_on())
    page = reverse("procedure", args=[procedure.pk])
    client.force_login(world.professional)
    assert "Beschikking voorbereiden" in client.get(page).content.decode()

    response = client.post(reverse("decision-new", args=[procedure.pk]), {"outcome": "afgewezen", "reasoning": ""})
    refused = response.content.decode()  # the page comes back with the form open and the choice kept
    summary = refused.split('id="foutmeldingen"', 1)[1].split("</ul>", 1)[0]
    assert response.status_code == 400 and "Motivering: dit veld is verplicht." in summary
    assert '<details class="card" open>' in refused and re.search(r'value="afgewezen"[^>]*checked', refused)
    assert not Decision.objects.exists()
    client.post(reverse("decision-new", args=[procedure.pk]), {"outcome": "toegekend", "reasoning": "Nodig."})
    decision = Decision.objects.get()

    category = ProductCategory.objects.get(law="wmo", code="13")
    provision = {
        "category": category.pk,
        "delivery": "zin",
        "provider": provider.pk,
        "budget_euros": "2500.50",
        "start_date": today().isoformat(),
    }
    refused = client.post(reverse("provision-add", args=[decision.pk]), provision)
    page_text = refused.content.decode()
    assert refused.status_code == 400 and "Einddatum: verplicht" in page_text.split('id="foutmeldingen"', 1)[1]
    assert "<details open><summary>Voorziening toevoegen" in page_text and 'value="2500.50"' in page_text
    assert not Provision.objects.exists()
    provision["end_date"] = (today() + dt.timedelta(days=90)).isoformat()
    client.post(reverse("provision-add", args=[decision.pk]), provision)
    assert Provision.objects.get().budget_cents == 250_050

    client.post(reverse("decision-action", args=[decision.pk, "afronden"]))
    decision.refresh_from_db()
    assert decision.status == Decision.Status.AWAITING  # € 2,500.50 is above the four-eyes amount of € 1,000
    refused = client.post(
        reverse("decision-action", args=[decision.pk, "bekendmaken"]), {"on": today().isoformat()}, follow=True
    )
    assert "na akkoord" in messages_of(refused)

    from tests.querycount import page_queries
    from toegang.privacy.models import Message

    told = Message.objects.get(recipient=world.team_lead)  # the team's lead hears it, without the person's name
    assert (
        told.text == "Een beschikking wacht op uw akkoord (vier ogen)." and told.link == f"{page}#h-besch-{decision.pk}"
    )
    client.force_login(world.team_lead)
    deadlines = client.get(reverse("deadlines")).content.decode()  # the team lead's list opens on the team
    waiting = deadlines.split("wachten op uw akkoord", 1)[1].split("</table>", 1)[0]
    assert f'href="{page}#h-besch-{decision.pk}"' in waiting and escape(person.full_name) in waiting
    assert "Het team:" in deadlines and 'href="?wie=eigen"' in deadlines
    assert page_queries(client, reverse("deadlines")) == 8  # the team's terms (7) and the decisions waiting (1)
    assert "Akkoord geven" in client.get(page).content.decode()
    client.post(reverse("decision-action", args=[decision.pk, "akkoord"]))
    assert "Er wacht geen beschikking op uw akkoord." in client.get(reverse("deadlines")).content.decode()
    client.force_login(world.professional)
    client.post(reverse("decision-action", args=[decision.pk, "bekendmaken"]), {"on": today().isoformat()})
    decision.refresh_from_db()
    assert decision.status == Decision.Status.SENT and decision.approved_by == world.team_lead

    letter = client.get(reverse("decision-letter", args=[decision.pk]))
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    client.post(reverse("objection-new", args=[decision.pk]), {"received_on": today().isoformat(), "committee": "on"})
    objection = Objection.objects.get()
    assert "beslissen uiterlijk" in client.get(page).content.decode()
    client.post(
        reverse("objection-action", args=[objection.pk, "beslissen"]),
        {"outcome": "ongegrond", "decided_on": today().isoformat()},
    )
    objection.refresh_from_db()
    assert objection.outcome == "ongegrond"


def test_other_teams_and_partners_cannot_reach_a_decision(client, world):
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.order_by("pk").first().person
    procedure = services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law="jeugd", reported_on=applied_on()
    )
    services.record_step(actor=world.professional, procedure=procedure, step="application_on", day=applied_on())
    decision = Decision.objects.create(
        procedure=procedure, outcome="afgewezen", reasoning="r", created_by=world.professional
    )
    client.force_login(world.outsider)
    assert client.get(reverse("decision-letter", args=[decision.pk])).status_code == 404
    assert client.post(reverse("decision-action", args=[decision.pk, "afronden"])).status_code == 404
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DRAFT


def test_a_beschikking_not_made_known_can_be_discarded_and_a_decision_from_elsewhere_recorded(client, world):
    """A concept with a provision that should not go ahead: laten vervallen removes it with its provisions
    (logged), after which the decision taken elsewhere is recorded on the procedure; a beschikking made known
    cannot be discarded."""
    from toegang.audit.models import AuditEntry
    from toegang.procedures import decisions

    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.order_by("pk").first().person
    procedure = services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law="wmo", reported_on=applied_on()
    )
    services.record_step(actor=world.professional, procedure=procedure, step="application_on", day=applied_on())
    client.force_login(world.professional)
    client.post(reverse("decision-new", args=[procedure.pk]), {"outcome": "toegekend", "reasoning": "Nodig."})
    draft = Decision.objects.get()
    page = reverse("procedure", args=[procedure.pk])
    assert "Beschikking voorbereiden" not in client.get(page).content.decode()  # one in preparation at a time
    step = {"form": "stap", "stap-step": "decided_on", "stap-day": today().isoformat(), "stap-outcome": "afgewezen"}
    blocked = client.post(page, step)
    assert blocked.status_code == 400 and "of laat die vervallen" in blocked.content.decode()
    assert "Beschikking laten vervallen" in client.get(page).content.decode()
    discard = reverse("decision-action", args=[draft.pk, "laten-vervallen"])
    withdraw = client.post(reverse("procedure-withdraw", args=[procedure.pk]), {"intrekken-on": today()})
    assert withdraw.status_code == 400 and "in voorbereiding; laat die eerst vervallen" in withdraw.content.decode()
    assert services.Procedure.objects.get(pk=procedure.pk).withdrawn_on is None
    no_reason = client.post(discard, follow=True)
    assert "Reden: dit veld is verplicht." in messages_of(no_reason) and Decision.objects.exists()
    done = client.post(discard, {"reason": "elders"}, follow=True)
    assert "De beschikking is vervallen" in messages_of(done) and not Decision.objects.exists()
    assert "Beschikking voorbereiden" in client.get(page).content.decode()  # a new one can be drafted
    deleted = AuditEntry.objects.get(object_type="decision", object_id=str(draft.pk), action="delete")
    assert deleted.detail == "vervallen (concept, toegekend): Het besluit is buiten Toegang genomen"
    assert client.post(page, step).status_code == 302
    assert services.Procedure.objects.get(pk=procedure.pk).decided_outcome == "afgewezen"

    other = services.start_procedure(
        actor=world.professional, trajectory=trajectory, person=person, law="jeugd", reported_on=applied_on()
    )
    services.record_step(actor=world.professional, procedure=other, step="application_on", day=applied_on())
    sent = decisions.draft_decision(actor=world.professional, procedure=other, outcome="afgewezen", reasoning="Nee.")
    sent = decisions.send(
        actor=world.professional, decision=decisions.submit(actor=world.professional, decision=sent), on=today()
    )
    refused = client.post(
        reverse("decision-action", args=[sent.pk, "laten-vervallen"]), {"reason": "elders"}, follow=True
    )
    assert "vervalt niet" in messages_of(refused) and Decision.objects.filter(pk=sent.pk).exists()
