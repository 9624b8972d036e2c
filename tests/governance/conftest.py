"""The governance tests run on the demo cooperative (eight members in 2026, an RvC of three)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import DemoTemplate


@pytest.fixture
async def demo(session: AsyncSession, demo_template: DemoTemplate) -> AsyncSession:
    await demo_template.copy_into(session, invoices=False)
    return session
