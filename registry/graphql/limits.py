"""Cheap checks of a request before the costly GraphQL validation rules and execution.

graphql-core's validation expands every fragment spread, and its overlap rule compares
every pair of fields with the same response key: a small document with fragments spreading
fragments, or one field repeated a thousand times, costs seconds of CPU. So the document is
measured first, with each fragment measured once (memoized), and refused when it is too big
or too costly; only then do the standard rules and the depth and alias limiters run, on a
document whose expanded size is bounded.

The same extension refuses text with control characters or unpaired surrogates (which the
database drivers cannot store) and, for anonymous callers outside development mode, turns
introspection off.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    ListValueNode,
    Node,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from registry.auth.roles import Actor

MAX_SELECTIONS = 500
"""Fields, fragment spreads and inline fragments of a document with every spread expanded
(the largest example operation has 156)."""
MAX_FRAGMENTS = 50
"""Fragment definitions in one document (the overlap rule compares every pair of them)."""
MAX_FIELD_REPEATS = 20
"""How often one response key may appear in one selection set, fragments and same-key
fields merged (the overlap rule compares every pair of them)."""
MAX_COST = 100
"""Cost budget of one request: the sum of the costs of its expensive root fields."""
COSTS: Mapping[str, int] = {
    # Reports, reconciliations and previews read or compute everything of a year.
    "contributionReport": 40,
    "auditChainStatus": 40,
    "paymentDifferences": 40,
    "feeRunPreview": 25,
    "invoiceRunPreview": 25,
    "allocationPreview": 25,
    "settlementPreview": 20,
    "usageFees": 10,
    # Every ALV meeting asked for with its agenda, votes, attendance and quorum.
    "alvMeetings": 10,
    # The runs that store what the previews compute, and the report export.
    "feeRunCreate": 40,
    "invoiceRunCreate": 40,
    "allocationRunCreate": 40,
    "settlementRunCreate": 40,
    "contributionReportExport": 40,
    "bankStatementImport": 40,
}
"""Cost of a field by name (all are root fields of Query or Mutation); others cost nothing."""

TOO_BIG = "query_too_big"
TOO_COSTLY = "query_too_costly"
FIELD_REPEATED = "field_repeated"
INVALID_TEXT = "invalid_text"

# C0 and C1 control characters except tab, line feed and carriage return; unpaired surrogates.
_BAD_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


class Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def as_graphql_error(self) -> GraphQLError:
        return GraphQLError(self.message, extensions={"code": self.code})


@dataclass(slots=True)
class _Size:
    selections: int = 0
    cost: int = 0
    """Only meaningful for a root selection set; fragments on other types add nothing."""


@dataclass(slots=True)
class _Measurer:
    fragments: dict[str, FragmentDefinitionNode]
    sizes: dict[str, _Size] = field(default_factory=dict)
    visiting: set[str] = field(default_factory=set)

    def fragment(self, name: str) -> _Size:
        """The expanded size of a fragment, computed once; a cycle (refused by validation
        anyway) and an unknown fragment count as empty."""
        if name in self.sizes:
            return self.sizes[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.visiting:
            return _Size()
        self.visiting.add(name)
        size = self.selection_set(definition.selection_set)
        self.visiting.discard(name)
        self.sizes[name] = size
        return size

    def selection_set(self, node: SelectionSetNode | None) -> _Size:
        size = _Size()
        if node is None:
            return size
        for selection in node.selections:
            size.selections += 1
            if isinstance(selection, FieldNode):
                size.cost += COSTS.get(selection.name.value, 0)
                size.selections += self.selection_set(selection.selection_set).selections
            elif isinstance(selection, InlineFragmentNode):
                inner = self.selection_set(selection.selection_set)
                size.selections += inner.selections
                size.cost += inner.cost
            elif isinstance(selection, FragmentSpreadNode):
                inner = self.fragment(selection.name.value)
                size.selections += inner.selections
                size.cost += inner.cost
            if size.selections > MAX_SELECTIONS:
                raise _too_big()
        return size


def _too_big() -> Refused:
    return Refused(
        TOO_BIG,
        f"the query is too big: more than {MAX_SELECTIONS} fields with its fragments expanded",
    )


def _expanded_fields(
    selection_sets: Sequence[SelectionSetNode], fragments: Mapping[str, FragmentDefinitionNode]
) -> Iterator[FieldNode]:
    """The fields of selection sets merged, through fragments and inline fragments."""
    stack = list(selection_sets)
    seen: set[str] = set()
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                # The overlap rule visits a fragment once per selection set too.
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is not None and name not in seen:
                    seen.add(name)
                    stack.append(fragment.selection_set)


def _check_repeats(
    selection_sets: Sequence[SelectionSetNode], fragments: Mapping[str, FragmentDefinitionNode]
) -> None:
    """Refuse a response key that repeats too often in one merged selection set.

    Same-key fields are merged and their sub-selections compared together, as the overlap
    rule does; the expanded document is bounded already, so this walk is cheap."""
    pending = [selection_sets]
    visited = 0
    while pending:
        by_key: dict[str, list[SelectionSetNode]] = {}
        counts: Counter[str] = Counter()
        for node in _expanded_fields(pending.pop(), fragments):
            visited += 1
            if visited > MAX_SELECTIONS:
                return  # only a fragment cycle gets here; validation refuses it
            key = node.alias.value if node.alias else node.name.value
            counts[key] += 1
            if node.selection_set is not None:
                by_key.setdefault(key, []).append(node.selection_set)
        if counts:
            key, count = counts.most_common(1)[0]
            if count > MAX_FIELD_REPEATS:
                raise Refused(
                    FIELD_REPEATED,
                    f"the field '{key}' is selected {count} times in one selection set; "
                    f"at most {MAX_FIELD_REPEATS} are allowed",
                )
        pending.extend(by_key.values())


def measure(document: DocumentNode) -> None:
    """Refuse a document that is too big, repeats a field too often or costs too much."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if len(fragments) > MAX_FRAGMENTS:
        raise Refused(
            TOO_BIG, f"the query is too big: more than {MAX_FRAGMENTS} fragment definitions"
        )
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    measurer = _Measurer(fragments)
    try:
        sizes = [measurer.selection_set(o.selection_set) for o in operations]
        sizes += [measurer.fragment(name) for name in fragments]
        if sum(s.selections for s in sizes) > MAX_SELECTIONS:
            raise _too_big()
        for operation, size in zip(operations, sizes, strict=False):
            cost = size.cost
            if cost > MAX_COST:
                raise Refused(
                    TOO_COSTLY,
                    f"the query costs {cost}, more than the {MAX_COST} allowed per request: "
                    "ask for fewer reports, previews or runs at once",
                )
            _check_repeats([operation.selection_set], fragments)
        for fragment in fragments.values():
            _check_repeats([fragment.selection_set], fragments)
    except RecursionError:
        raise _too_big() from None


