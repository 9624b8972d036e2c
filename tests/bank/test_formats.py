"""Reading camt.053 (001.02, 001.08) and MT940 files the tests make: the same facts from each
format, and every unreadable file refused naming where, never with another exception."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.bank.formats import ParsedStatement, read_statements
from registry.bank.models import Direction
from registry.kit.errors import ValidationFailed
from tests.helpers.bankfiles import COOPERATIVE_IBAN, WOERDEN_IBAN, Line, camt053, mt940

LINES = [
    Line("1234.56", text="Factuur 2023-000001", reference="REF-1", booked=date(2023, 7, 3)),
    Line("12.10", credit=False, party="ABN AMRO", iban=None, text="Kosten"),
]
FILES = {
    "camt.053.001.02": camt053(LINES, version="02"),
    "camt.053.001.08": camt053(LINES, version="08"),
    "mt940": mt940(LINES),
}


def read(data: bytes) -> list[ParsedStatement]:
    return read_statements(data, max_entries=1000)


@pytest.mark.parametrize("file_format", FILES)
def test_each_format_gives_the_same_facts(file_format: str) -> None:
    (statement,) = read(FILES[file_format])
    assert statement.file_format == file_format
    assert statement.account_iban == COOPERATIVE_IBAN
    assert statement.statement_id == "STMT-2023-07-01"
    assert statement.statement_date == date(2023, 7, 1)
    first, second = statement.entries
    assert (first.direction, first.amount_cents, first.booking_date) == (
        Direction.CREDIT,
        123456,
        date(2023, 7, 3),
    )
    assert (first.counterparty_name, first.counterparty_iban) == ("Gemeente Woerden", WOERDEN_IBAN)
    assert "2023-000001" in first.remittance
    assert first.key == "ref:REF-1"
    assert (second.direction, second.amount_cents, second.counterparty_iban) == (
        Direction.DEBIT,
        1210,
        None,
    )
    assert second.key.startswith("hash:")  # no bank reference: the facts make the identity


def test_an_entry_without_a_reference_keeps_its_identity_across_formats() -> None:
    keys = {name: read(data)[0].entries[1].key for name, data in FILES.items()}
    assert len(set(keys.values())) == 1, keys


def test_entries_not_booked_are_left_out() -> None:
    data = camt053(LINES, version="08").replace(b"<Cd>BOOK</Cd>", b"<Cd>PDNG</Cd>", 1)
    (statement,) = read(data)
    assert [e.amount_cents for e in statement.entries] == [1210]


@pytest.mark.parametrize(
    ("data", "code", "says"),
    [
        (
            camt053(LINES).replace(b"<Id>STMT-2023-07-01</Id>", b""),
            "element_missing",
            "element Id is missing in Stmt",
        ),
        (camt053(LINES).replace(b'Ccy="EUR">1234.56', b'Ccy="USD">1234.56'), "not_euro", "USD"),
        (
            camt053(LINES).replace(b"<CdtDbtInd>CRDT</CdtDbtInd>\n", b"", 3),
            "element_missing",
            "Ntry",
        ),
        (
            camt053(LINES, account="NL91ABNA0417164301"),
            "element_invalid",
            "NL91ABNA0417164301",
        ),
        (camt053(LINES).replace(b"2023-07-03", b"2023-13-03"), "element_invalid", "2023-13-03"),
        (mt940(LINES, account="NL00BANK0000000000"), "invalid_iban", "NL00BANK0000000000"),
        (mt940(LINES).replace(b":61:230703", b":61:23x703"), "tag_invalid", "line 5"),
        (b"\xef\xbb\xbf   \r\n", "empty_file", ""),
    ],
)
def test_what_is_wrong_is_named(data: bytes, code: str, says: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        read(data)
    (error,) = refused.value.errors
    assert (error.field, error.code) == ("file", code)
    assert says in error.text("en")
    assert error.text("nl") != error.text("en")


def test_too_many_entries_are_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        read_statements(FILES["mt940"], max_entries=1)
    assert refused.value.errors[0].code == "too_many_entries"


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.sampled_from(list(FILES.values())),
    st.integers(0, 4000),
    st.integers(0, 40),
    st.binary(max_size=12),
)
def test_a_damaged_file_is_read_or_refused_never_crashes(
    original: bytes, at: int, cut: int, garbage: bytes
) -> None:
    position = at % (len(original) + 1)
    damaged = original[:position] + garbage + original[position + cut :]
    refused: ValidationFailed | None = None
    try:
        statements = read(damaged)
    except ValidationFailed as error:
        refused, statements = error, []
    if refused is not None:
        assert {e.field for e in refused.errors} == {"file"}
    for statement in statements:
        for entry in statement.entries:
            assert entry.amount_cents >= 0
