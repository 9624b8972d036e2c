"""Every refusal of the HTTP adapters has a Dutch and an English text alike."""

from __future__ import annotations

import pytest

from registry.graphql.relay import decode_cursor, page_request
from registry.kit.errors import ValidationFailed


def test_a_page_size_out_of_range_names_the_argument_and_the_limit() -> None:
    with pytest.raises(ValidationFailed) as caught:
        page_request(0, None)
    assert str(caught.value) == "first: must be between 1 and 100, got 0"
    assert (
        caught.value.text("nl")
        == "first: Vraag van 1 tot en met 100 resultaten tegelijk op, niet 0."
    )


def test_a_foreign_cursor_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        decode_cursor("bm9wZQ==")
    assert str(caught.value) == "after: 'bm9wZQ==' is not a cursor from this API"
    assert caught.value.errors[0].code == "invalid_cursor"
