"""Refusals of the journal export."""

from __future__ import annotations

from registry.kit.errors import Refusal, Text


class JournalRefusal(Refusal):
    EXPORT_FORBIDDEN = Text(
        "forbidden",
        "Alleen de directie en de accountant exporteren de journaalposten.",
        "only the management and the auditor export the journal",
    )
    UNKNOWN_FORMAT = Text(
        "unknown_format",
        "Kies een van deze formaten: {formats}.",
        "choose one of these formats: {formats}",
    )
    YEAR_OUT_OF_RANGE = Text(
        "year_out_of_range",
        "Kies een jaar tussen 2000 en 2100.",
        "choose a year between 2000 and 2100",
    )
    CHART_UNREADABLE = Text(
        "chart_invalid",
        "Het rekeningschema is niet te lezen als TOML-bestand: {detail}.",
        "the chart of accounts cannot be read as a TOML file: {detail}",
    )
    CHART_NO_ACCOUNT = Text(
        "chart_invalid",
        "Het rekeningschema wijst geen grootboekrekening toe aan {post}.",
        "the chart of accounts assigns no ledger account to {post}",
    )
    CHART_UNKNOWN_ACCOUNT = Text(
        "chart_invalid",
        "Het rekeningschema verwijst naar rekening {account}, die er niet in staat.",
        "the chart of accounts refers to account {account}, which it does not list",
    )
    CHART_BAD_ACCOUNT = Text(
        "chart_invalid",
        "Rekening {account} in het rekeningschema heeft een naam en een type B (balans) of "
        "P (winst en verlies) nodig, en een nummer van hoogstens 35 tekens.",
        "account {account} of the chart of accounts needs a name and a type B (balance "
        "sheet) or P (profit and loss), and a number of at most 35 characters",
    )
    NO_VAT_ACCOUNT = Text(
        "chart_invalid",
        "Het rekeningschema heeft geen rekening voor btw van {rate}%, die op {document} staat.",
        "the chart of accounts has no account for VAT at {rate}%, which {document} charges",
    )
