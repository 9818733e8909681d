"""Printable invitation and minutes of a case conference (fpdf2, common/pdf.py). What goes in follows the
reader's basis: the caller passes only what the reader may see."""

from __future__ import annotations

from toegang.common.pdf import FONT, Document
from toegang.network.models import CaseConference, ConferenceDecision, MinutesSection, Participant


class _Document:
    def __init__(self, title: str) -> None:
        self.pdf = Document()
        self.pdf.set_title(title)
        self.pdf.set_auto_page_break(auto=True, margin=18)
        self.pdf.add_page()
        self.pdf.set_font(FONT, "B", 15)
        self.pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)

    def heading(self, text: str) -> None:
        self.pdf.ln(3)
        self.pdf.set_font(FONT, "B", 12)
        self.pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")

    def line(self, text: str, *, bold: bool = False, small: bool = False, indent: int = 0) -> None:
        self.pdf.set_font(FONT, "B" if bold else "", 9 if small else 10)
        self.pdf.set_x(self.pdf.l_margin + indent)
        self.pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())


def _when(conference: CaseConference) -> str:
    return f"{conference.held_on:%d-%m-%Y}, {conference.starts_at:%H:%M} uur, {conference.location}"


def _who(participant: Participant) -> str:
    organisation = participant.organisation or (participant.user.organisation if participant.user else None)
    parts = [participant.label, participant.get_kind_display().lower()]
    if organisation is not None:
        parts.append(organisation.name)
    if participant.role:
        parts.append(participant.role)
    return " - ".join(parts)


def invitation(conference: CaseConference, *, participants: list[Participant], content: bool) -> bytes:
    """The invitation: when and where and the agenda for everyone; the purpose and who is invited only
    for readers with a basis."""
    doc = _Document("Uitnodiging casusoverleg")
    doc.line(f"Wanneer en waar: {_when(conference)}", bold=True)
    if content:
        doc.line(f"Huishouden: {conference.trajectory.household.name}")
        doc.heading("Doel van het overleg")
        doc.line(conference.purpose)
        doc.heading("Genodigden")
        for participant in participants:
            doc.line(f"- {_who(participant)}")
    doc.heading("Agenda")
    items = list(conference.agenda.all())
    for item in items:
        brought = f" (ingebracht door {item.brought_in_by.label})" if item.brought_in_by and content else ""
        doc.line(f"{item.position}. {item.title}{brought}")
    if not items:
        doc.line("De agenda volgt.")
    doc.pdf.ln(4)
    doc.line(
        "Wat in dit overleg over het huishouden gedeeld wordt, is vertrouwelijk. Deelnemers zonder wettelijke "
        "grondslag of toestemming van het huishouden krijgen alleen de agenda.",
        small=True,
    )
    return doc.bytes()


def minutes(
    conference: CaseConference,
    *,
    participants: list[Participant],
    sections: list[MinutesSection],
    decisions: list[ConferenceDecision],
) -> bytes:
    """The minutes as the reader may see them, the decisions and the follow-up list (actielijst)."""
    doc = _Document("Verslag casusoverleg")
    doc.line(f"{_when(conference)} - {conference.get_status_display().lower()}", bold=True)
    doc.line(f"Huishouden: {conference.trajectory.household.name}")
    doc.heading("Deelnemers")
    for participant in participants:
        presence = {True: "aanwezig", False: "afwezig", None: "uitgenodigd"}[participant.attended]
        doc.line(f"- {_who(participant)} ({presence})")
    doc.heading("Verslag")
    by_item: dict[int | None, list[MinutesSection]] = {}
    for section in sections:
        by_item.setdefault(section.agenda_item_id, []).append(section)
    for item in [*conference.agenda.all(), None]:
        rows = by_item.get(item.pk if item else None, [])
        if item is not None:
            doc.line(f"{item.position}. {item.title}", bold=True)
        elif rows:
            doc.line("Overig", bold=True)
        for section in rows:
            restricted = f" [alleen voor {section.restricted_to.name}]" if section.restricted_to else ""
            doc.line(f"{section.text}{restricted}", indent=4)
            doc.line(f"{section.author}, {section.written_at:%d-%m-%Y}", small=True, indent=4)
    doc.heading("Besluiten en actielijst")
    if not decisions:
        doc.line("Geen besluiten.")
    for number, decision in enumerate(decisions, start=1):
        action = decision.action
        doc.line(f"{number}. {decision.text}", bold=True)
        doc.line(
            f"Actie: {action.description} - {action.party_label}, uiterlijk {action.due_on:%d-%m-%Y} "
            f"({action.get_status_display().lower()}); doel: {action.goal.domain.name}",
            indent=4,
        )
    return doc.bytes()