def _bad_text(value: str) -> bool:
    return _BAD_TEXT.search(value) is not None


def _value_paths(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string in a JSON-like value, with its path (`$input.rows[2].name`)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and _bad_text(key):
                yield path, key
            yield from _value_paths(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _value_paths(item, f"{path}[{index}]")


def _literal_paths(node: Node, path: str) -> Iterator[tuple[str, str]]:
    """Every string literal in an argument value, with its path (`input.name`)."""
    if isinstance(node, StringValueNode):
        yield path, node.value
    elif isinstance(node, ObjectValueNode):
        for object_field in node.fields:
            yield from _literal_paths(object_field.value, f"{path}.{object_field.name.value}")
    elif isinstance(node, ListValueNode):
        for index, item in enumerate(node.values):
            yield from _literal_paths(item, f"{path}[{index}]")


def _arguments(document: DocumentNode) -> Iterator[tuple[str, Node]]:
    stack: list[Node] = list(document.definitions)
    while stack:
        node = stack.pop()
        for argument in getattr(node, "arguments", None) or ():
            yield argument.name.value, argument.value
        for variable in getattr(node, "variable_definitions", None) or ():
            if variable.default_value is not None:
                yield f"${variable.variable.name.value}", variable.default_value
        selection_set = getattr(node, "selection_set", None)
        if selection_set is not None:
            stack.extend(selection_set.selections)


def check_text(document: DocumentNode, variables: Mapping[str, Any] | None) -> None:
    """Refuse control characters and unpaired surrogates in every string of the request."""
    found = [p for p, v in _value_paths(dict(variables or {}), "") if _bad_text(v)]
    found = [f"${p.lstrip('.')}" for p in found]
    for name, value in _arguments(document):
        found.extend(p for p, v in _literal_paths(value, name) if _bad_text(v))
    if found:
        raise Refused(
            INVALID_TEXT,
            f"{found[0]}: text may not contain control characters or unpaired surrogates",
        )


def strip_suggestions(message: str) -> str:
    """`Cannot query field 'x'. Did you mean 'y'?` without the suggestion."""
    return _SUGGESTION.sub("", message)


def hides_schema(actor: Actor | None, dev_mode: bool) -> bool:
    """No introspection and no 'did you mean' for anonymous callers outside development."""
    return not dev_mode and (actor is None or not actor.authenticated)


def caller(context: Any) -> tuple[Actor | None, bool]:
    actor = getattr(context, "actor", None)
    settings = getattr(context, "settings", None)
    return actor, bool(getattr(settings, "dev_mode", False))


class RequestLimits(SchemaExtension):
    """Runs before the validation rules; refuses what would make them (or execution) costly."""

    def on_operation(self) -> Iterator[None]:
        if hides_schema(*caller(self.execution_context.context)):
            self.execution_context.validation_rules = (
                *self.execution_context.validation_rules,
                NoSchemaIntrospectionCustomRule,
            )
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            try:
                measure(document)
                check_text(document, context.variables)
            except Refused as refused:
                # Set before the standard rules run: Strawberry then skips them.
                context.pre_execution_errors = [refused.as_graphql_error()]
        yield
