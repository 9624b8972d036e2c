"""Demo data: a realistic cooperative of municipalities with the real CBS 2020 figures.

Identifiers (OIN, KvK) of the demo members are made up in the right format.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import Actor, system_actor
from registry.auth.service import RoleInput, assign_role
from registry.billing.document import VatCode
from registry.billing.invoicing import (
    BillingDetailsInput,
    issue,
    run_invoices,
    set_billing_details,
    set_vat_rule,
)
from registry.billing.models import CreditChoice, Invoice, LineCategory
from registry.billing.payments import record_transfer
from registry.budget.service import adopt_budget, set_line, start_budget
from registry.catalogue.models import ApplicationStatus, BusinessCaseDecision
from registry.catalogue.service import (
    ApplicationInput,
    BusinessCaseInput,
    ReleaseInput,
    add_release,
    create_application,
    create_business_case,
    decide_business_case,
)
from registry.catalogue.standards import (
    StandardInput,
    record_standard,
    set_categories,
    set_reference_components,
)
from registry.contracts.service import ContractInput, create_contract, sign_contract
from registry.costs.models import CostCategory, PoolKind
from registry.costs.pools import EntryInput, PoolInput, add_entry, add_participant, create_pool
from registry.costs.runs import run_pool
from registry.costs.sharing import AllocationKey
from registry.fees.models import PopulationPolicy, ProRata
from registry.fees.service import NoticeInput, RateInput, give_notice, run_fees, set_rate
from registry.governance import service as governance
from registry.governance.rules import Choice, ProposalKind
from registry.kit.clock import today
from registry.kit.money import to_euro
from registry.members import repository as members
from registry.members import shipped
from registry.members.decisions import DecisionInput, record_decision
from registry.members.figures import import_population
from registry.members.memberships import (
    AdmissionInput,
    SignatoryInput,
    admit,
    decide_approval,
    register_applicant,
)
from registry.members.merger import MergerInput
from registry.members.population import parse_cbs_csv
from registry.members.registration import MemberInput
from registry.mergers import merge
from registry.settings import get_settings
from registry.usage.adoptions import AdoptionInput, adopt, advance
from registry.usage.models import AdoptionStage
from registry.usage.records import UsageInput, record_usage
from registry.usage.tariffs import TariffInput, set_tariff


def shipped_population_csv() -> str:
    """The CBS figures of 1 January 2020 that ship with the registry (CC BY 4.0, Bron: CBS)."""
    return shipped.population_csv(2020)


async def _population_and_mergers(session: AsyncSession, actor: Actor) -> None:
    """The shipped CBS figures of 1 January 2020 to 2025, and between them the mergers of each
    year in date order, so every year's figures find its municipalities (and the members that
    stood for a merged municipality stand for its successor)."""
    merged, _splits = shipped.mergers()  # a split has no one successor to stand for it
    for year in shipped.SHIPPED_YEARS:
        for merger in (m for m in merged if m.effective_date == date(year, 1, 1)):
            await merge(
                session,
                actor,
                MergerInput(
                    merger.effective_date,
                    merger.successor_code,
                    merger.successor_name,
                    merger.predecessor_codes,
                ),
            )
        rows = parse_cbs_csv(shipped.population_csv(year))
        await import_population(session, actor, rows, source=shipped.SOURCES[year])


MEMBERS = (
    MemberInput(
        "eindhoven",
        "Gemeente Eindhoven",
        "gemeente",
        ("GM0772",),
        "00000001001902763000",
        "17272738",
    ),
    MemberInput(
        "woerden", "Gemeente Woerden", "gemeente", ("GM0632",), "00000001001763006000", "30278887"
    ),
    MemberInput(
        "gr-boxtel-sint-michielsgestel",
        "Werkorganisatie Boxtel en Sint-Michielsgestel",
        "gemeenschappelijke_regeling",
        ("GM0757", "GM0845"),
        "00000003820452941000",
        "64213854",
    ),
    MemberInput(
        "tilburg", "Gemeente Tilburg", "gemeente", ("GM0855",), "00000001002564440000", "17278718"
    ),
    MemberInput(
        "zwolle", "Gemeente Zwolle", "gemeente", ("GM0193",), "00000001001825568000", "05070216"
    ),
    MemberInput(
        "zaanstad", "Gemeente Zaanstad", "gemeente", ("GM0479",), "00000001001776487000", "34369786"
    ),
    MemberInput(
        "groningen",
        "Gemeente Groningen",
        "gemeente",
        ("GM0014",),
        "00000001001589623000",
        "01180016",
    ),
    MemberInput(
        "enschede-apeldoorn",
        "Samenwerking Enschede en Apeldoorn",
        "partnership",
        ("GM0153", "GM0200"),
        # A partnership gets an OIN of its own for e-invoicing; it has no KvK number.
        "00000003821576013000",
    ),
    MemberInput(
        "provincie-utrecht",
        "Provincie Utrecht",
        "provincie",
        (),
        "00000001002220647000",
        "30277172",
    ),
)

DECISIONS = (
    DecisionInput("rvc", date(2019, 11, 14), "RvC-2019-11", "Toelating oprichtende leden"),
    DecisionInput("alv", date(2021, 2, 18), "ALV-2021-02", "Entreegeld nieuwe leden EUR 2.500"),
    DecisionInput("rvc", date(2021, 3, 11), "RvC-2021-03", "Toelating Tilburg en Zwolle"),
    DecisionInput(
        "alv", date(2023, 12, 7), "ALV-2023-12", "Contributie 2024: EUR 0,33 per inwoner"
    ),
    DecisionInput("rvc", date(2024, 1, 25), "RvC-2024-01", "Toelating Zaanstad, Groningen, E&A"),
    DecisionInput(
        "alv", date(2024, 12, 5), "ALV-2024-12", "Contributie 2025: EUR 0,34 per inwoner"
    ),
    DecisionInput(
        "alv", date(2025, 12, 4), "ALV-2025-12", "Contributie 2026: EUR 0,35 per inwoner"
    ),
    DecisionInput("alv", date(2025, 12, 4), "ALV-2025-12-B", "Begroting 2026"),
    DecisionInput(
        "rvc", date(2026, 1, 22), "RvC-2026-01-H", "Goedkeuring contract hosting 2026-2029"
    ),
)

# Member code → (applied on, RvC approval, start date, entry fee decision or None).
ADMISSIONS = {
    "eindhoven": (date(2019, 10, 1), "RvC-2019-11", date(2020, 1, 1), None),
    "woerden": (date(2019, 10, 1), "RvC-2019-11", date(2020, 1, 1), None),
    "gr-boxtel-sint-michielsgestel": (date(2019, 10, 7), "RvC-2019-11", date(2020, 1, 1), None),
    "tilburg": (date(2021, 1, 12), "RvC-2021-03", date(2021, 4, 1), "ALV-2021-02"),
    "zwolle": (date(2021, 1, 20), "RvC-2021-03", date(2021, 4, 1), "ALV-2021-02"),
    "zaanstad": (date(2023, 11, 2), "RvC-2024-01", date(2024, 3, 1), "ALV-2021-02"),
    "groningen": (date(2023, 11, 30), "RvC-2024-01", date(2024, 7, 1), "ALV-2021-02"),
    "enschede-apeldoorn": (date(2023, 12, 1), "RvC-2024-01", date(2025, 1, 1), "ALV-2021-02"),
}
APPLICANT = ("provincie-utrecht", date(2026, 10, 1))
PARTNERS = {
    "enschede-apeldoorn": (
        SignatoryInput("Gemeente Enschede", "00000001001814393000"),
        SignatoryInput("Gemeente Apeldoorn", "00000001001848839000"),
    )
}
RATES = (
    RateInput(2024, "0.33", "ALV-2023-12", ProRata.BY_DAYS, PopulationPolicy.JANUARY_FIRST),
    RateInput(2025, "0.34", "ALV-2024-12", ProRata.BY_DAYS, PopulationPolicy.JANUARY_FIRST),
    # CBS publishes the figures of 1 January 2026 during 2026: until then the ALV allowed the
    # latest published ones (those of 2025).
    RateInput(2026, "0.35", "ALV-2025-12", ProRata.BY_DAYS, PopulationPolicy.LATEST_PUBLISHED),
)

APPLICATIONS: tuple[tuple[str, ApplicationStatus, ApplicationInput], ...] = (
    (
        "zaakafhandeling",
        ApplicationStatus.PRODUCTION,
        ApplicationInput(
            name="Zaakafhandelcomponent",
            description_nl="Zaaksysteem voor het behandelen van aanvragen, meldingen en "
            "bezwaren, volgens de ZGW API's.",
            description_en="Case management system for applications, reports and objections, "
            "built on the Dutch ZGW APIs.",
            lead_member="eindhoven",
            platform="Common Ground (Kubernetes)",
            licence="EUPL-1.2",
            repository_url="https://github.com/example-cooperatie/zaakafhandeling",
            standards=("ZGW API's", "Common Ground", "WCAG 2.1 AA", "NL API Strategie"),
        ),
    ),
    (
        "subsidieportaal",
        ApplicationStatus.ACCEPTANCE,
        ApplicationInput(
            name="Subsidieportaal",
            description_nl="Aanvragen, beoordelen en verantwoorden van subsidies.",
            description_en="Applying for, assessing and accounting for grants.",
            lead_member="woerden",
            platform="Python / Django",
            licence="EUPL-1.2",
            repository_url="https://github.com/example-cooperatie/subsidieportaal",
            standards=("WCAG 2.1 AA", "DigiD"),
        ),
    ),
    (
        "mijn-gemeente",
        ApplicationStatus.PRODUCTION,
        ApplicationInput(
            name="Mijn Gemeente",
            description_nl="Persoonlijke omgeving voor inwoners en ondernemers: lopende zaken, "
            "berichten en afspraken.",
            description_en="Personal portal for residents and businesses: open cases, "
            "messages and appointments.",
            lead_member="gr-boxtel-sint-michielsgestel",
            platform="React / Node.js",
            licence="EUPL-1.2 OR MIT",
            repository_url="https://github.com/example-cooperatie/mijn-gemeente",
            standards=("NL Design System", "WCAG 2.1 AA", "DigiD", "eHerkenning"),
        ),
    ),
    (
        "rapportage",
        ApplicationStatus.BUILD,
        ApplicationInput(
            name="Rapportage-app",
            description_nl="Stuurinformatie en dashboards over dienstverlening en doorlooptijden.",
            description_en="Management information and dashboards on service levels and "
            "lead times.",
            lead_member="tilburg",
            owner_member="tilburg",
            platform="Python / Superset",
            licence="Apache-2.0",
            standards=("Common Ground",),
        ),
    ),
    (
        "burgerzaken-verhuizing",
        ApplicationStatus.EXPLORATION,
        ApplicationInput(
            name="Burgerzaken: verhuizing doorgeven",
            description_nl="Module voor het online doorgeven van een verhuizing aan de BRP.",
            description_en="Module for reporting a change of address to the BRP online.",
            lead_member="zwolle",
            platform="Common Ground",
            licence="EUPL-1.2",
            standards=("Haal Centraal BRP",),
        ),
    ),
    (
        "burgerzaken-uittreksel",
        ApplicationStatus.IDEA,
        ApplicationInput(
            name="Burgerzaken: uittreksel BRP",
            description_nl="Idee: een uittreksel uit de BRP direct digitaal aanvragen.",
            description_en="Idea: request an extract from the BRP digitally.",
            lead_member="zaanstad",
            licence="EUPL-1.2",
        ),
    ),
    (
        "woo-verzoeken",
        ApplicationStatus.IDEA,
        ApplicationInput(
            name="Woo-verzoeken afhandelen",
            description_nl="Verkenning binnen de directie, nog niet gepubliceerd.",
            description_en="Internal idea of the management, not yet published.",
            lead_member="woerden",
            licence="EUPL-1.2",
            published=False,
        ),
    ),
    (
        "klantcontact-v1",
        ApplicationStatus.RETIRED,
        ApplicationInput(
            name="Klantcontactsysteem (versie 1)",
            description_nl="Vervangen door de Zaakafhandelcomponent.",
            description_en="Replaced by the case management system.",
            lead_member="eindhoven",
            platform="PHP",
            licence="GPL-3.0-or-later",
        ),
    ),
)

DEV_LOGIN_ISSUER = "urn:cooperatieregister:dev-login"
"""Issuer of the demo people; only the development login signs in with it."""


@dataclass(frozen=True, slots=True)
class DemoPerson:
    key: str
    """The subject at DEV_LOGIN_ISSUER."""
    name: str
    role: str
    member: str | None = None


DEMO_PEOPLE = (
    DemoPerson("dirk-directie", "Dirk Directie", "directie"),
    DemoPerson("dora-directie", "Dora Directie", "directie"),
    DemoPerson("anna-auditor", "Anna Auditor", "auditor"),
    DemoPerson("bea-beheer", "Bea Beheer", "admin"),
    DemoPerson("wim-woerden", "Wim Woerden", "member_admin", "woerden"),
    DemoPerson("wendy-woerden", "Wendy Woerden", "member_user", "woerden"),
    DemoPerson("erik-eindhoven", "Erik Eindhoven", "member_user", "eindhoven"),
)

RELEASES = (
    ("zaakafhandeling", ReleaseInput("1.0.0", date(2023, 3, 1), "Eerste productierelease.")),
    ("zaakafhandeling", ReleaseInput("1.4.0", date(2024, 9, 16), "Bezwaar en beroep.")),
    ("zaakafhandeling", ReleaseInput("2.0.0", date(2025, 11, 3), "ZGW API's 1.5.")),
    ("subsidieportaal", ReleaseInput("0.9.0", date(2025, 6, 30), "Acceptatieversie.")),
    ("mijn-gemeente", ReleaseInput("3.2.1", date(2025, 2, 12), "Toegankelijkheidsherstel.")),
    ("klantcontact-v1", ReleaseInput("1.8.3", date(2019, 5, 20), "Laatste versie.")),
)


async def load_demo(session: AsyncSession, *, invoices: bool = True) -> bool:
    """Load the demo once; returns False (and changes nothing) when members already exist.

    Without `invoices` nothing is billed yet (no VAT rules, invoice details or invoices).
    """
    if await members.member_count(session) > 0:
        return False
    actor = system_actor("demo")
    await _population_and_mergers(session, actor)
    await _memberships(session, actor)
    for person in DEMO_PEOPLE:
        await assign_role(
            session,
            actor,
            RoleInput(
                issuer=DEV_LOGIN_ISSUER,
                subject=person.key,
                role=person.role,
                member=person.member,
                name=person.name,
            ),
        )
    for slug, status, data in APPLICATIONS:
        await create_application(session, actor, slug, data, status)
    for slug, release in RELEASES:
        await add_release(session, actor, slug, release)
    await _standards_and_components(session, actor)
    await _adoptions(session, actor)
    await _cost_pools(session, actor)
    if invoices:
        await _invoices(session, actor)
    await _governance(session, actor)
    await _contracts_and_budget(session, actor)
    return True


STANDARDS = (
    StandardInput(
        "ZGW API's", "VNG Realisatie", "1.5", "https://vng-realisatie.github.io/gemma-zaken/"
    ),
    StandardInput("StUF", "VNG Realisatie", "3.01", "https://www.gemmaonline.nl/wiki/StUF"),
    StandardInput(
        "NL GOV API Design Rules",
        "Forum Standaardisatie",
        "2.0",
        "https://gitdocumentatie.logius.nl/publicatie/api/adr/",
    ),
    StandardInput("Common Ground", "VNG", "", "https://commonground.nl"),
    StandardInput("WCAG 2.1 AA", "Forum Standaardisatie", "2.1", "https://www.w3.org/TR/WCAG21/"),
    StandardInput("NL Design System", "NL Design System", "", "https://nldesignsystem.nl"),
)
"""Standards with their owner, version and URL; the demo applications claim most of them."""

REFERENCE_COMPONENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("zaakafhandeling", ("Zaakafhandelcomponent", "Zaakregistratiecomponent")),
    ("mijn-gemeente", ("Persoonlijke internetpagina",)),
    ("rapportage", ("Managementinformatiecomponent",)),
    ("klantcontact-v1", ("Klantinteractiecomponent",)),
)
"""GEMMA reference components the demo applications fulfil."""

CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("zaakafhandeling", ("document-management", "workflow-management")),
    ("subsidieportaal", ("grant-management",)),
    ("mijn-gemeente", ("digital-citizenship",)),
    ("rapportage", ("business-intelligence", "data-visualization")),
    ("burgerzaken-verhuizing", ("digital-citizenship",)),
    ("klantcontact-v1", ("customer-service-and-support", "crm")),
)
"""publiccode.yml categories of the demo applications."""


async def _standards_and_components(session: AsyncSession, actor: Actor) -> None:
    for standard in STANDARDS:
        await record_standard(session, actor, standard)
    for slug, components in REFERENCE_COMPONENTS:
        await set_reference_components(session, actor, slug, components)
    for slug, categories in CATEGORIES:
        await set_categories(session, actor, slug, categories)


async def _memberships(session: AsyncSession, actor: Actor) -> None:
    """Members through the whole lifecycle, rates from ALV decisions, and stored fee runs."""
    for decision in DECISIONS:
        await record_decision(session, actor, decision)
    for rate in RATES:
        await set_rate(session, actor, rate)
    for member in MEMBERS:
        partners = PARTNERS.get(member.code, ())
        if member.code == APPLICANT[0]:
            await register_applicant(session, actor, member, APPLICANT[1], partners)
            continue
        applied_on, approval, start, fee_decision = ADMISSIONS[member.code]
        membership = await register_applicant(session, actor, member, applied_on, partners)
        await decide_approval(session, actor, membership.id, approval, approved=True)
        await admit(
            session,
            actor,
            AdmissionInput(
                membership.id,
                start,
                f"Toetredingsovereenkomst {member.code} {start.year}",
                entry_fee=Decimal("2500") if fee_decision else None,
                entry_fee_decision_reference=fee_decision,
            ),
        )
        if member.code == "zwolle":
            await give_notice(
                session,
                actor,
                NoticeInput(membership.id, date(2026, 6, 30), date(2026, 12, 31), "75000"),
            )
    for rate in RATES:
        await run_fees(session, actor, rate.year)


FOUNDING_SHARES = (("eindhoven", "50"), ("woerden", "25"), ("gr-boxtel-sint-michielsgestel", "25"))


async def _cost_pools(session: AsyncSession, actor: Actor) -> None:
    """Founding costs split 50/25/25, and an application built by three members that Tilburg
    joined later (settled by the same key)."""
    await create_pool(
        session,
        actor,
        PoolInput(
            "oprichting", "Oprichtingskosten", PoolKind.FOUNDING, AllocationKey.FIXED_PERCENTAGES
        ),
    )
    for member, share in FOUNDING_SHARES:
        await add_participant(
            session, actor, "oprichting", member, date(2020, 1, 1), Decimal(share)
        )
    await add_entry(
        session,
        actor,
        "oprichting",
        EntryInput(
            "92500",
            date(2020, 1, 15),
            CostCategory.FOUNDING,
            "Notaris, statuten, advies",
            "F-2020-001",
        ),
    )
    await run_pool(session, actor, "oprichting", date(2020, 12, 31), date(2020, 12, 31))
    await create_pool(
        session,
        actor,
        PoolInput(
            "zaakafhandeling-bouw",
            "Bouw zaakafhandelcomponent",
            PoolKind.DEVELOPMENT,
            application="zaakafhandeling",
            reference_date=date(2020, 1, 1),
        ),
    )
    for member in ("eindhoven", "woerden", "gr-boxtel-sint-michielsgestel"):
        await add_participant(session, actor, "zaakafhandeling-bouw", member, date(2021, 1, 1))
    for amount, day, category, text in (
        ("25000", date(2021, 3, 1), CostCategory.DEVELOPMENT, "Bouw eerste versie (leverancier)"),
        ("6400", date(2021, 9, 30), CostCategory.OWN_STAFF, "Inzet eigen medewerkers Eindhoven"),
    ):
        await add_entry(
            session, actor, "zaakafhandeling-bouw", EntryInput(amount, day, category, text)
        )
    await run_pool(session, actor, "zaakafhandeling-bouw", date(2021, 12, 31), date(2021, 12, 31))
    await add_participant(session, actor, "zaakafhandeling-bouw", "tilburg", date(2023, 1, 1))
    await run_pool(session, actor, "zaakafhandeling-bouw", date(2023, 1, 31), date(2023, 1, 31))


# (member, application, acquisition, planned, in production, module/version)
ADOPTIONS = (
    (
        "eindhoven",
        "zaakafhandeling",
        date(2021, 2, 1),
        date(2021, 6, 1),
        date(2022, 1, 10),
        "2.0.0",
    ),
    ("woerden", "zaakafhandeling", date(2021, 2, 1), date(2021, 9, 1), date(2022, 3, 1), "2.0.0"),
    (
        "gr-boxtel-sint-michielsgestel",
        "zaakafhandeling",
        date(2021, 3, 1),
        date(2021, 9, 1),
        date(2022, 4, 1),
        "1.4.0",
    ),
    ("tilburg", "zaakafhandeling", date(2023, 1, 5), date(2023, 3, 1), date(2023, 9, 1), "2.0.0"),
    ("zwolle", "mijn-gemeente", date(2022, 5, 1), date(2022, 6, 1), date(2022, 10, 1), "3.2.1"),
    ("woerden", "subsidieportaal", date(2025, 7, 1), date(2025, 9, 1), None, "0.9.0"),
)
DEMO_TODAY = date(2026, 11, 1)


async def _adoptions(session: AsyncSession, actor: Actor) -> None:
    """Who uses what since when, a positive business case, tariffs and some months of usage."""
    await create_business_case(
        session,
        actor,
        "rapportage",
        BusinessCaseInput(
            "Basis",
            participants=("eindhoven", "tilburg"),
            development="60000",
            own_staff="15000",
            hosting="4800",
            expected_usage_fees="12000",
            risks="Afhankelijk van de datakwaliteit in de bronsystemen.",
        ),
    )
    await decide_business_case(
        session,
        actor,
        "rapportage",
        "Basis",
        BusinessCaseDecision.POSITIVE,
        "ALV",
        date(2024, 6, 13),
    )
    for member, slug, acquired, planned, live, version in ADOPTIONS:
        adoption = await adopt(
            session,
            actor,
            AdoptionInput(member, slug, acquired, "Kern", version, "Functioneel beheer"),
            DEMO_TODAY,
        )
        await advance(session, actor, adoption.id, AdoptionStage.PLANNED, planned, DEMO_TODAY)
        if live:
            await advance(
                session, actor, adoption.id, AdoptionStage.IN_PRODUCTION, live, DEMO_TODAY
            )
    await set_tariff(
        session,
        actor,
        TariffInput("zaakafhandeling", "cases_handled", "0.12", "2024-01", "ALV-2023-12"),
    )
    await record_usage(
        session,
        actor,
        [
            UsageInput(
                member, "zaakafhandeling", f"2026-{month:02d}", "cases_handled", Decimal(count)
            )
            for member, base in (("eindhoven", 4100), ("woerden", 980), ("tilburg", 3650))
            for month, count in ((m, base + 37 * m) for m in range(1, 11))
        ],
    )


EXEMPT_REASON = "Vrijgesteld van btw: kostendeling tussen overheden (art. 11 lid 1 sub u Wet OB)"
INVOICE_ADDRESSES = {
    "eindhoven": ("Stadhuisplein 10", "5611 EM", "Eindhoven", "4500098765"),
    "woerden": ("Blekerijlaan 14", "3447 GR", "Woerden", "PO-2026-117"),
    "gr-boxtel-sint-michielsgestel": ("Markt 1", "5281 AV", "Boxtel", None),
    "tilburg": ("Stadhuisplein 130", "5038 TC", "Tilburg", None),
    "zwolle": ("Grote Kerkplein 15", "8011 PK", "Zwolle", None),
    "zaanstad": ("Stadhuisplein 100", "1506 MZ", "Zaandam", None),
    "groningen": ("Kreupelstraat 1", "9712 HW", "Groningen", "GRO-4711"),
    "enschede-apeldoorn": ("Langestraat 24", "7511 HC", "Enschede", None),
}


async def _invoices(session: AsyncSession, actor: Actor) -> None:
    """VAT per category, invoice details, and a run every 1 November since 2020, paid by
    bank transfer, except this year's: Woerden paid, Tilburg paid part, the rest open.
    Online payment is off in the demo unless Stripe settings are given."""
    for category in LineCategory:
        if category is LineCategory.USAGE_FEE:
            await set_vat_rule(session, actor, category, VatCode.STANDARD, "21", None)
        else:
            await set_vat_rule(session, actor, category, VatCode.EXEMPT, "0", EXEMPT_REASON)
    for code, (street, postal_code, city, reference) in INVOICE_ADDRESSES.items():
        await set_billing_details(
            session,
            actor,
            code,
            BillingDetailsInput(
                street, postal_code, city, f"crediteuren@{code}.example", reference
            ),
        )
    settings = get_settings()
    for year in range(2020, DEMO_TODAY.year + 1):
        day = date(year, 11, 1)
        issued = {}
        for draft in await run_invoices(session, actor, day):
            invoice = await issue(session, actor, draft.id, day, settings, CreditChoice.CARRY)
            issued[invoice.member_code] = invoice
        paid = issued if year < DEMO_TODAY.year else {"woerden": issued["woerden"]}
        for n, invoice in enumerate(paid.values(), start=1):
            if invoice.due_cents > 0:
                await _transfer(session, actor, invoice, invoice.due_cents, day, n)
    await _transfer(session, actor, issued["tilburg"], 1_000_000, DEMO_TODAY, 99)
    await _bank_statement(session, actor, issued)


async def _transfer(
    session: AsyncSession, actor: Actor, invoice: Invoice, cents: int, issued_on: date, n: int
) -> None:
    paid_on = issued_on + timedelta(days=18 + n)
    await record_transfer(
        session,
        actor,
        invoice.id,
        str(to_euro(cents)),
        paid_on,
        f"NL91ABNA0417164300-{paid_on:%Y%m%d}-{n:04d}",
        paid_on,
    )


GOVERNANCE_PEOPLE = (
    governance.PersonInput("Dirk Directie", "directie", "director", date(2019, 9, 1)),
    governance.PersonInput("Dora Directie", "directie", "director", date(2022, 4, 1)),
    governance.PersonInput("Renée Rekenaar", "rvc", "chair", date(2023, 1, 1)),
    governance.PersonInput("Sam Sluis", "rvc", "secretary", date(2024, 1, 1)),
    governance.PersonInput("Tineke Toezicht", "rvc", "member", date(2025, 1, 1)),
    governance.PersonInput(
        "Wim Woerden", "alv", "representative", date(2020, 1, 1), None, "woerden"
    ),
    governance.PersonInput(
        "Els Eindhoven", "alv", "representative", date(2020, 1, 1), None, "eindhoven"
    ),
)
ALV_2026_VOTES = {
    "eindhoven": Choice.FOR,
    "woerden": Choice.FOR,
    "gr-boxtel-sint-michielsgestel": Choice.FOR,
    "tilburg": Choice.AGAINST,
    "zwolle": Choice.ABSTAIN,
    "zaanstad": Choice.FOR,
    "groningen": Choice.FOR,
}
"""How the members present (and Groningen, represented by Zaanstad) voted on the 2027 rate."""


async def _governance(session: AsyncSession, actor: Actor) -> None:
    """The directie, an RvC of three, two named representatives in the ALV, and the ALV of
    the first quarter of 2026 that adopted the 2027 contribution rate and the accounts."""
    for person in GOVERNANCE_PEOPLE:
        await governance.add_person(session, actor, person)
    alv = await governance.create_meeting(
        session,
        actor,
        governance.MeetingInput(
            "alv", date(2026, 3, 12), "ALV voorjaar 2026", minutes_reference="Notulen ALV 2026-03"
        ),
    )
    rate = await governance.add_agenda_item(
        session,
        actor,
        alv.id,
        governance.ItemInput(
            "Contributie 2027: EUR 0,36 per inwoner", ProposalKind.CONTRIBUTION_RATE
        ),
    )
    accounts = await governance.add_agenda_item(
        session, actor, alv.id, governance.ItemInput("Jaarrekening 2025", ProposalKind.ORDINARY)
    )
    for code in ALV_2026_VOTES:
        if code != "groningen":
            await governance.record_attendance(session, actor, alv.id, member_code=code)
    await governance.record_proxy(
        session, actor, alv.id, "groningen", "zaanstad", "Volmacht Groningen 2026-03-10"
    )
    for code, choice in ALV_2026_VOTES.items():
        await governance.cast_vote(
            session, actor, rate.id, governance.VoteInput(choice, member_code=code)
        )
        await governance.cast_vote(
            session, actor, accounts.id, governance.VoteInput(Choice.FOR, member_code=code)
        )
    await governance.close_proposal(session, actor, rate.id, "ALV-2026-03-1")
    await governance.close_proposal(session, actor, accounts.id, "ALV-2026-03-2")


def demo_contracts(loaded_on: date) -> tuple[ContractInput, ...]:
    """Hosting over EUR 50,000 (signed with the RvC's approval), a yearly security test whose
    notice date is 45 days after `loaded_on` (the day the demo is loaded, so the registers
    list it as near), and a draft for next year's licences."""
    notice = loaded_on + timedelta(days=45)
    return (
        ContractInput(
            "CT-2026-001",
            "Cloudhuis BV",
            "Hosting en beheer van de zaakafhandelcomponent",
            "180000",
            date(2026, 2, 1),
            date(2029, 1, 31),
            notice_date=date(2028, 7, 31),
            notice_period_months=6,
            application="zaakafhandeling",
            pool="zaakafhandeling-bouw",
        ),
        ContractInput(
            "CT-2025-004",
            "Veilig Getest BV",
            "Jaarlijkse beveiligingstest van de applicaties",
            "18500",
            date(2025, 1, 1),
            notice + timedelta(days=92),
            notice_date=notice,
            notice_period_months=3,
        ),
        ContractInput(
            "CT-2027-001",
            "Softwarehuis Nederland",
            "Licenties kantoorsoftware 2027",
            "12000",
            date(2027, 1, 1),
            date(2027, 12, 31),
        ),
    )


SIGNED = {
    "CT-2026-001": (date(2026, 1, 29), "RvC-2026-01-H"),
    "CT-2025-004": (date(2024, 12, 10), None),
}
"""The contracts signed, on which day, with which RvC approval; the others stay drafts."""

BUDGET_2026 = (
    ("contributions", "312000", None),
    ("entry_fees", "5000", None),
    ("usage_fees", "48000", None),
    ("pool_costs", "60000", "zaakafhandeling-bouw"),
    ("pool_costs", "12500", "oprichting"),
)
"""The 2026 budget's lines (item, euros, cost pool), adopted by ALV-2025-12-B."""


async def _contracts_and_budget(session: AsyncSession, actor: Actor) -> None:
    """The contracts register and the 2026 budget, through the services the pages use."""
    threshold = get_settings().contract_rvc_threshold
    for contract in demo_contracts(today()):
        await create_contract(session, actor, contract)
        if contract.reference in SIGNED:
            signed_on, approval = SIGNED[contract.reference]
            await sign_contract(session, actor, contract.reference, signed_on, approval, threshold)
    await start_budget(session, actor, 2026)
    for item, amount, pool in BUDGET_2026:
        await set_line(session, actor, 2026, item, amount, pool)
    await adopt_budget(session, actor, 2026, "ALV-2025-12-B")


DEMO_ACCOUNTS = {"woerden": "NL20INGB0001234567", "eindhoven": "NL39RABO0300065264"}
"""Accounts the demo members pay from (valid IBANs, not real ones)."""


async def _bank_statement(session: AsyncSession, actor: Actor, issued: dict[str, Invoice]) -> None:
    """One MT940 statement of the cooperative's account whose lines all wait for review: a
    part payment naming an invoice, a full payment from an account no member has, bank costs."""
    from registry.bank.service import add_account, import_file

    for code, iban in DEMO_ACCOUNTS.items():
        await add_account(session, actor, code, iban)
    part, whole = issued["eindhoven"], issued["zwolle"]
    day = DEMO_TODAY + timedelta(days=19)

    def amount(cents: int) -> str:
        return str(to_euro(cents)).replace(".", ",")

    settings = get_settings()
    text = "\r\n".join(
        [
            f":20:DEMO-{day:%Y%m%d}",
            f":25:{settings.cooperative_iban}",
            ":28C:220/1",
            f":60F:C{day:%y%m%d}EUR25000,00",
            f":61:{day:%y%m%d}{day:%m%d}C{amount(part.due_cents // 2)}NTRFNONREF//DEMO-0001",
            f":86:/TRTP/SEPA OVERBOEKING/IBAN/{DEMO_ACCOUNTS['eindhoven']}/BIC/RABONL2U"
            f"/NAME/Gemeente Eindhoven/REMI/USTD//Eerste deel {part.number}/",
            f":61:{day:%y%m%d}{day:%m%d}C{amount(whole.due_cents)}NTRFNONREF//DEMO-0002",
            ":86:/TRTP/SEPA OVERBOEKING/IBAN/NL02ABNA0123456789/BIC/ABNANL2A"
            f"/NAME/Gemeente Zwolle/REMI/USTD//Contributie {day.year}/",
            f":61:{day:%y%m%d}{day:%m%d}D18,75NMSCNONREF//DEMO-0003",
            ":86:Kosten betalingsverkeer oktober",
            f":62F:C{day:%y%m%d}EUR25000,00",
        ]
    )
    await import_file(session, actor, text.encode(), settings, day)
