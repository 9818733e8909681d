"""Sharing with a partner organisation needs a recorded basis: a legal basis from the register or a
valid consent. Withdrawal takes effect at once; expired or withdrawn consent blocks the share."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_trajectory
from toegang.audit.models import AuditEntry
from toegang.cases import services as case_services
from toegang.cases.models import Involvement
from toegang.cases.selectors import households_visible_to
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.privacy import services
from toegang.privacy.models import Consent, ProcessingActivity


@pytest.fixture
def integral():
    return ProcessingActivity.objects.get(code="integrale-ondersteuning")


def give_consent(world, trajectory, integral, **overrides):
    person = trajectory.household.memberships.first().person
    values = {
        "actor": world.professional,
        "person": person,
        "activity": integral,
        "given_by": "inwoner",
        "categories": ["plan", "jeugd"],
        "organisations": [world.partner_org],
        "given_on": today(),
        "valid_until": today() + dt.timedelta(days=365),
    }
    return services.record_consent(**{**values, **overrides})


def involve(world, trajectory, basis):
    return case_services.add_involvement(
        actor=world.professional,
        trajectory=trajectory,
        professional=world.partner,
        role="Jeugdhulp",
        start_date=today(),
        basis=basis,
    )


def test_register_holds_purposes_with_their_basis(db):
    codes = dict(ProcessingActivity.objects.values_list("code", "reference"))
    assert codes["wmo-ondersteuning"] == "Wmo 2015 art. 5.1.1"
    assert codes["jeugdhulp"] == "Jeugdwet art. 7.4.0"
    assert ProcessingActivity.objects.get(code="integrale-ondersteuning").basis == "toestemming"


def test_share_without_basis_or_consent_is_refused(world, integral):
    trajectory = make_trajectory(world)
    with pytest.raises(DomainError, match="kies op welke grondslag"):
        involve(world, trajectory, None)
    with pytest.raises(DomainError, match="er is geen toestemming vastgelegd"):
        involve(world, trajectory, integral)
    assert not Involvement.objects.filter(professional=world.partner).exists()


def test_consent_lets_the_partner_in_and_withdrawal_shuts_the_door_at_once(world, integral):
    trajectory = make_trajectory(world)
    consent = give_consent(world, trajectory, integral)
    involvement = involve(world, trajectory, integral)
    assert involvement.consent == consent and involvement.legal_basis == f"toestemming {consent.pk}"
    assert households_visible_to(world.partner).filter(pk=trajectory.household_id).exists()
    assert AuditEntry.objects.filter(object_type="involvement", legal_basis=f"toestemming {consent.pk}").exists()
    services.withdraw_consent(actor=world.professional, consent=consent, on=today())
    assert not households_visible_to(world.partner).filter(pk=trajectory.household_id).exists()
    with pytest.raises(DomainError, match="ingetrokken op"):
        involve(world, trajectory, integral)


def test_expired_consent_blocks_access_and_new_shares(world, integral):
    trajectory = make_trajectory(world)
    consent = give_consent(world, trajectory, integral)
    involve(world, trajectory, integral)
    Consent.objects.filter(pk=consent.pk).update(
        given_on=today() - dt.timedelta(days=30), valid_until=today() - dt.timedelta(days=1)
    )
    assert not households_visible_to(world.partner).filter(pk=trajectory.household_id).exists()
    Involvement.objects.filter(professional=world.partner).update(end_date=today())
    with pytest.raises(DomainError, match="verlopen op"):
        involve(world, trajectory, integral)


def test_consent_names_the_organisation(world, integral):
    trajectory = make_trajectory(world)
    from toegang.accounts.models import Organisation

    other = Organisation.objects.create(name="GGZ Test", kind="ggz")
    give_consent(world, trajectory, integral, organisations=[other])
    with pytest.raises(DomainError, match="geen toestemming"):
        involve(world, trajectory, integral)


def test_legal_basis_from_the_register(world):
    trajectory = make_trajectory(world)
    involvement = involve(world, trajectory, ProcessingActivity.objects.get(code="jeugdhulp"))
    assert involvement.legal_basis == "Jeugdwet art. 7.4.0" and involvement.consent is None


def test_consent_input_is_checked(world, integral):
    trajectory = make_trajectory(world)
    with pytest.raises(DomainError, match="Naam vertegenwoordiger"):
        give_consent(world, trajectory, integral, given_by="vertegenwoordiger")
    with pytest.raises(DomainError, match="Organisaties"):
        give_consent(world, trajectory, integral, organisations=[])
    with pytest.raises(DomainError, match="Doel"):
        give_consent(world, trajectory, ProcessingActivity.objects.get(code="wmo-ondersteuning"))
    assert not Consent.objects.exists()


def test_consent_screens(client, world, integral):
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.first().person
    client.force_login(world.professional)
    url = reverse("consents", args=[trajectory.household_id])
    response = client.post(
        url,
        {
            "person": person.pk,
            "activity": integral.pk,
            "given_by": "inwoner",
            "categories": ["plan"],
            "organisations": [world.partner_org.pk],
            "given_on": today().isoformat(),
            "valid_until": "2000-01-01",
        },
    )
    assert (
        response.status_code == 400 and "Geldig tot en met: de datum ligt in het verleden" in response.content.decode()
    )
    response = client.post(
        url,
        {
            "person": person.pk,
            "activity": integral.pk,
            "given_by": "inwoner",
            "categories": ["plan"],
            "organisations": [world.partner_org.pk],
            "given_on": today().isoformat(),
            "valid_until": (today() + dt.timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert "Jeugdhulp Test" in client.get(url).content.decode()
    client.post(reverse("consent-withdraw", args=[consent.pk]))
    assert Consent.objects.get().withdrawn_on == today()
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    assert client.post(reverse("consent-withdraw", args=[consent.pk])).status_code == 404


def test_a_child_consents_through_a_representative_and_consent_has_a_maximum_term(world, integral):
    trajectory = make_trajectory(world, members=3)
    child = trajectory.household.memberships.order_by("-person__geboortedatum").first().person
    Person = type(child)
    Person.objects.filter(pk=child.pk).update(geboortedatum=today() - dt.timedelta(days=365 * 10))
    child.refresh_from_db()
    with pytest.raises(DomainError, match="jonger dan 16 jaar"):
        give_consent(world, trajectory, integral, person=child)
    give_consent(world, trajectory, integral, person=child, given_by="vertegenwoordiger", representative_name="Moeder")
    with pytest.raises(DomainError, match="hoogstens 2 jaar"):
        give_consent(world, trajectory, integral, valid_until=today() + dt.timedelta(days=3 * 366))


def test_consent_of_a_former_member_does_not_count(world, integral):
    from toegang.people.models import Membership

    trajectory = make_trajectory(world)
    former = trajectory.household.memberships.first()
    Membership.objects.filter(pk=former.pk).update(end_date=today() - dt.timedelta(days=30))
    give_consent(world, trajectory, integral, person=former.person)
    with pytest.raises(DomainError, match="geen toestemming"):
        involve(world, trajectory, integral)


@pytest.mark.parametrize(
    ("categories", "sees"),
    [
        (["contact"], set()),
        (["contact", "plan", "notities", "huishouden"], {"plan", "notities", "huishouden"}),
        (["plan"], {"plan"}),
    ],
)
def test_consent_categories_decide_what_the_partner_sees(client, world, integral, categories, sees):
    """A professional outside the team who is involved on consent only sees the consented categories:
    the plan's outline and reviews (plan), notes and documents (notities), the other members
    (huishouden), birth dates, BSNs and the address (contact)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import make_agreed_plan
    from toegang.cases import documents

    trajectory = make_trajectory(world, members=3)
    make_agreed_plan(world, trajectory, goals=2, actions_per_goal=1)
    case_services.add_note(
        actor=world.professional, trajectory=trajectory, kind="notitie", text="Geheime notitie", happened_on=today()
    )
    document = documents.add_document(
        actor=world.professional,
        trajectory=trajectory,
        upload=SimpleUploadedFile("verslag.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )
    members = [m.person for m in trajectory.household.memberships.order_by("pk")]
    give_consent(world, trajectory, integral, person=members[0], categories=categories)
    involve(world, trajectory, integral)

    client.force_login(world.partner)
    page = client.get(reverse("household", args=[trajectory.household_id])).content.decode()
    assert "toestemming van de inwoner" in page
    assert ("Geheime notitie" in page) == ("notities" in sees)
    assert ("verslag.pdf" in page) == ("notities" in sees)
    assert ("Ander doel" in page) == ("plan" in sees)
    assert ("volgende evaluatie" in page) == ("plan" in sees)  # nor the plan's version, status and review date
    assert (members[1].voornamen in page) == ("huishouden" in sees)
    assert members[0].voornamen in page  # who gave the consent is always shown
    assert (members[0].bsn in page) == ("contact" in categories)
    download = client.get(reverse("document-download", args=[document.pk]))
    assert download.status_code == (200 if "notities" in sees else 404)
    plan_page = client.get(reverse("plan", args=[trajectory.pk])).content.decode()
    assert ("is betrokken." in plan_page) == ("plan" in sees)  # the outline of the other goals


def test_team_members_and_legal_basis_are_not_limited_by_consent_categories(client, world):
    trajectory = make_trajectory(world)
    case_services.add_note(
        actor=world.professional, trajectory=trajectory, kind="notitie", text="Gewone notitie", happened_on=today()
    )
    involve(world, trajectory, ProcessingActivity.objects.get(code="jeugdhulp"))
    client.force_login(world.partner)
    page = client.get(reverse("household", args=[trajectory.household_id])).content.decode()
    assert "Gewone notitie" in page and "toestemming van de inwoner" not in page


@pytest.mark.parametrize("categories", [["plan"], ["plan", "huishouden", "contact"]])
def test_consent_categories_hold_on_who_is_involved_consents_and_search(client, world, integral, categories):
    """The household page is not the only way to the members: 'wie is betrokken', the consents page and
    the search results show the other members only with 'huishouden', and BSNs and birth dates only
    with 'contact'."""
    trajectory = make_trajectory(world, members=3)
    members = [m.person for m in trajectory.household.memberships.order_by("pk")]
    give_consent(world, trajectory, integral, person=members[0], categories=categories)
    involve(world, trajectory, integral)
    household_shared, contact_shared = "huishouden" in categories, "contact" in categories

    client.force_login(world.partner)
    involved_page = client.get(reverse("involved", args=[trajectory.household_id])).content.decode()
    assert members[0].voornamen in involved_page
    assert (members[1].voornamen in involved_page) == household_shared
    consents_page = client.get(reverse("consents", args=[trajectory.household_id])).content.decode()
    assert members[0].voornamen in consents_page
    assert (members[1].voornamen in consents_page) == household_shared

    by_address = client.get(
        reverse("search"), {"postcode": trajectory.household.postcode, "huisnummer": trajectory.household.huisnummer}
    ).content.decode()
    assert members[0].voornamen in by_address
    assert (members[1].voornamen in by_address) == household_shared
    assert (members[0].bsn in by_address) == contact_shared
    by_bsn = client.get(reverse("search"), {"bsn": members[2].bsn}).content.decode()
    assert (members[2].voornamen in by_bsn) == household_shared
    search_entry = AuditEntry.objects.filter(action="search").order_by("-id").first()
    assert (members[2].pk in set(search_entry.subjects.values_list("person_id", flat=True))) == household_shared


def test_consent_categories_also_hold_for_the_households_earlier_dossiers(client, world, integral):
    """The involvement opens the whole household, earlier (closed) dossiers included; what the consent
    leaves out stays out there too: their documents and their plan's outline."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import make_agreed_plan, wmo_rule
    from toegang.cases import documents

    earlier = make_trajectory(world, members=3)
    make_agreed_plan(world, earlier, goals=2, actions_per_goal=1)
    document = documents.add_document(
        actor=world.professional,
        trajectory=earlier,
        upload=SimpleUploadedFile("oud-verslag.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )
    case_services.close_trajectory(
        actor=world.professional,
        trajectory=earlier,
        closed_on=today(),
        reason="doelen_bereikt",
        note="",
        retention_rule=wmo_rule(),
    )
    current = case_services.start_trajectory(
        actor=world.professional,
        household=earlier.household,
        team=world.team,
        regisseur=world.professional,
        started_on=today(),
    )
    give_consent(world, current, integral, categories=["contact"])
    involve(world, current, integral)

    client.force_login(world.partner)
    assert client.get(reverse("document-download", args=[document.pk])).status_code == 404
    plan_page = client.get(reverse("plan", args=[earlier.pk])).content.decode()
    assert "is betrokken" not in plan_page


def test_break_the_glass_is_not_limited_by_consent_categories(client, world, integral):
    from django.utils import timezone

    from toegang.privacy.models import EmergencyAccess

    trajectory = make_trajectory(world)
    case_services.add_note(
        actor=world.professional, trajectory=trajectory, kind="notitie", text="Spoednotitie", happened_on=today()
    )
    give_consent(world, trajectory, integral, categories=["contact"])
    involve(world, trajectory, integral)
    client.force_login(world.partner)
    assert "Spoednotitie" not in client.get(reverse("household", args=[trajectory.household_id])).content.decode()
    now = timezone.now()
    EmergencyAccess.objects.create(
        user=world.partner,
        household=trajectory.household,
        reason="Acute zorg nodig; regisseur en team zijn niet bereikbaar.",
        started_at=now,
        expires_at=now + dt.timedelta(hours=4),
    )
    assert "Spoednotitie" in client.get(reverse("household", args=[trajectory.household_id])).content.decode()


def test_a_professional_in_on_consent_cannot_withdraw_consents(client, world, integral):
    trajectory = make_trajectory(world)
    consent = give_consent(world, trajectory, integral, categories=["contact", "plan", "huishouden"])
    involve(world, trajectory, integral)
    client.force_login(world.partner)
    assert client.post(reverse("consent-withdraw", args=[consent.pk])).status_code == 403
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_the_access_predicate_answers_alike_in_every_shape_it_takes(world, integral):
    """The predicate is one hand-written SQL condition (cases.selectors.AccessPredicate) used on
    households, on trajectories (own team first), on memberships and nested in another query's subquery
    (plans, the API's persons): each way in opens and closes all of them together."""
    from tests.conftest import make_agreed_plan
    from toegang.api.views import PersonViewSet
    from toegang.cases.search import search_persons
    from toegang.cases.selectors import trajectories_visible_to
    from toegang.plans.models import Plan
    from toegang.privacy.models import EmergencyAccess

    trajectory = make_trajectory(world)
    make_agreed_plan(world, trajectory, goals=1, actions_per_goal=1)
    surname = trajectory.household.memberships.first().person.geslachtsnaam

    def shapes(user):
        return (
            households_visible_to(user).filter(pk=trajectory.household_id).exists(),
            trajectories_visible_to(user).filter(pk=trajectory.pk).exists(),
            Plan.objects.filter(trajectory__in=trajectories_visible_to(user), trajectory=trajectory).exists(),
            PersonViewSet().visible(user).filter(memberships__household=trajectory.household_id).exists(),
            any(r.household_id == trajectory.household_id for r in search_persons(user=user, naam=surname)),
        )

    assert shapes(world.professional) == (True,) * 5  # own team
    assert shapes(world.team_lead) == (True,) * 5
    assert shapes(world.partner) == (False,) * 5
    consent = give_consent(world, trajectory, integral)
    involve(world, trajectory, integral)
    assert shapes(world.partner) == (True,) * 5  # involved on a valid consent
    services.withdraw_consent(actor=world.professional, consent=consent, on=today())
    assert shapes(world.partner) == (False,) * 5  # withdrawn: shut at once

    now = timezone.now()
    access = EmergencyAccess.objects.create(
        household=trajectory.household,
        user=world.outsider,
        reason="Spoed: test.",
        started_at=now,
        expires_at=now + dt.timedelta(hours=4),
    )
    assert shapes(world.outsider) == (True,) * 5  # break-the-glass, running
    EmergencyAccess.objects.filter(pk=access.pk).update(
        started_at=now - dt.timedelta(hours=5), expires_at=now - dt.timedelta(seconds=1)
    )
    assert shapes(world.outsider) == (False,) * 5  # expired


def test_a_consent_dated_long_ago_or_ahead_is_refused_on_its_date(world, integral):
    """A typing slip (1900) was refused with an unrelated message about residents under 16."""
    trajectory = make_trajectory(world)
    with pytest.raises(DomainError, match="^Gegeven op: ligt meer dan een jaar terug"):
        give_consent(world, trajectory, integral, given_on=dt.date(1900, 1, 1))
    with pytest.raises(DomainError, match="^Gegeven op: de datum ligt in de toekomst"):
        give_consent(world, trajectory, integral, given_on=today() + dt.timedelta(days=1))
    assert not Consent.objects.exists()
