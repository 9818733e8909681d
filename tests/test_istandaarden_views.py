# ruff: noqa: F811 - the fixtures imported from test_istandaarden_inbound are parameters here
"""The screens of the message exchange: the work queue of provider requests and their answers, the
response-time overview and a client's message history; partner professionals kept out; flat query
counts as the data grows."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from tests.querycount import page_queries
from tests.test_istandaarden_inbound import (  # noqa: F401 - fixtures
    assigned,
    claim,
    claim_line,
    home,
    run,
    vot,
    vow,
)
from toegang.common.dates import today
from toegang.istandaarden import messages, provider
from toegang.istandaarden.models import Message, Request


def test_the_queue_shows_a_request_and_a_refusal_sends_a_valid_319(client, world, assigned, tmp_path):
    run(tmp_path, "vot.xml", vot(assigned))
    request = Request.objects.get()
    client.force_login(world.professional)
    queue = client.get(reverse("istandaarden-queue")).content.decode()
    assert "Verzoek om toewijzing" in queue and assigned.decision.procedure.person.full_name in queue
    page = client.get(reverse("istandaarden-request", args=[request.pk])).content.decode()
    assert "REF-1" in page and "Afwijzen (319)" in page
    assert "02 Begeleiding" in page and "2 uur per week" in page
    assert "Geen wijziging, maar nieuwe aanvraag" not in page  # a reason for a request for change only
    assert reverse("procedure", args=[assigned.decision.procedure_id]) in page  # where the decision is made
    procedure = client.get(reverse("procedure", args=[assigned.decision.procedure_id])).content.decode()
    assert "Open verzoeken van aanbieders" in procedure and "REF-1" in procedure

    empty = client.post(reverse("istandaarden-request-action", args=[request.pk, "afwijzen"]), {"refusal": ""})
    assert empty.status_code == 302
    request.refresh_from_db()
    assert request.status == "open" and not Message.objects.filter(code="319").exists()
    refused = client.post(
        reverse("istandaarden-request-action", args=[request.pk, "afwijzen"]), {"refusal": "3"}, follow=True
    )
    assert "Het verzoek is afgewezen" in refused.content.decode()
    request.refresh_from_db()
    answer = Message.objects.get(code="319")
    assert request.status == "afgewezen" and request.answer == answer
    assert messages.validate("WMO", "319", answer.xml.encode()) == []
    assert b"<RedenAfwijzingVerzoek>3</RedenAfwijzingVerzoek>" in answer.xml.encode()


def test_the_form_without_a_reason_names_the_field_once(client, world, assigned, tmp_path):
    run(tmp_path, "vot.xml", vot(assigned))
    request = Request.objects.get()
    client.force_login(world.professional)
    page = client.post(
        reverse("istandaarden-request-action", args=[request.pk, "afwijzen"]), {"refusal": ""}, follow=True
    ).content.decode()
    assert "Reden afwijzing:" in page and "Reden afwijzing: Reden afwijzing" not in page


def test_a_change_request_shows_what_the_decision_grants_and_refuses_more(client, world, assigned, tmp_path):
    more = provider.Change(
        assigned.pk, today() + dt.timedelta(days=7), end=assigned.end_date, volume=5, unit="04", frequency="2"
    )
    run(tmp_path, "vow.xml", vow(assigned, changes=[more]))
    request = Request.objects.get()
    client.force_login(world.professional)
    page = client.get(reverse("istandaarden-request", args=[request.pk])).content.decode()
    assert "01 Hulp bij het huishouden" in page and "5 uur per week" in page and "beschikt: 3 uur per week" in page
    unconfirmed = client.post(reverse("istandaarden-request-action", args=[request.pk, "toewijzen"]), {}, follow=True)
    assert (
        "De gevraagde wijziging past binnen de beschikking van de inwoner: vink dit aan om te bevestigen"
        in unconfirmed.content.decode()
    )  # the sentence as label, without ".:"
    answered = client.post(
        reverse("istandaarden-request-action", args=[request.pk, "toewijzen"]), {"within_decision": "on"}, follow=True
    ).content.decode()
    assert "Omvang: 5 uur per week is meer dan de beschikking toekent (3)" in answered
    assigned.refresh_from_db()
    assert assigned.volume == 3 and assigned.assigned_until is None


def test_partners_and_other_municipalities_do_not_see_the_exchange(client, world, assigned, tmp_path):
    run(tmp_path, "vot.xml", vot(assigned))
    request = Request.objects.get()
    client.force_login(world.partner)
    assert client.get(reverse("istandaarden-queue")).status_code == 403
    assert client.get(reverse("istandaarden")).status_code == 403
    client.force_login(world.other_manager)
    assert client.get(reverse("istandaarden-request", args=[request.pk])).status_code == 404
    client.force_login(world.manager)  # reads, does not answer
    assert client.get(reverse("istandaarden-request", args=[request.pk])).status_code == 200
    refused = client.post(reverse("istandaarden-request-action", args=[request.pk, "onderzoek"]))
    assert refused.status_code == 403
    request.refresh_from_db()
    assert request.status == "open"


def test_overview_reports_response_times_and_history_lists_the_clients_messages(client, world, assigned, tmp_path):
    run(tmp_path, "claim.xml", claim(assigned, [claim_line(assigned)]))
    client.force_login(world.professional)
    overview = client.get(reverse("istandaarden")).content.decode()
    assert "Declaratie-antwoord (325)" in overview and "100%" in overview
    procedure = assigned.decision.procedure
    history = client.get(reverse("procedure-messages", args=[procedure.pk])).content.decode()
    assert all(name in history for name in ("WMO301", "WMO323", "WMO325"))  # a claim for this client only
    client.force_login(world.partner)
    assert client.get(reverse("procedure-messages", args=[procedure.pk])).status_code in (403, 404)


def test_query_counts_stay_flat_as_messages_grow(client, world, assigned, tmp_path):
    client.force_login(world.professional)
    procedure = assigned.decision.procedure

    def grow(n: int, start: int) -> None:
        for i in range(start, start + n):
            run(tmp_path, f"vot{i}.xml", vot(assigned, ident=f"V{i}", reference=f"REF-{i}"))
            run(
                tmp_path,
                f"claim{i}.xml",
                claim(
                    assigned,
                    [claim_line(assigned, reference=f"R{i}", volume=1, amount_cents=3_500)],
                    ident=f"D{i}",
                    number=f"N{i}",
                ),
            )

    def counts() -> tuple[int, ...]:
        request = Request.objects.order_by("pk").first()
        return (
            page_queries(client, reverse("istandaarden-queue")),
            page_queries(client, reverse("istandaarden-request", args=[request.pk])),
            page_queries(client, reverse("istandaarden")),
            page_queries(client, reverse("procedure-messages", args=[procedure.pk])),
        )

    grow(1, 0)
    small = counts()
    grow(3, 10)
    assert counts() == small == (4, 5, 8, 6)


def test_the_functional_administrator_sees_the_traffic_without_names(client, world, assigned, tmp_path):
    """The role sees no case content (docs/privacy.md): not the requests (they name a resident and their care),
    and the overview's late retours without the resident; its audit row then names no one."""
    from toegang.audit.models import AuditEntry

    run(tmp_path, "vot.xml", vot(assigned))
    request = Request.objects.get()
    late = Message.objects.filter(direction="uit", code="301").update(
        status="verzonden", answered_on=None, due_on=today() - dt.timedelta(days=3)
    )
    assert late
    name = assigned.decision.procedure.person.full_name
    client.force_login(world.professional)
    assert name in client.get(reverse("istandaarden")).content.decode()  # the back office sees whose retour is late
    client.force_login(world.admin)
    assert client.get(reverse("istandaarden-queue")).status_code == 403
    assert client.get(reverse("istandaarden-request", args=[request.pk])).status_code == 403
    assert client.post(reverse("istandaarden-request-action", args=[request.pk, "onderzoek"])).status_code == 403
    overview = client.get(reverse("istandaarden"))
    assert overview.status_code == 200 and name not in overview.content.decode()
    assert "Verzoeken aanbieders" not in overview.content.decode()  # not offered in the menu either
    row = AuditEntry.objects.filter(actor=world.admin, object_type="berichtenverkeer").latest("pk")
    assert not row.subjects.exists()
