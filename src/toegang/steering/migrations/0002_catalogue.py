"""The indicator catalogue (DOMAIN.md Part A §4): per indicator what is counted, how Toegang computes it
from its own registrations, the legal or national reference and the owner. Rows are data: a
municipality may edit them; the computation (steering/summaries.py) is keyed on the codes, which stay.

References name only what DOMAIN.md or the law itself gives; an indicator without a national
definition says so ("Toegang-indicator")."""

from django.db import migrations

MANAGER = "Manager Toegang"
TEAM_LEAD = "Teamleider"
PRINCIPAL = "Ambtelijk opdrachtgever sociaal domein"
CONTROLLER = "Functioneel beheerder / controller"

WMO_ONDERZOEK = "Wmo 2015 art. 2.3.2 lid 1 (onderzoek binnen zes weken na de melding)"
BESLISTERMIJN = (
    "Wmo 2015 art. 2.3.5 (beslissen binnen twee weken na ontvangst van de aanvraag); Jeugdwet art. 2.9 en "
    "Awb art. 4:13 (termijn van de verordening, anders ten hoogste acht weken)"
)
IV3 = "Iv3-taakvelden programma 6 Sociaal domein (Besluit begroting en verantwoording, BBV); DOMAIN.md §4.1"

INDICATORS = [
    # ---- instroom
    {
        "code": "meldingen_bron",
        "name": "Meldingen naar bron",
        "group": "instroom",
        "definition": (
            "Het aantal meldingen dat in de periode binnenkwam, naar wie de melding deed: de inwoner zelf, "
            "huisarts, jeugdgezondheidszorg, school, politie, welzijn, woningcorporatie, Veilig Thuis, "
            "het netwerk of anders."
        ),
        "formula": "Aantal meldingen met datum melding in de periode, naar bron.",
        "unit": "aantal",
        "source_data": "Meldingen (datum melding, bron)",
        "reference": "DOMAIN.md §4.5 (procesindicator: meldingen naar bron)",
        "owner": MANAGER,
        "higher_is_better": None,
    },
    {
        "code": "meldingen_kanaal",
        "name": "Meldingen naar kanaal",
        "group": "instroom",
        "definition": (
            "Het aantal meldingen dat in de periode binnenkwam, naar de weg waarlangs: telefoon, balie of "
            "inloop, webformulier, e-mail of brief, via een partnerorganisatie of outreachend."
        ),
        "formula": "Aantal meldingen met datum melding in de periode, naar kanaal.",
        "unit": "aantal",
        "source_data": "Meldingen (datum melding, kanaal)",
        "reference": "Toegang-indicator (geen landelijke definitie); de melding: Wmo 2015 art. 2.3.2 lid 1",
        "owner": MANAGER,
        "higher_is_better": None,
    },
    {
        "code": "trechter",
        "name": "Trechter van melding tot maatwerkvoorziening",
        "group": "instroom",
        "definition": (
            "Hoeveel vragen in de periode elke stap van de toegang bereikten: melding, triage met als uitkomst "
            "direct advies, doorverwijzing naar het voorliggend veld of intake, een afgesproken plan en een "
            "toegekende maatwerkvoorziening."
        ),
        "formula": (
            "Per stap het aantal met de datum van die stap in de periode: meldingen (datum melding); "
            "getriageerde meldingen naar uitkomst advies, voorliggend veld en intake (getriageerd op); "
            "eerste afgesproken plannen van een traject (afgesproken op); beschikkingen met een toegekende "
            "voorziening (bekendgemaakt op). Elke stap telt op haar eigen datum, dus geen cohort."
        ),
        "unit": "aantal",
        "source_data": (
            "Meldingen (datum melding, uitkomst triage, getriageerd op); plannen (versie, afgesproken op); "
            "besluiten (uitkomst toegekend, bekendgemaakt op)"
        ),
        "reference": "DOMAIN.md §4.5 (trechter naar het voorbeeld van de Monitor Sociaal Domein Almere)",
        "owner": MANAGER,
        "higher_is_better": None,
    },
    {
        "code": "herhaalmeldingen",
        "name": "Herhaalmeldingen",
        "group": "instroom",
        "definition": (
            "Het deel van de meldingen in de periode over een inwoner over wie in de twaalf maanden daarvoor "
            "al eerder een melding binnenkwam."
        ),
        "formula": (
            "Aantal meldingen in de periode waarvan de hoofdpersoon een eerdere melding heeft met datum "
            "melding in de twaalf maanden vóór deze melding, gedeeld door alle meldingen in de periode, maal 100."
        ),
        "unit": "procent",
        "source_data": "Meldingen (datum melding, hoofdpersoon)",
        "reference": "Toegang-indicator (geen landelijke definitie)",
        "owner": MANAGER,
        "higher_is_better": False,
    },
    {
        "code": "voorliggend_zonder_maatwerk",
        "name": "Afgehandeld zonder maatwerk",
        "group": "instroom",
        "definition": (
            "Het deel van de getriageerde meldingen dat direct is beantwoord of is doorverwezen naar het "
            "voorliggend veld, dus zonder traject en zonder maatwerkvoorziening. Of hoger beter is, is een "
            "beleidskeuze van de gemeente."
        ),
        "formula": (
            "Aantal meldingen getriageerd in de periode met uitkomst 'direct beantwoord / advies' of "
            "'doorverwezen naar voorliggend veld', gedeeld door alle meldingen getriageerd in de periode, maal 100."
        ),
        "unit": "procent",
        "source_data": "Meldingen (getriageerd op, uitkomst triage)",
        "reference": "DOMAIN.md §4.5 (aandeel afgehandeld in het voorliggend veld zonder maatwerkvoorziening)",
        "owner": MANAGER,
        "higher_is_better": None,
    },
    # ---- proces
    {
        "code": "doorlooptijd_verslag",
        "name": "Doorlooptijd melding tot verslag",
        "group": "proces",
        "definition": (
            "De gemiddelde tijd tussen de melding en het verstrekken van het verslag van het onderzoek, voor "
            "Wmo-procedures waarvan het verslag in de periode is verstrekt."
        ),
        "formula": (
            "Som van (verslag verstrekt op − datum melding) in kalenderdagen, gedeeld door het aantal "
            "Wmo-procedures met verslag verstrekt in de periode."
        ),
        "unit": "dagen",
        "source_data": "Procedures Wmo (datum melding, verslag verstrekt op)",
        "reference": f"{WMO_ONDERZOEK}; DOMAIN.md §4.5",
        "owner": TEAM_LEAD,
        "higher_is_better": False,
    },
    {
        "code": "verslag_binnen_termijn",
        "name": "Verslag binnen zes weken",
        "group": "proces",
        "definition": (
            "Het deel van de Wmo-procedures met een verslag in de periode waarvan het verslag binnen de termijn "
            "van het onderzoek kwam: zes weken na de melding, verlengd met opschortingen en volgens de "
            "Algemene termijnenwet."
        ),
        "formula": (
            "Aantal Wmo-procedures met verslag verstrekt in de periode op of vóór de einddatum van de "
            "onderzoekstermijn (termijnregel 'wmo-onderzoek' van de gemeente), gedeeld door alle Wmo-procedures "
            "met verslag verstrekt in de periode, maal 100."
        ),
        "unit": "procent",
        "source_data": "Procedures Wmo (datum melding, verslag verstrekt op, opschortingen); termijnregels",
        "reference": f"{WMO_ONDERZOEK}; DOMAIN.md §1.5 en §4.5",
        "owner": MANAGER,
        "higher_is_better": True,
    },
    {
        "code": "doorlooptijd_beschikking",
        "name": "Doorlooptijd aanvraag tot beschikking",
        "group": "proces",
        "definition": (
            "De gemiddelde tijd tussen de ontvangst van de aanvraag en de bekendmaking van de beschikking, "
            "voor procedures waarvan het besluit in de periode is bekendgemaakt, per wet."
        ),
        "formula": (
            "Som van (besluit bekendgemaakt op − aanvraag ontvangen op) in kalenderdagen, gedeeld door het "
            "aantal procedures met besluit bekendgemaakt in de periode."
        ),
        "unit": "dagen",
        "source_data": "Procedures (wet, aanvraag ontvangen op, besluit bekendgemaakt op)",
        "reference": f"{BESLISTERMIJN}; DOMAIN.md §4.5",
        "owner": TEAM_LEAD,
        "higher_is_better": False,
    },
    {
        "code": "beschikking_binnen_termijn",
        "name": "Beschikking binnen de beslistermijn",
        "group": "proces",
        "definition": (
            "Het deel van de in de periode bekendgemaakte beschikkingen dat binnen de wettelijke beslistermijn "
            "viel: Wmo twee weken na de aanvraag, Jeugdwet de termijn van de verordening (standaard acht weken), "
            "inclusief opschorting en verdaging en volgens de Algemene termijnenwet."
        ),
        "formula": (
            "Aantal procedures met besluit bekendgemaakt in de periode op of vóór de einddatum van de "
            "beslistermijn (termijnregel 'wmo-beschikking' of 'jeugd-beschikking' van de gemeente), gedeeld door "
            "alle procedures met besluit bekendgemaakt in de periode, maal 100."
        ),
        "unit": "procent",
        "source_data": (
            "Procedures (wet, aanvraag ontvangen op, besluit bekendgemaakt op, opschortingen, verdagingen); "
            "termijnregels"
        ),
        "reference": f"{BESLISTERMIJN}; DOMAIN.md §1.5 en §4.5",
        "owner": MANAGER,
        "higher_is_better": True,
    },
    {
        "code": "over_termijn",
        "name": "Procedures over de termijn",
        "group": "proces",
        "definition": (
            "Het aantal lopende procedures waarvan op de laatste dag van de periode een termijn van de gemeente "
            "is verlopen (onderzoek, beslissing of voorschot), niet opgeschort."
        ),
        "formula": (
            "Aantal procedures in stand 'melding' of 'aanvraag' met op de laatste dag van de periode minstens "
            "één verlopen termijn van de gemeente (einddatum vóór die dag, nog niet gehaald, niet opgeschort); "
            "termijnen voor de inwoner tellen niet mee."
        ),
        "unit": "aantal",
        "source_data": "Procedures (stand, datums per stap, opschortingen, verdagingen); termijnregels",
        "reference": "Termijnen volgens DOMAIN.md §1.5 (Wmo 2015 art. 2.3.2 lid 1 en 2.3.5; Jeugdwet art. 2.9 met Awb art. 4:13; Participatiewet art. 52 lid 1)",
        "owner": MANAGER,
        "higher_is_better": False,
    },
    # ---- rechtsbescherming
    {
        "code": "ingebrekestellingen",
        "name": "Ingebrekestellingen",
        "group": "rechtsbescherming",
        "definition": (
            "Het aantal schriftelijke ingebrekestellingen wegens niet tijdig beslissen dat de gemeente in de "
            "periode ontving."
        ),
        "formula": "Aantal procedures met 'ingebrekestelling ontvangen op' in de periode.",
        "unit": "aantal",
        "source_data": "Procedures (ingebrekestelling ontvangen op)",
        "reference": "Awb art. 4:17 (ingebrekestelling, voorwaarde voor de dwangsom); DOMAIN.md §4.5",
        "owner": MANAGER,
        "higher_is_better": False,
    },
    {
        "code": "dwangsommen",
        "name": "Dwangsommen bij niet tijdig beslissen",
        "group": "rechtsbescherming",
        "definition": (
            "Het aantal in de periode bekendgemaakte besluiten waarover een dwangsom verschuldigd is en het "
            "totale bedrag daarvan. De dwangsom loopt vanaf twee weken nadat de beslistermijn is verstreken en "
            "de ingebrekestelling is ontvangen."
        ),
        "formula": (
            "Per procedure met besluit bekendgemaakt in de periode en een ingebrekestelling: de dagen vanaf de "
            "eerste dwangsomdag tot en met de bekendmaking (ten hoogste 42), maal € 23 per dag voor dag 1–14, "
            "€ 35 voor dag 15–28 en € 45 daarna (ten hoogste € 1.442); het aantal procedures met een bedrag "
            "boven nul en de som van de bedragen in euro."
        ),
        "unit": "euro",
        "source_data": (
            "Procedures (aanvraag ontvangen op, ingebrekestelling ontvangen op, besluit bekendgemaakt op, "
            "opschortingen, verdagingen); termijnregels"
        ),
        "reference": "Awb art. 4:17 (dwangsom bij niet tijdig beslissen); DOMAIN.md §1.4 en §4.5",
        "owner": MANAGER,
        "higher_is_better": False,
    },
    {
        "code": "bezwaren",
        "name": "Ontvangen bezwaren",
        "group": "rechtsbescherming",
        "definition": "Het aantal bezwaarschriften tegen een besluit dat de gemeente in de periode ontving.",
        "formula": "Aantal bezwaren met 'ontvangen op' in de periode, per wet van het besluit.",
        "unit": "aantal",
        "source_data": "Bezwaren (ontvangen op); besluiten en procedures (wet)",
        "reference": "Awb art. 6:7 (bezwaartermijn zes weken) en art. 7:10 (beslistermijn); DOMAIN.md §4.5",
        "owner": MANAGER,
        "higher_is_better": None,
    },
    {
        "code": "bezwaren_gegrond",
        "name": "Bezwaren gegrond",
        "group": "rechtsbescherming",
        "definition": (
            "Het deel van de bezwaren waarop in de periode is beslist dat gegrond werd verklaard; deels gegrond, "
            "ongegrond en niet-ontvankelijk worden ernaast getoond, ingetrokken bezwaren tellen niet mee."
        ),
        "formula": (
            "Aantal bezwaren beslist in de periode met uitkomst 'gegrond', gedeeld door alle bezwaren beslist in "
            "de periode met uitkomst gegrond, deels gegrond, ongegrond of niet-ontvankelijk, maal 100."
        ),
        "unit": "procent",
        "source_data": "Bezwaren (beslist op, uitkomst)",
        "reference": "DOMAIN.md §4.5 (procesindicator: aantal bezwaren en % gegrond)",
        "owner": MANAGER,
        "higher_is_better": False,
    },
    # ---- capaciteit
    {
        "code": "caseload",
        "name": "Caseload per regisseur",
        "group": "capaciteit",
        "definition": (
            "Het gemiddelde aantal lopende trajecten per regisseur op de laatste dag van de periode, naast de "
            "bandbreedte die de gemeente met het team heeft afgesproken (norm)."
        ),
        "formula": (
            "Aantal lopende trajecten met een regisseur op de laatste dag van de periode, gedeeld door het aantal "
            "verschillende professionals dat op die dag regisseur van minstens één traject is."
        ),
        "unit": "aantal",
        "source_data": "Trajecten (status, gestart op, afgesloten op); regisseurs (vanaf, tot en met); normen",
        "reference": (
            "Geen landelijke norm; een afgesproken bandbreedte per team volgens de NJi-handreiking "
            "'Verantwoorde caseload bepalen' (DOMAIN.md §7.2)"
        ),
        "owner": TEAM_LEAD,
        "higher_is_better": None,
    },
    {
        "code": "evaluatie_op_tijd",
        "name": "Evaluatie van het plan op tijd",
        "group": "capaciteit",
        "definition": (
            "Het deel van de afgesproken plannen waarvan de volgende evaluatie op de laatste dag van de periode "
            "niet over de datum is."
        ),
        "formula": (
            "Per lopend traject het plan dat op de laatste dag van de periode geldt (de laatste versie die toen "
            "was afgesproken): de volgende evaluatie is de datum uit de laatste bespreking tot die dag, anders "
            "afgesproken op plus het evaluatie-interval; op tijd als die datum op of na die dag ligt (of er geen "
            "volgende bespreking nodig is). Aantal op tijd gedeeld door het aantal plannen, maal 100."
        ),
        "unit": "procent",
        "source_data": "Plannen (status, afgesproken op, volgende evaluatie); evaluaties (datum bespreking)",
        "reference": "DOMAIN.md §4.5 (% plannen met een evaluatie binnen het afgesproken interval) en §3.3",
        "owner": TEAM_LEAD,
        "higher_is_better": True,
    },
    # ---- resultaat
    {
        "code": "doelrealisatie",
        "name": "Doelrealisatie",
        "group": "resultaat",
        "definition": (
            "Het deel van de doelen die in de periode in een evaluatie zijn besproken dat bereikt is; deels "
            "bereikt en niet bereikt worden ernaast getoond, per leefdomein."
        ),
        "formula": (
            "Aantal doelbesprekingen in evaluaties met datum bespreking in de periode met resultaat 'bereikt', "
            "gedeeld door alle doelbesprekingen in die evaluaties (bereikt, deels bereikt, niet bereikt), maal 100."
        ),
        "unit": "procent",
        "source_data": "Evaluaties (datum bespreking); doelbesprekingen (resultaat); doelen (leefdomein)",
        "reference": (
            "DOMAIN.md §4.5 (doelrealisatie per domein); vergelijk het outcomecriterium doelrealisatie Jeugd "
            "(Beleidsinformatie Jeugd §4.2, DOMAIN.md §4.4)"
        ),
        "owner": PRINCIPAL,
        "higher_is_better": True,
    },
    {
        "code": "zelfredzaamheid",
        "name": "Verandering in zelfredzaamheid",
        "group": "resultaat",
        "definition": (
            "De gemiddelde verandering in zelfredzaamheidsniveau per leefdomein tussen de score bij de intake "
            "en de laatste score bij een evaluatie, op de vijfpuntsschaal van de Zelfredzaamheid-Matrix "
            "(1 acute problematiek tot 5 volledig zelfredzaam)."
        ),
        "formula": (
            "Per score bij een evaluatie in de periode, op een leefdomein dat bij de verkenning van hetzelfde "
            "traject ook is gescoord: evaluatieniveau − eerste intakeniveau; het gemiddelde over die paren, ook "
            "per leefdomein. Domeinen die niet gescoord zijn tellen niet mee."
        ),
        "unit": "score",
        "source_data": "Zelfredzaamheidsscores (traject, leefdomein, niveau, datum, verkenning of evaluatie)",
        "reference": "Zelfredzaamheid-Matrix, vijfpuntsschaal (GGD Amsterdam), DOMAIN.md §3.1; DOMAIN.md §4.5",
        "owner": PRINCIPAL,
        "higher_is_better": True,
    },
    # ---- netwerk
    {
        "code": "verwijzingen_uitkomst",
        "name": "Verwijzingen naar uitkomst",
        "group": "netwerk",
        "definition": (
            "Het aantal verwijzingen naar partners en de sociale kaart dat in de periode is afgesloten, naar "
            "uitkomst: afgerond (met geholpen ja, deels of nee), niet verschenen, afgewezen of ingetrokken."
        ),
        "formula": (
            "Aantal verwijzingen met 'afgesloten op' in de periode, naar status (afgerond, niet verschenen, "
            "afgewezen, ingetrokken) en bij afgerond naar 'geholpen' (ja, deels, nee)."
        ),
        "unit": "aantal",
        "source_data": "Verwijzingen (status, afgesloten op, geholpen)",
        "reference": "Toegang-indicator (gesloten verwijslus; geen landelijke definitie)",
        "owner": MANAGER,
        "higher_is_better": None,
    },
    {
        "code": "casusoverleggen",
        "name": "Casusoverleggen",
        "group": "netwerk",
        "definition": "Het aantal casusoverleggen (MDO) dat in de periode is gehouden.",
        "formula": "Aantal casusoverleggen met status 'gehouden' en datum in de periode.",
        "unit": "aantal",
        "source_data": "Casusoverleggen (datum, status)",
        "reference": "DOMAIN.md §4.5 (aantal MDO's)",
        "owner": TEAM_LEAD,
        "higher_is_better": None,
    },
    {
        "code": "escalaties",
        "name": "Escalaties",
        "group": "netwerk",
        "definition": (
            "Het aantal escalaties dat in de periode is ingediend en het aantal waarover in de periode is "
            "besloten, naar het niveau waarop het besluit viel."
        ),
        "formula": (
            "Aantal escalaties met 'geëscaleerd op' in de periode; aantal escalatiestappen met uitkomst "
            "'besloten' en 'afgehandeld' in de periode, naar niveau."
        ),
        "unit": "aantal",
        "source_data": "Escalaties (geëscaleerd op, status); escalatiestappen (niveau, afgehandeld, uitkomst)",
        "reference": "Toegang-indicator (escalatieladder van de gemeente; geen landelijke definitie)",
        "owner": MANAGER,
        "higher_is_better": None,
    },
    {
        "code": "partner_sla",
        "name": "Verwijzingen op tijd beantwoord",
        "group": "netwerk",
        "definition": (
            "Het deel van de verwijzingen die in de periode zijn beantwoord (geaccepteerd of afgewezen) dat "
            "binnen het aantal werkdagen uit de afspraak met de partnerorganisatie viel."
        ),
        "formula": (
            "Aantal verwijzingen met 'beantwoord op' in de periode en een geldige afspraak 'accepteren of "
            "afwijzen binnen (werkdagen)' met de ontvangende organisatie, beantwoord binnen dat aantal werkdagen "
            "na 'verstuurd op', gedeeld door alle zulke verwijzingen, maal 100."
        ),
        "unit": "procent",
        "source_data": "Verwijzingen (verstuurd op, beantwoord op, organisatie); partnerafspraken (soort, norm, geldig)",
        "reference": "Ketenafspraak met de partnerorganisatie (geen landelijke norm)",
        "owner": MANAGER,
        "higher_is_better": True,
    },
    {
        "code": "istandaarden_sla",
        "name": "iWmo/iJw-berichten binnen de reactietermijn",
        "group": "netwerk",
        "definition": (
            "Het deel van de iWmo- en iJw-berichten met een reactietermijn dat op tijd is beantwoord: elk "
            "retourbericht (302, 306, 308, 316, 318, 320) binnen 3 werkdagen na ontvangst van het heenbericht; "
            "een 301 of 319 op een verzoek om toewijzing (315, per gevraagd product) of verzoek om wijziging "
            "(317) binnen 5 werkdagen; een 325 op elke declaratie (323) binnen 10 werkdagen."
        ),
        "formula": (
            "Aantal berichten met een uiterste antwoorddatum die in de periode is beantwoord of verlopen, "
            "beantwoord op of vóór die datum, gedeeld door al die berichten, maal 100; per berichtsoort."
        ),
        "unit": "procent",
        "source_data": "iStandaarden-berichten (bericht, dagtekening, antwoord uiterlijk, beantwoord op); verzoeken (ontvangen op, antwoord uiterlijk, beantwoord op)",
        "reference": (
            "iWmo 3.2 en iJw 3.2, reactietermijnen (Ketenbureau i-Sociaal Domein: veelgestelde vragen iWmo/iJw "
            "3.2; procesbeschrijving iJw 3.2 §2.5); DOMAIN.md §2.3 en §4.5"
        ),
        "owner": CONTROLLER,
        "higher_is_better": True,
    },
    # ---- kosten
    {
        "code": "kosten_taakveld",
        "name": "Kosten per taakveld",
        "group": "kosten",
        "definition": (
            "De kosten van maatwerkvoorzieningen in de periode per Iv3-taakveld van programma 6: de toegekende "
            "gedeclareerde bedragen voor zorg in natura en de pgb-budgetten."
        ),
        "formula": (
            "Som van de toegekende declaratieregels (323, goedgekeurd in de 325; creditregels in mindering) naar "
            "productperiode in de periode, plus de pgb-budgetten van beschikkingen bekendgemaakt in de periode, "
            "ingedeeld naar taakveld via de productcategorie (taakveld van een productcategorie), in euro."
        ),
        "unit": "euro",
        "source_data": (
            "Declaratieregels (productcategorie, productperiode, bedrag, toegekend, credit); voorzieningen "
            "(leveringsvorm pgb, budget, ingangs- en einddatum); taakvelden van productcategorieën"
        ),
        "reference": IV3,
        "owner": CONTROLLER,
        "higher_is_better": None,
    },
    {
        "code": "kosten_per_huishouden",
        "name": "Kosten per huishouden met een voorziening",
        "group": "kosten",
        "definition": (
            "De kosten van maatwerkvoorzieningen in de periode gedeeld door het aantal huishoudens dat in de "
            "periode een voorziening had."
        ),
        "formula": (
            "De kosten uit 'Kosten per taakveld' (alle taakvelden samen), gedeeld door het aantal verschillende "
            "huishoudens met een toegekende voorziening die op de laatste dag van de periode loopt, in euro."
        ),
        "unit": "euro",
        "source_data": "Als 'Kosten per taakveld'; voorzieningen via besluit, procedure en traject (huishouden)",
        "reference": f"Toegang-indicator op basis van de {IV3}",
        "owner": CONTROLLER,
        "higher_is_better": None,
    },
    # ---- bbv
    {
        "code": "bbv_29_jeugdhulp",
        "name": "Jongeren met jeugdhulp",
        "group": "bbv",
        "definition": (
            "Het percentage jongeren tot 18 jaar met jeugdhulp in het jaar. Toegang berekent een benadering uit "
            "de eigen toekenningen; de officiële waarde komt van het CBS (Beleidsinformatie Jeugd, aangeleverd "
            "door aanbieders)."
        ),
        "formula": (
            "Aantal verschillende inwoners jonger dan 18 met een toegekende Jeugdwet-voorziening in "
            "productcategorie 40–46 of 50–55 (dus zonder jeugdreclassering, jeugdbescherming en het preventief "
            "justitieel kader, 47–49) die op de laatste dag van de periode loopt, gedeeld door het aantal inwoners "
            "jonger dan 18 "
            "op 1 januari, maal 100."
        ),
        "unit": "procent_jeugd",
        "source_data": "Voorzieningen Jeugdwet (productcategorie, ingangs- en einddatum); personen (geboortedatum); inwonertallen",
        "reference": (
            "BBV beleidsindicator 29, taakveld 6 (Besluit begroting en verantwoording); waarstaatjegemeente.nl; "
            "DOMAIN.md §4.1"
        ),
        "owner": PRINCIPAL,
        "higher_is_better": None,
    },
    {
        "code": "bbv_30_jeugdbescherming",
        "name": "Jongeren met jeugdbescherming",
        "group": "bbv",
        "definition": (
            "Het percentage jongeren tot 18 jaar met een jeugdbeschermingsmaatregel in het jaar. Toegang "
            "berekent een benadering uit de eigen toekenningen; de officiële waarde komt van het CBS."
        ),
        "formula": (
            "Aantal verschillende inwoners jonger dan 18 met een toegekende voorziening in productcategorie 48 "
            "(jeugdbescherming) die op de laatste dag van de periode loopt, gedeeld door het aantal inwoners "
            "jonger dan 18 op "
            "1 januari, maal 100."
        ),
        "unit": "procent_jeugd",
        "source_data": "Voorzieningen Jeugdwet (productcategorie 48, ingangs- en einddatum); personen (geboortedatum); inwonertallen",
        "reference": (
            "BBV beleidsindicator 30, taakveld 6 (Besluit begroting en verantwoording); waarstaatjegemeente.nl; "
            "DOMAIN.md §4.1"
        ),
        "owner": PRINCIPAL,
        "higher_is_better": None,
    },
    {
        "code": "bbv_32_wmo_maatwerk",
        "name": "Cliënten met een maatwerkarrangement Wmo",
        "group": "bbv",
        "definition": (
            "Het aantal cliënten met een Wmo-maatwerkarrangement per 10.000 inwoners. Toegang berekent het uit "
            "de eigen toekenningen; de gepubliceerde waarde komt van het CBS (Gemeentelijke Monitor Sociaal "
            "Domein)."
        ),
        "formula": (
            "Aantal verschillende inwoners met een toegekende Wmo-maatwerkvoorziening (elke productcategorie "
            "01–18, zorg in natura of pgb) die op de laatste dag van de periode loopt, gedeeld door het aantal "
            "inwoners op "
            "1 januari, maal 10.000."
        ),
        "unit": "per_10000",
        "source_data": "Voorzieningen Wmo (productcategorie, leveringsvorm, ingangs- en einddatum); inwonertallen",
        "reference": (
            "BBV beleidsindicator 32, taakveld 6 (Besluit begroting en verantwoording); waarstaatjegemeente.nl "
            "(CBS, GMSD); DOMAIN.md §4.1 en §4.2"
        ),
        "owner": PRINCIPAL,
        "higher_is_better": None,
    },
]


def load(apps, schema_editor):
    Indicator = apps.get_model("steering", "Indicator")
    for position, row in enumerate(INDICATORS, start=1):
        values = {key: value for key, value in row.items() if key != "code"}
        Indicator.objects.update_or_create(code=row["code"], defaults={**values, "position": position * 10})


def unload(apps, schema_editor):
    apps.get_model("steering", "Indicator").objects.filter(code__in=[row["code"] for row in INDICATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [("steering", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
