"""publiccode.yml in the API: validate a file."""

from __future__ import annotations

import asyncio

import strawberry

from registry.catalogue import publiccode, repository
from registry.catalogue.stewardship import may_see
from registry.graphql.context import Info
from registry.graphql.errors import ErrorCode
from registry.graphql.permissions import policy
from registry.kit.errors import Phrase
from registry.usage import open_data


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

    @strawberry.field(
        extensions=policy(),
        description=(
            "The publiccode.yml (0.4) of an application, as /applicaties/{slug}/publiccode.yml"
            " serves it; null when there is none the caller may see."
        ),
    )
    async def publiccode_export(self, info: Info, slug: str) -> str | None:
        async with info.context.db() as session:
            found = await repository.application_by_slug(session, slug)
            if found is None or not may_see(info.context.actor, found):
                return None
            file = await open_data.file_of(session, info.context.settings.public_url, found)
        return file.text
