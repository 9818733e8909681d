"""The governance map of a connected party (issue 8, point 6; DOMAIN.md §4.6): the role-conflict check and the
draft of the connected-parties paragraph of the budget (BBV art. 15)."""

from __future__ import annotations

from dataclasses import dataclass

from toegang.governance.business_case import euros
from toegang.governance.models import ConnectedParty, RoleAssignment

R = RoleAssignment.Role
ROLE_ORDER = (R.CLIENT, R.OWNER, R.CONTRACTOR, R.EXECUTOR)
ROLE_EXPLAINED = {
    R.CLIENT: "koopt diensten af en stuurt op prijs en kwaliteit",
    R.OWNER: "richt op, bepaalt de missie, bewaakt de continuïteit en draagt het ondernemersrisico",
    R.CONTRACTOR: "levert zelf diensten aan de partij (bijvoorbeeld PIOFACH of ICT)",
    R.EXECUTOR: "voert zelf taken uit naast of in plaats van de partij",
}
CATEGORY_ORDER = (
    ConnectedParty.Category.GR,
    ConnectedParty.Category.COMPANY,
    ConnectedParty.Category.FOUNDATION,
    ConnectedParty.Category.OTHER,
)
BBV_CATEGORY_HEADINGS = {
    ConnectedParty.Category.GR: "Gemeenschappelijke regelingen",
    ConnectedParty.Category.COMPANY: "Vennootschappen en coöperaties",
    ConnectedParty.Category.FOUNDATION: "Stichtingen en verenigingen",
    ConnectedParty.Category.OTHER: "Overige verbonden partijen",
}
SOURCE_ROLES = (
    "Rollen eigenaar en opdrachtgever gescheiden, niet bij dezelfde wethouder (Arnhem, jaarverslag "
    "2017, 'Opdrachtgevende rol en eigenaarsrol')."
)
SOURCE_BBV = (
    "Besluit begroting en verantwoording (BBV) art. 15; Notitie Verbonden partijen, Commissie BBV, oktober 2016."
)


def _same(a: str, b: str) -> bool:
    return bool(a.strip()) and " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


@dataclass(frozen=True)
class Warning:
    text: str
    serious: bool


def conflicts(party: ConnectedParty, roles: list[RoleAssignment]) -> list[Warning]:
    """Client and owner with the same portfolio holder is the conflict DOMAIN.md §4.6 names; an empty client or
    owner role and a missing regisseur are reported as gaps."""
    by_role = {r.role: r for r in roles}
    found: list[Warning] = []
    client, owner = by_role.get(R.CLIENT), by_role.get(R.OWNER)
    if client is not None and owner is not None and _same(client.portfolio_holder, owner.portfolio_holder):
        found.append(
            Warning(
                f"Opdrachtgever en eigenaar liggen bij dezelfde wethouder ({client.portfolio_holder.strip()}). Scheid "
                "deze rollen: de eigenaar bewaakt continuïteit en risico, de opdrachtgever prijs en kwaliteit.",
                True,
            )
        )
    for role in (R.CLIENT, R.OWNER):
        assignment = by_role.get(role)
        if assignment is None or not assignment.portfolio_holder.strip():
            found.append(Warning(f"De rol {R(role).label.lower()} heeft nog geen wethouder.", False))
    if not party.regisseur_name.strip():
        found.append(Warning("Er is nog geen regisseur (ambtelijk opdrachtgever) aangewezen.", False))
    return found


def _amount(cents: int | None) -> str:
    return "onbekend" if cents is None else euros(cents)


def paragraph(parties: list[tuple[ConnectedParty, list[RoleAssignment]]], *, municipality: str) -> str:
    """A draft of the paragraph 'Verbonden partijen' (BBV art. 15) in Dutch, per BBV category."""
    lines = ["Paragraaf verbonden partijen", ""]
    policies = [p.policy.strip() for p, _roles in parties if p.policy.strip()]
    lines.append("Visie en beleidsvoornemens")
    lines.append(
        " ".join(policies)
        if policies
        else f"Gemeente {municipality} gaat alleen een verbonden partij aan als dat het openbaar belang beter dient "
        "dan uitvoering in eigen beheer, en scheidt daarbij de rol van eigenaar van die van opdrachtgever."
    )
    for category in CATEGORY_ORDER:
        members = [(p, r) for p, r in parties if p.category == category]
        if not members:
            continue
        lines += ["", BBV_CATEGORY_HEADINGS[category]]
        for party, roles in members:
            by_role = {r.role: r for r in roles}
            lines += ["", f"{party.name} ({party.year})"]
            lines.append(f"Openbaar belang: {party.public_interest.strip() or 'nog in te vullen'}")
            holders = []
            for role in ROLE_ORDER:
                assignment = by_role.get(role)
                if assignment is not None and assignment.portfolio_holder.strip():
                    portfolio = f" ({assignment.portfolio.strip()})" if assignment.portfolio.strip() else ""
                    holders.append(f"{R(role).label.lower()}: {assignment.portfolio_holder.strip()}{portfolio}")
            administrative = party.administrative_interest.strip() or "nog in te vullen."
            if not administrative.endswith((".", "!", "?")):
                administrative += "."
            if holders:
                administrative += " Rollen van de gemeente: " + "; ".join(holders) + "."
            lines.append(f"Bestuurlijk belang: {administrative}")
            financial = _amount(party.financial_interest_cents)
            if party.financial_interest_note.strip():
                financial += f" ({party.financial_interest_note.strip()})"
            lines.append(f"Financieel belang: {financial}")
            lines.append(
                f"Eigen vermogen: begin {party.year} {_amount(party.equity_start_cents)}, "
                f"eind {party.year} {_amount(party.equity_end_cents)}."
            )
            lines.append(
                f"Vreemd vermogen: begin {party.year} {_amount(party.liabilities_start_cents)}, "
                f"eind {party.year} {_amount(party.liabilities_end_cents)}."
            )
            lines.append(f"Verwacht resultaat {party.year}: {_amount(party.result_cents)}.")
            lines.append(f"Risico's: {party.risks.strip() or 'geen materiële risico’s bekend'}")
            if party.regisseur_name.strip():
                function = f", {party.regisseur_function.strip()}" if party.regisseur_function.strip() else ""
                lines.append(f"Regisseur (ambtelijk opdrachtgever): {party.regisseur_name.strip()}{function}.")
    return "\n".join(lines)
