"""publiccode.yml in the API: validate a file."""

from __future__ import annotations

import asyncio

import strawberry

from registry.catalogue import publiccode
from registry.graphql.context import Info
from registry.graphql.errors import ErrorCode
from registry.graphql.permissions import policy
from registry.kit.errors import Phrase


@strawberry.type(description="One error or warning in a publiccode.yml, with its place.")
class PubliccodeFinding:
    path: str = strawberry.field(description="Key path, e.g. maintenance.contractors[0].until.")
    line: int
    column: int
    code: ErrorCode  # type: ignore[valid-type]
    phrase: strawberry.Private[Phrase]

    @strawberry.field(description="What is wrong, in the language of Accept-Language.")
    def message(self, info: Info) -> str:
        return self.phrase.text(info.context.language)

    @strawberry.field(description="`path: message (line:column)`, as the command prints it.")
    def text(self, info: Info) -> str:
        return publiccode.Finding(self.path, self.line, self.column, self.phrase).text(
            info.context.language
        )

    @classmethod
    def of(cls, finding: publiccode.Finding) -> PubliccodeFinding:
        return cls(
            path=finding.path,
            line=finding.line,
            column=finding.column,
            code=ErrorCode[finding.code],
            phrase=finding.phrase,
        )


@strawberry.type(description="The outcome of validating a publiccode.yml.")
class PubliccodeReport:
    valid: bool
    version: str | None = strawberry.field(description="publiccodeYmlVersion, when supported.")
    errors: list[PubliccodeFinding]
    warnings: list[PubliccodeFinding] = strawberry.field(description="Deprecated keys and such.")

    @classmethod
    def of(cls, report: publiccode.Report) -> PubliccodeReport:
        return cls(
            valid=report.valid,
            version=report.version,
            errors=[PubliccodeFinding.of(e) for e in report.errors],
            warnings=[PubliccodeFinding.of(w) for w in report.warnings],
        )


@strawberry.type
class PubliccodeQuery:
    @strawberry.field(
        extensions=policy(),
        description=(
            "Validate a publiccode.yml (0.2 up to 0.4.x, as `publiccodeYmlVersion` says) as"
            f" strictly as the reference parser; at most {publiccode.MAX_BYTES} bytes."
        ),
    )
    async def publiccode_validate(self, yaml: str) -> PubliccodeReport:
        report = await asyncio.to_thread(publiccode.validate, yaml)  # parsing is CPU work
        return PubliccodeReport.of(report)
