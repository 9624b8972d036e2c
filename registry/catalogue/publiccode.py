"""publiccode.yml validation: the standard as published (0.2 up to 0.4.x), as strict as the
reference parser (publiccode-parser-go), without its network checks.

The file is composed with PyYAML into nodes that keep their line and column, so every error
names the key path, the line and the column (`maintenance.contractors[0].until: missing
(12:5)`). A missing key is placed at the mapping that should hold it, as the reference parser
does. Deprecated keys give warnings, apart from errors. Pure: no I/O besides reading the
standard's lists shipped with the package.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml
from babel import Locale
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from registry.catalogue.errors import PubliccodeRefusal as P
from registry.catalogue.licences import spdx_expression
from registry.kit.errors import FieldError, FileSize, Param, Phrase, ValidationFailed
from registry.kit.language import Language

MAX_BYTES = 250_000
"""A publiccode.yml is a few kilobytes; larger input is refused before it is parsed."""
MAX_NODES = 20_000
"""Bounds the work on one file (a long description is one node)."""

LATEST = "0.4"
SUPPORTED = ("0.2", "0.2.0", "0.2.1", "0.2.2", "0.3", "0.3.0", "0.4", "0.4.0")
_VERSION = re.compile(r"^0\.(2|3|4)(\.\d+)?$")

DEVELOPMENT_STATUSES = ("concept", "development", "beta", "stable", "obsolete")
SOFTWARE_TYPES = (
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
)
MAINTENANCE_TYPES = ("internal", "contract", "community", "none")

SHORT_DESCRIPTION_MAX = 150
LONG_DESCRIPTION_MIN = 150
LONG_DESCRIPTION_MAX = 10_000
GENERIC_NAME_MAX = 35


def _rows(name: str) -> list[list[str]]:
    text = resources.files("registry.catalogue").joinpath("data", name).read_text("utf-8")
    return [
        line.strip().split("\t")
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _list(name: str) -> frozenset[str]:
    return frozenset(row[0] for row in _rows(name))


@cache
def _category_names() -> dict[str, tuple[str, str]]:
    return {code: (nl, en) for code, nl, en in _rows("publiccode_categories.tsv")}


@cache
def categories() -> frozenset[str]:
    """The standard's categories (registry/catalogue/data/publiccode_categories.tsv)."""
    return frozenset(_category_names())


def category_name(code: str, language: Language) -> str:
    """What people read for a category: its Dutch or English name; a code the standard does
    not (or no longer) list is shown as it is."""
    names = _category_names().get(code)
    if names is None:
        return code
    return names[0] if language == "nl" else names[1]


@cache
def scopes() -> frozenset[str]:
    return _list("publiccode_scopes.txt")


@cache
def _languages() -> frozenset[str]:
    names = (k for k in Locale("en").languages if isinstance(k, str))
    return frozenset(k.lower() for k in names if "_" not in k)


@cache
def _countries() -> frozenset[str]:
    names = (k for k in Locale("en").territories if isinstance(k, str))
    return frozenset(k for k in names if len(k) == 2 and k.isalpha())


# Findings ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    """One error or warning: the key path, where it is (1-based), and what is wrong."""

    path: str
    line: int
    column: int
    phrase: Phrase

    @property
    def code(self) -> str:
        return self.phrase.code

    def text(self, language: Language) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.phrase.text(language)} ({self.line}:{self.column})"

    @property
    def message(self) -> str:
        return self.text("en")


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of validating one file; `document` is the parsed data when it is valid."""

    version: str | None
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    document: Mapping[str, Any] | None = None

    @property
    def valid(self) -> bool:
        return not self.errors

    def refusal(self) -> ValidationFailed:
        """The errors as the registry's typed refusal (field = `path (line:column)`)."""
        return ValidationFailed(
            [FieldError(f"{e.path or '.'} ({e.line}:{e.column})", e.phrase) for e in self.errors]
        )


# The shape of the standard ----------------------------------------------------------------

Check = Callable[[str], Phrase | None]


@dataclass(frozen=True)
class Text:
    check: Check | None = None
    max_length: int | None = None
    min_length: int | None = None


@dataclass(frozen=True)
class Flag:
    pass


@dataclass(frozen=True)
class Items:
    item: Spec
    non_empty: bool = False


@dataclass(frozen=True)
class UrlOrUrls:
    """`isBasedOn`: one URL or a list of them."""


@dataclass(frozen=True)
class Key:
    spec: Spec
    required: bool = False
    since: str | None = None
    """The first version of the standard that knows the key."""
    deprecated: Phrase | None = None


