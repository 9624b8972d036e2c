"""Bank statement files as banks write them: camt.053 (001.02 and 001.08) and MT940.

The tests make their own files from a few lines, so each test shows what the bank said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

from registry.kit.money import to_euro

COOPERATIVE_IBAN = "NL91ABNA0417164300"
WOERDEN_IBAN = "NL20INGB0001234567"
EINDHOVEN_IBAN = "NL39RABO0300065264"
UNKNOWN_IBAN = "NL02ABNA0123456789"


@dataclass(frozen=True, slots=True)
class Line:
    amount: str
    """Euros, e.g. "1234.56"."""
    credit: bool = True
    party: str = "Gemeente Woerden"
    iban: str | None = WOERDEN_IBAN
    text: str = ""
    reference: str | None = None
    """The bank's own reference of the entry (AcctSvcrRef, MT940 `//`), or none."""
    booked: date = date(2023, 7, 1)


def camt053(
    lines: list[Line],
    *,
    version: str = "02",
    statement_id: str = "STMT-2023-07-01",
    sequence: str = "126",
    account: str = COOPERATIVE_IBAN,
    on: date = date(2023, 7, 1),
) -> bytes:
    """A camt.053.001.`version` document with one statement of `lines`."""
    ns = f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"

    def sub(
        parent: etree._Element, tag: str, text: str | None = None, **attrs: str
    ) -> etree._Element:
        element = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    root = etree.Element(f"{{{ns}}}Document", nsmap={None: ns})
    message = sub(root, "BkToCstmrStmt")
    header = sub(message, "GrpHdr")
    sub(header, "MsgId", f"MSG-{statement_id}")
    sub(header, "CreDtTm", f"{on.isoformat()}T18:00:00")
    stmt = sub(message, "Stmt")
    sub(stmt, "Id", statement_id)
    sub(stmt, "ElctrncSeqNb", sequence)
    sub(stmt, "CreDtTm", f"{on.isoformat()}T18:00:00")
    acct = sub(stmt, "Acct")
    sub(sub(acct, "Id"), "IBAN", account)
    sub(acct, "Ccy", "EUR")
    for code, amount in (("OPBD", "1000.00"), ("CLBD", "1000.00")):
        bal = sub(stmt, "Bal")
        sub(sub(sub(bal, "Tp"), "CdOrPrtry"), "Cd", code)
        sub(bal, "Amt", amount, Ccy="EUR")
        sub(bal, "CdtDbtInd", "CRDT")
        sub(sub(bal, "Dt"), "Dt", on.isoformat())
    for line in lines:
        ntry = sub(stmt, "Ntry")
        if line.reference:
            sub(ntry, "NtryRef", line.reference)
        sub(ntry, "Amt", line.amount, Ccy="EUR")
        sub(ntry, "CdtDbtInd", "CRDT" if line.credit else "DBIT")
        if version == "02":
            sub(ntry, "Sts", "BOOK")
        else:
            sub(sub(ntry, "Sts"), "Cd", "BOOK")
        sub(sub(ntry, "BookgDt"), "Dt", line.booked.isoformat())
        sub(sub(ntry, "ValDt"), "Dt", line.booked.isoformat())
        if line.reference:
            sub(ntry, "AcctSvcrRef", line.reference)
        tx = sub(sub(ntry, "NtryDtls"), "TxDtls")
        sub(sub(tx, "Refs"), "EndToEndId", "NOTPROVIDED")
        parties = sub(tx, "RltdPties")
        party, account_tag = ("Dbtr", "DbtrAcct") if line.credit else ("Cdtr", "CdtrAcct")
        who = sub(parties, party)
        sub(who if version == "02" else sub(who, "Pty"), "Nm", line.party)
        if line.iban:
            sub(sub(sub(parties, account_tag), "Id"), "IBAN", line.iban)
        if line.text:
            sub(sub(tx, "RmtInf"), "Ustrd", line.text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def mt940(
    lines: list[Line],
    *,
    reference: str = "STMT-2023-07-01",
    number: str = "126",
    account: str = COOPERATIVE_IBAN,
    on: date = date(2023, 7, 1),
) -> bytes:
    """An MT940 statement of `lines` with the structured :86: Dutch banks write."""
    day = on.strftime("%y%m%d")
    out = [f":20:{reference}", f":25:{account}", f":28C:{number}/1", f":60F:C{day}EUR1000,00"]
    total = Decimal("1000.00")
    for line in lines:
        amount = Decimal(line.amount)
        total += amount if line.credit else -amount
        booked = line.booked.strftime("%y%m%d")
        mark = "C" if line.credit else "D"
        bank_reference = f"//{line.reference}" if line.reference else ""
        out.append(
            f":61:{booked}{line.booked.strftime('%m%d')}{mark}{str(amount).replace('.', ',')}"
            f"NTRFNONREF{bank_reference}"
        )
        details = f"/TRTP/SEPA OVERBOEKING/NAME/{line.party}/REMI/USTD//{line.text}/"
        if line.iban:
            details = f"/TRTP/SEPA OVERBOEKING/IBAN/{line.iban}/BIC/INGBNL2A/NAME/{line.party}" + (
                f"/REMI/USTD//{line.text}/"
            )
        out.append(":86:" + details)
    sign = "C" if total >= 0 else "D"
    out.append(f":62F:{sign}{day}EUR{str(abs(total)).replace('.', ',')}")
    return ("\r\n".join(out) + "\r\n").encode()


def euros(cents: int) -> str:
    """An amount in cents as a bank file writes it: euros with a decimal point."""
    return str(to_euro(cents))
