"""The journal of a year as files: CSV for a spreadsheet or an import, and the XML Auditfile
Financieel 3.2 (XAF) that Dutch auditors and bookkeeping packages read.

CSV: UTF-8 with a BOM, semicolon-separated (what Dutch Excel opens), one journal line a row,
dates as YYYY-MM-DD, amounts in euros with two decimals (decimal comma in the Dutch file,
decimal point in the English one), debit and credit in two columns of which one is filled.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from typing import TYPE_CHECKING

from registry.journal.chart import Chart
from registry.journal.entries import JournalCode, Transaction
from registry.journal.labels import JOURNAL_CODE
from registry.kit.language import Language
from registry.kit.spreadsheet import Kind, Row, Table, csv_bytes, euro_text

if TYPE_CHECKING:
    from lxml import etree


class JournalFormat(enum.StrEnum):
    CSV = "csv"
    XAF = "xaf"


FORMATS = tuple(f.value for f in JournalFormat)
XAF_NAMESPACE = "http://www.auditfiles.nl/XAF/3.2"


@dataclass(frozen=True, slots=True)
class Company:
    name: str
    kvk: str
    vat_id: str
    street: str
    postal_code: str
    city: str


@dataclass(frozen=True)
class YearJournal:
    year: int
    chart: Chart
    company: Company
    members: Mapping[str, str]
    """Member code → name, for the customers of the XAF."""
    opening: Mapping[str, int]
    """Balance per account at the start of the year (signed cents, debit positive)."""
    transactions: list[Transaction]
    closing: Mapping[str, int]
    language: Language = "nl"


CSV_HEADINGS: Mapping[Language, tuple[str, ...]] = {
    "nl": (
        "Datum",
        "Dagboek",
        "Boekstuknummer",
        "Rekening",
        "Rekeningnaam",
        "Omschrijving",
        "Debet",
        "Credit",
        "Factuurnummer",
        "Lid",
    ),
    "en": (
        "Date",
        "Journal",
        "Transaction number",
        "Account",
        "Account name",
        "Description",
        "Debit",
        "Credit",
        "Document number",
        "Member",
    ),
}
CSV_KINDS = (
    Kind.DATE,
    Kind.TEXT,
    Kind.TEXT,
    Kind.TEXT,
    Kind.TEXT,
    Kind.TEXT,
    Kind.EURO,
    Kind.EURO,
    Kind.TEXT,
    Kind.TEXT,
)


def _account_name(chart: Chart, number: str, language: Language) -> str:
    account = chart.accounts[number]
    return account.name if language == "nl" else account.name_en


def csv_rows(data: YearJournal) -> list[Row]:
    return [
        (
            t.on,
            t.journal.value,
            t.number,
            line.account,
            _account_name(data.chart, line.account, data.language),
            line.description,
            line.debit_cents or None,
            line.credit_cents or None,
            t.document,
            t.member_code,
        )
        for t in data.transactions
        for line in t.lines
    ]


def write_csv(data: YearJournal, today: date) -> bytes:
    del today  # the CSV carries no creation date, so the same year gives the same bytes
    table = Table(
        title=str(data.year),
        headings=CSV_HEADINGS[data.language],
        kinds=CSV_KINDS,
        rows=csv_rows(data),
    )
    return csv_bytes(table, decimal_comma=data.language == "nl")


_JOURNAL_TYPES: Mapping[JournalCode, str] = {
    JournalCode.SALES: "S",
    JournalCode.BANK: "B",
    JournalCode.STRIPE: "B",
    JournalCode.MEMORIAL: "M",
}


def _amount(cents: int) -> str:
    return euro_text(abs(cents))


def _side(cents: int) -> str:
    return "D" if cents >= 0 else "C"


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    from lxml import etree  # the service starts without lxml: it is loaded by an export

    element = etree.SubElement(parent, f"{{{XAF_NAMESPACE}}}{tag}")
    if text is not None:
        element.text = text
    return element


def write_xaf(data: YearJournal, today: date) -> bytes:
    """The year as XAF 3.2: header, company with customers, ledger accounts and VAT codes,
    the twelve months, the opening balance, and the transactions per journal."""
    from lxml import etree

    language = data.language
    root = etree.Element(f"{{{XAF_NAMESPACE}}}auditfile", nsmap={None: XAF_NAMESPACE})  # type: ignore[dict-item]
    header = _sub(root, "header")
    _sub(header, "fiscalYear", str(data.year))
    _sub(header, "startDate", f"{data.year}-01-01")
    _sub(header, "endDate", f"{data.year}-12-31")
    _sub(header, "curCode", "EUR")
    _sub(header, "dateCreated", today.isoformat())
    _sub(header, "softwareDesc", "Coöperatieregister")
    _sub(header, "softwareVersion", version("cooperatieregister")[:20])
    company = _sub(root, "company")
    _sub(company, "companyIdent", data.company.kvk[:35])
    _sub(company, "companyName", data.company.name)
    _sub(company, "taxRegistrationCountry", "NL")
    _sub(company, "taxRegIdent", data.company.vat_id[:30])
    address = _sub(company, "streetAddress")
    _sub(address, "streetname", data.company.street)
    _sub(address, "city", data.company.city[:50])
    _sub(address, "postalCode", data.company.postal_code[:10])
    _sub(address, "country", "NL")
    customers = _sub(company, "customersSuppliers")
    used = sorted({t.member_code for t in data.transactions})
    for code in used:
        customer = _sub(customers, "customerSupplier")
        _sub(customer, "custSupID", code[:35])
        _sub(customer, "custSupName", data.members.get(code, code)[:50])
        _sub(customer, "custSupTp", "C")
    ledger = _sub(company, "generalLedger")
    for account in data.chart.accounts.values():
        element = _sub(ledger, "ledgerAccount")
        _sub(element, "accID", account.number)
        _sub(element, "accDesc", account.name if language == "nl" else account.name_en)
        _sub(element, "accTp", account.type)
        if account.rgs:
            _sub(element, "leadCode", account.rgs)
    vat_codes = _sub(company, "vatCodes")
    for rate, number in sorted(data.chart.vat.items()):
        vat_code = _sub(vat_codes, "vatCode")
        _sub(vat_code, "vatID", f"{rate:f}")
        _sub(vat_code, "vatDesc", f"Btw {rate:f}%" if language == "nl" else f"VAT {rate:f}%")
        _sub(vat_code, "vatToPayAccID", number)
    periods = _sub(company, "periods")
    for month in range(1, 13):
        period = _sub(periods, "period")
        _sub(period, "periodNumber", str(month))
        _sub(period, "startDatePeriod", date(data.year, month, 1).isoformat())
        end = date(data.year + (month == 12), month % 12 + 1, 1).toordinal() - 1
        _sub(period, "endDatePeriod", date.fromordinal(end).isoformat())
    _opening(company, data)
    _transactions(company, data)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _opening(company: etree._Element, data: YearJournal) -> None:
    lines = [(account, cents) for account, cents in sorted(data.opening.items()) if cents]
    opening = _sub(company, "openingBalance")
    _sub(opening, "opBalDate", f"{data.year}-01-01")
    _sub(opening, "linesCount", str(len(lines)))
    _sub(opening, "totalDebit", _amount(sum(c for _, c in lines if c > 0)))
    _sub(opening, "totalCredit", _amount(sum(-c for _, c in lines if c < 0)))
    for n, (account, cents) in enumerate(lines, start=1):
        line = _sub(opening, "obLine")
        _sub(line, "nr", str(n))
        _sub(line, "accID", account)
        _sub(line, "amnt", _amount(cents))
        _sub(line, "amntTp", _side(cents))


def _transactions(company: etree._Element, data: YearJournal) -> None:
    all_lines = [line for t in data.transactions for line in t.lines]
    transactions = _sub(company, "transactions")
    _sub(transactions, "linesCount", str(len(all_lines)))
    _sub(transactions, "totalDebit", _amount(sum(line.debit_cents for line in all_lines)))
    _sub(transactions, "totalCredit", _amount(sum(line.credit_cents for line in all_lines)))
    for code in JournalCode:
        entries = [t for t in data.transactions if t.journal is code]
        if not entries:
            continue
        journal = _sub(transactions, "journal")
        _sub(journal, "jrnID", code.value)
        name = JOURNAL_CODE[code]
        _sub(journal, "desc", name.nl if data.language == "nl" else name.en)
        _sub(journal, "jrnTp", _JOURNAL_TYPES[code])
        for entry in entries:
            transaction = _sub(journal, "transaction")
            _sub(transaction, "nr", entry.number[:35])
            _sub(transaction, "desc", entry.description)
            _sub(transaction, "periodNumber", str(entry.on.month))
            _sub(transaction, "trDt", entry.on.isoformat())
            _sub(transaction, "amnt", _amount(entry.debit_cents))
            _sub(transaction, "amntTp", "D")
            for n, line in enumerate(entry.lines, start=1):
                element = _sub(transaction, "trLine")
                _sub(element, "nr", str(n))
                _sub(element, "accID", line.account)
                _sub(element, "docRef", entry.document or entry.number)
                _sub(element, "effDate", entry.on.isoformat())
                _sub(element, "desc", line.description)
                _sub(element, "amnt", _amount(line.signed_cents))
                _sub(element, "amntTp", _side(line.signed_cents))
                _sub(element, "custSupID", entry.member_code[:35])
                if entry.document:  # an opening credit balance refers to no invoice
                    _sub(element, "invRef", entry.document)