@dataclass(frozen=True)
class Fields:
    keys: Mapping[str, Key]
    free: bool = False
    """Unknown keys allowed (a country section's own content)."""


@dataclass(frozen=True)
class Languages:
    """`description`: a mapping from BCP 47 language codes to the same structure."""

    value: Spec


Spec = Text | Flag | Items | UrlOrUrls | Fields | Languages


def _phrase(refusal: P, **params: Param) -> Phrase:
    return Phrase(refusal, params)


def _one_of(allowed: tuple[str, ...]) -> Check:
    def check(value: str) -> Phrase | None:
        if value in allowed:
            return None
        return _phrase(P.NOT_ONE_OF, value=value, allowed=", ".join(allowed))

    return check


def _date(value: str) -> Phrase | None:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            date.fromisoformat(value)
            return None
        except ValueError:
            pass
    return _phrase(P.INVALID_DATE, value=value)


def _url(value: str) -> Phrase | None:
    try:
        parts = urlsplit(value)
    except ValueError:
        return _phrase(P.INVALID_URL, value=value)
    if not parts.scheme or not parts.netloc or any(c.isspace() for c in value):
        return _phrase(P.INVALID_URL, value=value)
    return None


def _http_url(value: str) -> Phrase | None:
    if _url(value) is not None or urlsplit(value).scheme not in ("http", "https"):
        return _phrase(P.INVALID_HTTP_URL, value=value)
    return None


def _relative_or_url(value: str) -> Phrase | None:
    if value.startswith("/") or value.startswith("file:"):
        return _phrase(P.NOT_RELATIVE, value=value)
    return None


_TAG = re.compile(
    r"^(?P<language>[A-Za-z]{2,3})(?:-(?P<script>[A-Za-z]{4}))?"
    r"(?:-(?P<region>[A-Za-z]{2}|\d{3}))?(?:-(?:[A-Za-z\d]{5,8}|\d[A-Za-z\d]{3}))*"
    r"(?:-[A-WY-Za-wy-z\d](?:-[A-Za-z\d]{2,8})+)*(?:-x(?:-[A-Za-z\d]{1,8})+)?$"
)


def _language(value: str) -> Phrase | None:
    match = _TAG.match(value)
    if match is None or match["language"].lower() not in _languages():
        return _phrase(P.INVALID_LANGUAGE, value=value)
    region = match["region"]
    if region and region.isalpha() and region.upper() not in _countries():
        return _phrase(P.INVALID_LANGUAGE, value=value)
    return None


def _country(value: str) -> Phrase | None:
    if len(value) == 2 and value.upper() in _countries():
        return None
    return _phrase(P.INVALID_COUNTRY, value=value)


def _category(value: str) -> Phrase | None:
    return None if value in categories() else _phrase(P.INVALID_CATEGORY, value=value)


def _scope(value: str) -> Phrase | None:
    return None if value in scopes() else _phrase(P.INVALID_SCOPE, value=value)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str) -> Phrase | None:
    return None if _EMAIL.match(value) else _phrase(P.INVALID_EMAIL, value=value)


_MIME = re.compile(r"^[A-Za-z0-9][\w!#$&^.+-]*/[A-Za-z0-9][\w!#$&^.+-]*(\s*;.*)?$")


def _mime(value: str) -> Phrase | None:
    return None if _MIME.match(value) else _phrase(P.INVALID_MIME, value=value)


def _licence(value: str) -> Phrase | None:
    try:
        spdx_expression(value)
    except ValidationFailed:
        return _phrase(P.INVALID_LICENCE, value=value)
    return None


_DROP = _phrase(P.DEPRECATED)

_ORGANISATION = Fields({"name": Key(Text(), required=True), "uri": Key(Text())})
_CONTRACTOR = Fields(
    {
        "name": Key(Text(), required=True),
        "email": Key(Text(_email)),
        "website": Key(Text(_http_url)),
        "until": Key(Text(_date), required=True),
    }
)
_CONTACT = Fields(
    {
        "name": Key(Text(), required=True),
        "email": Key(Text(_email)),
        "affiliation": Key(Text()),
        "phone": Key(Text()),
    }
)
_DEPENDENCY = Fields(
    {
        "name": Key(Text(), required=True),
        "versionMin": Key(Text()),
        "versionMax": Key(Text()),
        "optional": Key(Flag()),
        "version": Key(Text()),
    }
)
_DESCRIPTION = Fields(
    {
        "localisedName": Key(Text()),
        "genericName": Key(Text(max_length=GENERIC_NAME_MAX), deprecated=_DROP),
        "shortDescription": Key(Text(max_length=SHORT_DESCRIPTION_MAX), required=True),
        "longDescription": Key(
            Text(min_length=LONG_DESCRIPTION_MIN, max_length=LONG_DESCRIPTION_MAX), required=True
        ),
        "documentation": Key(Text(_http_url)),
        "apiDocumentation": Key(Text(_http_url)),
        "features": Key(Items(Text(), non_empty=True)),
        "screenshots": Key(Items(Text(_relative_or_url))),
        "videos": Key(Items(Text(_http_url))),
        "awards": Key(Items(Text())),
    }
)
_COUNTRY_SECTION = Fields(
    {
        "countryExtensionVersion": Key(Text(_one_of(("0.2", "1.0")))),
        "conforme": Key(Fields({}, free=True), deprecated=_DROP),
        "riuso": Key(Fields({"codiceIPA": Key(Text())})),
        "piattaforme": Key(Fields({}, free=True)),
    },
    free=True,
)

