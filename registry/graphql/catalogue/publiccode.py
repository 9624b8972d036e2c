"""publiccode.yml in the API: validate a file."""

from __future__ import annotations

import asyncio

import strawberry

from registry.auth.policy import Permission
from registry.catalogue import models, publiccode, repository, standards
from registry.catalogue.publiccode_import import ImportResult, import_publiccode
from registry.catalogue.stewardship import may_see
from registry.graphql.attributes import from_attributes
from registry.graphql.context import Info
from registry.graphql.errors import ErrorCode, FieldError
from registry.graphql.mutating import Answer, act, answer, queried
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


@strawberry.type(description="One value a publiccode.yml import changes.")
class PubliccodeChange:
    field: str = strawberry.field(
        description="name, descriptionNl, descriptionEn, licence, repositoryUrl or categories."
    )
    before: str
    after: str


@strawberry.type(description="What an import changes (and, when stored, changed).")
class PubliccodeImportPayload:
    slug: str | None = None
    creating: bool = False
    stored: bool = False
    changes: list[PubliccodeChange] = strawberry.field(default_factory=list)
    warnings: list[PubliccodeFinding] = strawberry.field(default_factory=list)
    errors: list[FieldError] = strawberry.field(
        default_factory=list,
        description="An invalid file's errors, field `path (line:column)`.",
    )

    @classmethod
    def of(cls, result: ImportResult) -> PubliccodeImportPayload:
        return cls(
            slug=result.slug,
            creating=result.creating,
            stored=result.stored,
            changes=[
                PubliccodeChange(field=_CAMEL.get(c.field, c.field), before=c.before, after=c.after)
                for c in result.changes
            ],
            warnings=[PubliccodeFinding.of(w) for w in result.warnings],
        )


_CAMEL = {
    "description_nl": "descriptionNl",
    "description_en": "descriptionEn",
    "repository_url": "repositoryUrl",
}


async def _import(
    info: Info, yaml: str, slug: str | None, member: str | None, store: bool
) -> PubliccodeImportPayload:
    return await act(
        info,
        Answer(PubliccodeImportPayload, PubliccodeImportPayload.of),
        import_publiccode,
        yaml,
        slug=slug,
        member_code=member,
        store=store,
    )


@strawberry.type
class PubliccodeMutation:
    @strawberry.mutation(
        extensions=policy(Permission.CATALOGUE_MANAGE),
        description=(
            "The directie creates or updates an application from a valid publiccode.yml."
            " With store: false only what would change is answered. What the file does not say"
            " (lead member, platform, standards, status, publication) is kept."
        ),
    )
    async def publiccode_import(
        self, info: Info, yaml: str, slug: str | None = None, store: bool = False
    ) -> PubliccodeImportPayload:
        return await _import(info, yaml, slug, None, store)

    @strawberry.mutation(
        extensions=policy(Permission.CATALOGUE_PROPOSE, member_argument="member"),
        description=(
            "A member admin proposes a new application from a publiccode.yml (its member leads"
            " it), or, as the lead member's admin, updates an existing one's descriptions and"
            " repository from it. With store: false only what would change is answered."
        ),
    )
    async def publiccode_import_proposal(
        self, info: Info, member: str, yaml: str, slug: str | None = None, store: bool = False
    ) -> PubliccodeImportPayload:
        return await _import(info, yaml, slug, member, store)


@strawberry.type(description="A standard applications claim, with its owner and version.")
class Standard:
    name: str
    owner: str = strawberry.field(description="e.g. Forum Standaardisatie or VNG.")
    version: str
    url: str | None

    @classmethod
    def of(cls, row: models.Standard) -> Standard:
        return from_attributes(cls, row)


@strawberry.type(description="A GEMMA reference component (e.g. Zaakafhandelcomponent).")
class ReferenceComponent:
    name: str
    url: str | None

    @classmethod
    def of(cls, row: models.ReferenceComponent) -> ReferenceComponent:
        return from_attributes(cls, row)


@strawberry.type
class StandardsQuery:
    @strawberry.field(extensions=policy(), description="Every standard, by name.")
    async def standards(self, info: Info) -> list[Standard]:
        return await queried(info, Standard.of, repository.all_standards)

    @strawberry.field(extensions=policy(), description="Every GEMMA reference component.")
    async def reference_components(self, info: Info) -> list[ReferenceComponent]:
        return await queried(info, ReferenceComponent.of, repository.all_reference_components)


@strawberry.input(description="A standard's owner, current version and URL.")
class StandardInput:
    name: str
    owner: str = ""
    version: str = ""
    url: str | None = None


@strawberry.type
class StandardPayload:
    standard: Standard | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class NamesPayload:
    names: list[str] = strawberry.field(default_factory=list)
    errors: list[FieldError] = strawberry.field(default_factory=list)


_NAMES: Answer[list[str], NamesPayload] = Answer(
    NamesPayload, lambda names: NamesPayload(names=names)
)


@strawberry.type
class StandardsMutation:
    @strawberry.mutation(
        extensions=policy(Permission.CATALOGUE_MANAGE),
        description="The directie records a standard or corrects its owner, version and URL.",
    )
    async def standard_record(self, info: Info, input: StandardInput) -> StandardPayload:
        data = standards.StandardInput(input.name, input.owner, input.version, input.url)
        return await act(
            info, answer(StandardPayload, "standard", Standard.of), standards.record_standard, data
        )

    @strawberry.mutation(
        extensions=policy(Permission.CATALOGUE_MANAGE),
        description="The directie sets the GEMMA reference components an application fulfils.",
    )
    async def application_reference_components_set(
        self, info: Info, slug: str, names: list[str]
    ) -> NamesPayload:
        return await act(info, _NAMES, standards.set_reference_components, slug, names)

    @strawberry.mutation(
        extensions=policy(Permission.CATALOGUE_MANAGE),
        description="The directie sets an application's publiccode.yml categories (from the"
        " standard's list).",
    )
    async def application_categories_set(
        self, info: Info, slug: str, categories: list[str]
    ) -> NamesPayload:
        return await act(info, _NAMES, standards.set_categories, slug, categories)
