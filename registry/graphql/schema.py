"""The schema, composed from the domains, with limits on query depth, aliases, size and cost,
and errors that never show a Python message to a client."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from registry.graphql.approvals.api import ApprovalsMutation, ApprovalsQuery
from registry.graphql.audit.queries import AuditQuery
from registry.graphql.auth.mutations import AuthMutation
from registry.graphql.auth.queries import AuthQuery
from registry.graphql.bank.api import BankMutation, BankQuery
from registry.graphql.billing.mutations import BillingMutation
from registry.graphql.billing.queries import BillingQuery
from registry.graphql.catalogue.mutations import CatalogueMutation
from registry.graphql.catalogue.proposals import ProposalsMutation
from registry.graphql.catalogue.publiccode import (
    PubliccodeMutation,
    PubliccodeQuery,
    StandardsMutation,
    StandardsQuery,
)
from registry.graphql.catalogue.queries import CatalogueQuery
from registry.graphql.contracts.api import ContractsMutation, ContractsQuery
from registry.graphql.costs.calculator import CalculatorQuery
from registry.graphql.costs.mutations import CostsMutation
from registry.graphql.costs.queries import CostsQuery
from registry.graphql.fees.mutations import FeesMutation
from registry.graphql.fees.queries import FeesQuery
from registry.graphql.governance.api import GovernanceMutation, GovernanceQuery
from registry.graphql.journal.mutations import JournalMutation
from registry.graphql.limits import RequestLimits, caller, hides_schema, strip_suggestions
from registry.graphql.members.mutations import MembersMutation
from registry.graphql.members.queries import MembersQuery
from registry.graphql.observed import OperationMetrics
from registry.graphql.permissions import NotAllowed, audience_of
from registry.graphql.reports.mutations import ReportsMutation
from registry.graphql.reports.queries import ReportsQuery
from registry.graphql.scalars import SCALAR_OVERRIDES
from registry.graphql.usage.mutations import UsageMutation
from registry.graphql.usage.queries import UsageQuery
from registry.graphql.webhooks.api import WebhooksMutation, WebhooksQuery
from registry.graphql.years.api import OpeningBalancesMutation, YearsMutation, YearsQuery
from registry.kit.errors import DomainError

logger = logging.getLogger(__name__)

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 5000


@strawberry.type
class Query(
    CatalogueQuery,
    PubliccodeQuery,
    StandardsQuery,
    MembersQuery,
    UsageQuery,
    FeesQuery,
    CostsQuery,
    CalculatorQuery,
    BillingQuery,
    BankQuery,
    ReportsQuery,
    AuthQuery,
    AuditQuery,
    WebhooksQuery,
    ApprovalsQuery,
    ContractsQuery,
    GovernanceQuery,
    YearsQuery,
):
    pass


@strawberry.type
class Mutation(
    CatalogueMutation,
    ProposalsMutation,
    PubliccodeMutation,
    StandardsMutation,
    MembersMutation,
    UsageMutation,
    FeesMutation,
    CostsMutation,
    BillingMutation,
    BankMutation,
    ReportsMutation,
    JournalMutation,
    AuthMutation,
    WebhooksMutation,
    ApprovalsMutation,
    ContractsMutation,
    GovernanceMutation,
    YearsMutation,
    OpeningBalancesMutation,
):
    pass


INTERNAL_ERROR = "internal_error"
EXPECTED_ERRORS = (DomainError, NotAllowed, GraphQLError)
"""Refusals meant for the caller; any other exception is a fault of the service."""


def unexpected(error: GraphQLError) -> bool:
    """An exception the service did not mean to raise: in a resolver (the error has a path)
    or around the operation (no location). Validation and input coercion errors point at
    the document and keep their message, also when a scalar's parser raised them."""
    original = error.original_error
    if original is None or isinstance(original, EXPECTED_ERRORS):
        return False
    return error.path is not None or not error.nodes


class RegistrySchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: Any | None = None
    ) -> None:
        """Unexpected exceptions reach the client as a reference to the log, never as their
        own message; anonymous callers outside development get no field suggestions."""
        context = getattr(execution_context, "context", None)
        hide = hides_schema(*caller(context))
        shown: list[GraphQLError] = []
        for error in errors:
            if unexpected(error):
                reference = uuid.uuid4().hex[:16]
                logger.error(
                    "internal error; reference %s: %s",
                    reference,
                    error.message,
                    exc_info=error.original_error,
                )
                error.message = f"internal error; reference {reference}"
                error.extensions = {"code": INTERNAL_ERROR, "reference": reference}
                error.original_error = None
            else:
                shown.append(error)
            if hide:
                error.message = strip_suggestions(error.message)
        super().process_errors(shown, execution_context)


schema = RegistrySchema(
    query=Query,
    mutation=Mutation,
    scalar_overrides=SCALAR_OVERRIDES,
    extensions=[
        OperationMetrics,
        RequestLimits,
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    ],
)


class MissingPolicy(TypeError):
    """A root field without a declared audience: refused, so nothing is open by accident."""


def root_fields() -> dict[str, StrawberryField]:
    """Every query and mutation field by its API name, e.g. `Query.auditEvents`."""
    fields: dict[str, StrawberryField] = {}
    for root in (schema._schema.query_type, schema._schema.mutation_type):
        assert root is not None
        for name, field in root.fields.items():
            fields[f"{root.name}.{name}"] = field.extensions[
                GraphQLCoreConverter.DEFINITION_BACKREF
            ]
    return fields


def _check_policies() -> None:
    missing = [
        name for name, field in root_fields().items() if audience_of(field.extensions) is None
    ]
    if missing:
        raise MissingPolicy(f"fields without a declared audience: {', '.join(missing)}")


_check_policies()


def schema_sdl() -> str:
    return schema.as_str() + "\n"