SCHEMA = Fields(
    {
        "publiccodeYmlVersion": Key(Text(), required=True),
        "name": Key(Text(), required=True),
        "applicationSuite": Key(Text()),
        "url": Key(Text(_url), required=True),
        "landingURL": Key(Text(_http_url)),
        "isBasedOn": Key(UrlOrUrls()),
        "softwareVersion": Key(Text()),
        "releaseDate": Key(Text(_date)),
        "logo": Key(Text(_relative_or_url)),
        "monochromeLogo": Key(
            Text(_relative_or_url), deprecated=_phrase(P.DEPRECATED_USE, replacement="logo")
        ),
        "organisation": Key(_ORGANISATION, since="0.4"),
        "inputTypes": Key(Items(Text(_mime)), deprecated=_DROP),
        "outputTypes": Key(Items(Text(_mime)), deprecated=_DROP),
        "platforms": Key(Items(Text(), non_empty=True), required=True),
        "categories": Key(Items(Text(_category))),
        "usedBy": Key(Items(Text())),
        "fundedBy": Key(Items(_ORGANISATION), since="0.4"),
        "roadmap": Key(Text(_http_url)),
        "developmentStatus": Key(Text(_one_of(DEVELOPMENT_STATUSES)), required=True),
        "softwareType": Key(Text(_one_of(SOFTWARE_TYPES)), required=True),
        "intendedAudience": Key(
            Fields(
                {
                    "scope": Key(Items(Text(_scope))),
                    "countries": Key(Items(Text(_country))),
                    "unsupportedCountries": Key(Items(Text(_country))),
                }
            )
        ),
        "description": Key(Languages(_DESCRIPTION), required=True),
        "legal": Key(
            Fields(
                {
                    "license": Key(Text(_licence), required=True),
                    "mainCopyrightOwner": Key(Text()),
                    "repoOwner": Key(
                        Text(),
                        deprecated=_phrase(P.DEPRECATED_USE, replacement="organisation.name"),
                    ),
                    "authorsFile": Key(Text(_relative_or_url), deprecated=_DROP),
                }
            ),
            required=True,
        ),
        "maintenance": Key(
            Fields(
                {
                    "type": Key(Text(_one_of(MAINTENANCE_TYPES)), required=True),
                    "contractors": Key(Items(_CONTRACTOR)),
                    "contacts": Key(Items(_CONTACT)),
                }
            ),
            required=True,
        ),
        "localisation": Key(
            Fields(
                {
                    "localisationReady": Key(Flag(), required=True),
                    "availableLanguages": Key(
                        Items(Text(_language), non_empty=True), required=True
                    ),
                }
            ),
            required=True,
        ),
        "dependsOn": Key(
            Fields(
                {
                    "open": Key(Items(_DEPENDENCY)),
                    "proprietary": Key(Items(_DEPENDENCY)),
                    "hardware": Key(Items(_DEPENDENCY)),
                }
            )
        ),
        "IT": Key(_COUNTRY_SECTION),
        "it": Key(_COUNTRY_SECTION, deprecated=_phrase(P.DEPRECATED_USE, replacement="IT")),
    }
)


# Walking the nodes ------------------------------------------------------------------------


def _at(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


@dataclass
class _Walk:
    version: str
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    def error(self, path: str, node: Node, phrase: Phrase) -> None:
        self.errors.append(Finding(path, *_at(node), phrase))

    def warn(self, path: str, node: Node, phrase: Phrase) -> None:
        self.warnings.append(Finding(path, *_at(node), phrase))

    def spec(self, spec: Spec, node: Node, path: str) -> None:
        if isinstance(spec, Text):
            self.text(spec, node, path)
        elif isinstance(spec, Flag):
            if not (isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:bool"):
                self.error(path, node, _phrase(P.EXPECTED_BOOLEAN))
        elif isinstance(spec, Items):
            self.items(spec, node, path)
        elif isinstance(spec, UrlOrUrls):
            if isinstance(node, SequenceNode):
                self.items(Items(Text(_url)), node, path)
            else:
                self.text(Text(_url), node, path)
        elif isinstance(spec, Fields):
            self.fields(spec, node, path)
        else:
            self.languages(spec, node, path)

    def text(self, spec: Text, node: Node, path: str) -> None:
        if not isinstance(node, ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            self.error(path, node, _phrase(P.EXPECTED_TEXT))
            return
        value = str(node.value)
        if spec.max_length is not None and len(value) > spec.max_length:
            self.error(path, node, _phrase(P.TOO_LONG, length=len(value), limit=spec.max_length))
        if spec.min_length is not None and len(value) < spec.min_length:
            self.error(path, node, _phrase(P.TOO_SHORT, length=len(value), limit=spec.min_length))
        if spec.check is not None and (problem := spec.check(value)) is not None:
            self.error(path, node, problem)

    def items(self, spec: Items, node: Node, path: str) -> None:
        if not isinstance(node, SequenceNode):
            self.error(path, node, _phrase(P.EXPECTED_LIST))
            return
        if spec.non_empty and not node.value:
            self.error(path, node, _phrase(P.EMPTY))
        for i, item in enumerate(node.value):
            self.spec(spec.item, item, f"{path}[{i}]")

    def pairs(self, node: Node, path: str) -> Iterator[tuple[str, ScalarNode, Node]]:
        seen: set[str] = set()
        assert isinstance(node, MappingNode)
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                self.error(path, key, _phrase(P.EXPECTED_TEXT))
                continue
            name = str(key.value)
            if name in seen:
                self.error(_join(path, name), key, _phrase(P.DUPLICATE_KEY))
                continue
            seen.add(name)
            yield name, key, value

    def fields(self, spec: Fields, node: Node, path: str) -> None:
        if not isinstance(node, MappingNode):
            self.error(path, node, _phrase(P.EXPECTED_MAPPING))
            return
        present: dict[str, Node] = {}
        for name, key_node, value in self.pairs(node, path):
            key = spec.keys.get(name)
            here = _join(path, name)
            if key is None or (key.since and _version_key(self.version) < _version_key(key.since)):
                if not spec.free:
                    self.error(here, key_node, _phrase(P.UNKNOWN_KEY, version=self.version))
                continue
            present[name] = value
            if key.deprecated is not None:
                self.warn(here, key_node, key.deprecated)
            self.spec(key.spec, value, here)
        for name, key in spec.keys.items():
            if key.required and name not in present:
                self.error(_join(path, name), node, _phrase(P.MISSING))
        if spec is SCHEMA.keys["maintenance"].spec:
            self.maintenance(node, present, path)

    def maintenance(self, node: MappingNode, present: Mapping[str, Node], path: str) -> None:
        kind = present.get("type")
        kind_value = kind.value if isinstance(kind, ScalarNode) else None
        if kind_value == "contract" and "contractors" not in present:
            self.error(_join(path, "contractors"), node, _phrase(P.MISSING))
        if kind_value != "contract" and "contractors" in present:
            self.error(
                _join(path, "contractors"), present["contractors"], _phrase(P.ONLY_WITH_CONTRACT)
            )
        if kind_value in ("community", "internal") and "contacts" not in present:
            self.error(_join(path, "contacts"), node, _phrase(P.MISSING))

    def languages(self, spec: Languages, node: Node, path: str) -> None:
        if not isinstance(node, MappingNode):
            self.error(path, node, _phrase(P.EXPECTED_MAPPING))
            return
        if not node.value:
            self.error(path, node, _phrase(P.EMPTY))
        for name, key_node, value in self.pairs(node, path):
            here = _join(path, name)
            if (problem := _language(name)) is not None:
                self.error(here, key_node, problem)
            self.spec(spec.value, value, here)

    def countries(self, root: Mapping[str, Node]) -> None:
        audience = root.get("intendedAudience")
        if isinstance(audience, MappingNode):
            for name, _, value in self.pairs(audience, "intendedAudience"):
                if name in ("countries", "unsupportedCountries") and isinstance(
                    value, SequenceNode
                ):
                    for i, item in enumerate(value.value):
                        code = str(item.value) if isinstance(item, ScalarNode) else ""
                        if code and code.islower() and _country(code) is None:
                            self.warn(
                                f"intendedAudience.{name}[{i}]",
                                item,
                                _phrase(P.LOWERCASE_COUNTRY, upper=code.upper()),
                            )


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _count_nodes(root: Node) -> None:
    """Refuses aliases (shared nodes) and documents larger than MAX_NODES nodes."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise _Refused(P.ALIAS, node)
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            raise _Refused(P.FILE_TOO_LARGE, node, limit=FileSize(MAX_BYTES))
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack.extend((key, value))


class _Refused(Exception):
    def __init__(self, refusal: P, node: Node | None, **params: Param) -> None:
        self.phrase = Phrase(refusal, params)
        self.line, self.column = _at(node) if node is not None else (1, 1)


def _compose(text: str) -> Node:
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = str(exc.problem or exc.context or "unreadable")
        error = _Refused(P.INVALID_YAML, None, problem=problem)
        if mark is not None:
            error.line, error.column = mark.line + 1, mark.column + 1
        raise error from None
    except yaml.YAMLError as exc:
        raise _Refused(P.INVALID_YAML, None, problem=str(exc)) from None
    documents = [d for d in documents if d is not None]
    if not documents:
        raise _Refused(P.EXPECTED_MAPPING, None)
    if len(documents) > 1:
        raise _Refused(P.SEVERAL_DOCUMENTS, documents[1])
    return documents[0]


def validate(source: str | bytes) -> Report:
    """Validate a publiccode.yml; never raises for bad input, the report says what is wrong."""
    if len(source) > MAX_BYTES:
        return _refused(_Refused(P.FILE_TOO_LARGE, None, limit=FileSize(MAX_BYTES)))
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError:
            return _refused(_Refused(P.NOT_UTF8, None))
    if len(source.encode("utf-8")) > MAX_BYTES:
        return _refused(_Refused(P.FILE_TOO_LARGE, None, limit=FileSize(MAX_BYTES)))
    try:
        root = _compose(source)
        _count_nodes(root)
    except _Refused as refused:
        return _refused(refused)
    if not isinstance(root, MappingNode):
        return Report(None, (Finding("", *_at(root), _phrase(P.EXPECTED_MAPPING)),), ())

    top = {str(k.value): v for k, v in root.value if isinstance(k, ScalarNode)}
    version_node = top.get("publiccodeYmlVersion")
    if version_node is None:
        return Report(None, (Finding("publiccodeYmlVersion", *_at(root), _phrase(P.MISSING)),), ())
    version = str(version_node.value) if isinstance(version_node, ScalarNode) else ""
    if not _VERSION.match(version):
        phrase = _phrase(P.UNSUPPORTED_VERSION, value=version, supported="0.2, 0.3, 0.4")
        return Report(None, (Finding("publiccodeYmlVersion", *_at(version_node), phrase),), ())

    walk = _Walk(version)
    if _version_key(version)[:2] < _version_key(LATEST):
        walk.warn(
            "publiccodeYmlVersion",
            version_node,
            _phrase(P.OLDER_VERSION, value=version, latest=LATEST),
        )
    walk.fields(SCHEMA, root, "")
    if _version_key(version)[:2] < (0, 4) and "categories" not in top:
        walk.error("categories", root, _phrase(P.MISSING))
    if "categories" in top and _version_key(version)[:2] < (0, 4):
        node = top["categories"]
        if isinstance(node, SequenceNode) and not node.value:
            walk.error("categories", node, _phrase(P.EMPTY))
    if "IT" in top and "it" in top:
        walk.error("it", top["it"], _phrase(P.BOTH_COUNTRY_SECTIONS))
    walk.countries(top)

    errors = tuple(sorted(walk.errors, key=lambda f: (f.line, f.column, f.path)))
    warnings = tuple(sorted(walk.warnings, key=lambda f: (f.line, f.column, f.path)))
    document = _plain(root) if not errors else None
    return Report(version, errors, warnings, document if isinstance(document, dict) else None)


def _plain(node: Node) -> Any:
    """The data of a valid file: texts stay the texts written (a date, a version), flags bool."""
    if isinstance(node, MappingNode):
        return {str(k.value): _plain(v) for k, v in node.value}
    if isinstance(node, SequenceNode):
        return [_plain(v) for v in node.value]
    if node.tag == "tag:yaml.org,2002:bool":
        return str(node.value).lower() in ("true", "yes", "on", "y")
    return str(node.value)


def _refused(refused: _Refused) -> Report:
    return Report(None, (Finding("", refused.line, refused.column, refused.phrase),), ())
