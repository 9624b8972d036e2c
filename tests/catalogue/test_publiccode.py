"""publiccode.yml validation on real files written for the tests (0.2, 0.3, 0.4; valid and
broken), with the key path, line and column of every finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.catalogue.errors import PubliccodeRefusal
from registry.catalogue.publiccode import MAX_BYTES, categories, category_name, validate

FILES = Path(__file__).parent / "publiccode"
VALID = sorted((FILES / "valid").glob("*.yml"))


def _texts(name: str) -> list[str]:
    return [e.text("en") for e in validate((FILES / name).read_bytes()).errors]


def test_every_category_has_a_dutch_and_an_english_name() -> None:
    assert len(categories()) == 106
    dutch = {category_name(code, "nl") for code in categories()}
    english = {category_name(code, "en") for code in categories()}
    assert len(dutch) == len(english) == 106, "no two categories read the same"
    assert not (dutch | english) & categories(), "no name is the bare code"
    assert category_name("geographic-information-systems", "nl") == (
        "Geografische informatiesystemen (GIS)"
    )
    assert category_name("zaakgericht-werken", "nl") == "zaakgericht-werken", "unknown: as is"


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_valid_files_of_each_version_pass(path: Path) -> None:
    report = validate(path.read_bytes())
    assert report.errors == ()
    assert report.document is not None
    assert report.version == report.document["publiccodeYmlVersion"]


def test_the_version_in_the_file_decides() -> None:
    versions = {validate(p.read_bytes()).version for p in VALID}
    assert versions == {"0.2", "0.3", "0.4"}


def test_a_missing_key_is_named_with_the_place_of_its_mapping() -> None:
    assert _texts("invalid/contractor-until-missing.yml") == [
        "maintenance.contractors[0].until: missing (12:7)"
    ]


def test_every_error_of_a_broken_file_is_reported_with_line_and_column() -> None:
    assert _texts("invalid/many-errors-v0.3.yml") == [
        "categories: missing (1:1)",
        "url: 'not a url' is not a valid URL (3:6)",
        "landingURL: 'ftp://dashboard.example.nl' is not an http(s) URL (4:13)",
        "releaseDate: '2026-02-30' is not a date as YYYY-MM-DD (5:14)",
        "platforms: must not be empty (6:12)",
        "organisation: unknown key in publiccode.yml 0.3 (7:1)",
        "developmentStatus: 'finished' is not allowed; use one of concept, development, beta,"
        " stable, obsolete (9:20)",
        "colour: unknown key in publiccode.yml 0.3 (11:1)",
        "description.nederlands: 'nederlands' is not a BCP 47 language code such as nl or en"
        " (13:3)",
        "description.nederlands.shortDescription: 171 characters; at most 150 (14:23)",
        "description.nederlands.longDescription: 8 characters; at least 150 (15:22)",
        "legal.license: 'EUPL-1.2 OR Nonsense-1.0' is not a valid SPDX licence expression (17:12)",
        "maintenance.contractors: only with maintenance.type contract (21:5)",
        "localisation.localisationReady: expected true or false (24:22)",
        "localisation.availableLanguages[1]: 'xx' is not a BCP 47 language code such as nl or en"
        " (25:28)",
    ]


def test_errors_are_typed_refusals_with_dutch_texts() -> None:
    report = validate((FILES / "invalid/contractor-until-missing.yml").read_bytes())
    (error,) = report.errors
    assert error.phrase.refusal is PubliccodeRefusal.MISSING
    assert error.code == "required"
    assert error.text("nl") == "maintenance.contractors[0].until: ontbreekt (12:7)"
    refused = report.refusal()
    assert [e.field for e in refused.errors] == ["maintenance.contractors[0].until (12:7)"]


def test_deprecated_keys_are_warnings_apart_from_errors() -> None:
    report = validate((FILES / "valid/v0.3-community.yml").read_bytes())
    assert report.valid
    assert [w.text("en") for w in report.warnings] == [
        "publiccodeYmlVersion: version 0.3 is not the latest; use 0.4 (1:23)",
        "description.nl.genericName: deprecated and will be removed; it is safe to drop it (19:5)",
        "legal.authorsFile: deprecated and will be removed; it is safe to drop it (22:3)",
        "intendedAudience.countries[0]: lowercase country codes are deprecated; use 'NL' (35:7)",
    ]
    assert validate((FILES / "valid/v0.4-full.yml").read_bytes()).warnings == ()


def test_keys_of_a_later_version_are_unknown_in_an_earlier_one() -> None:
    text = (FILES / "valid/v0.4-full.yml").read_text()
    report = validate(text.replace('publiccodeYmlVersion: "0.4"', 'publiccodeYmlVersion: "0.3"'))
    assert {e.path for e in report.errors} == {"organisation", "fundedBy"}


def test_categories_come_from_the_standards_list() -> None:
    assert {"document-management", "workflow-management", "other"} <= categories()
    text = (FILES / "valid/v0.4-full.yml").read_text()
    report = validate(text.replace("  - workflow-management", "  - zaakgericht-werken"))
    assert [e.text("en") for e in report.errors] == [
        "categories[1]: 'zaakgericht-werken' is not a category of the standard's list (20:5)"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("type: contract", "type: sometimes", "maintenance.type: 'sometimes' is not allowed"),
        ("softwareType: standalone/web", "softwareType: website", "softwareType: 'website'"),
        (
            "  type: contract\n  contractors:",
            "  type: community\n  contractors:",
            "maintenance.contacts: missing",
        ),
        ("localisationReady: true", "localisationReady: 1", "expected true or false"),
        ("  countries:\n    - NL", "  countries:\n    - XQ", "'XQ' is not an ISO 3166-1"),
        ('until: "2027-12-31"', "until: 31-12-2027", "'31-12-2027' is not a date"),
        ("email: beheer@voorbeeld.example", "email: beheer", "'beheer' is not an e-mail"),
        ("logo: docs/logo.svg", "logo: /etc/logo.svg", "must be a relative path"),
        ("    - name: PostgreSQL\n", "    - versionMin: '1'\n", "dependsOn.open[0].name: missing"),
        ("platforms:\n  - web", "platforms: web", "platforms: expected a list"),
        ("name: Zaakafhandelcomponent\n", "name: [a, b]\n", "name: expected a text"),
        ("legal:\n  license: EUPL-1.2", "legal:\n  licence: EUPL-1.2", "legal.licence: unknown"),
    ],
)
def test_each_rule_of_the_standard(old: str, new: str, expected: str) -> None:
    text = (FILES / "valid/v0.4-full.yml").read_text()
    assert old in text
    report = validate(text.replace(old, new, 1))
    assert any(expected in e.text("en") for e in report.errors), report.errors


def test_broken_yaml_and_other_versions_are_refused_with_a_position() -> None:
    assert _texts("invalid/not-yaml.yml") == [
        "this is not valid YAML: found unexpected end of stream (5:1)"
    ]
    assert _texts("invalid/unsupported-version.yml") == [
        "publiccodeYmlVersion: version '1.0' is not supported; use 0.2, 0.3, 0.4 (1:23)"
    ]


def test_duplicate_keys_aliases_size_and_encoding_are_refused() -> None:
    text = (FILES / "valid/v0.4-full.yml").read_text()
    assert "name: duplicate key" not in text
    duplicate = validate(text + "\nname: Nog eens\n")
    assert [e.text("en") for e in duplicate.errors][-1].startswith("name: this key is already")
    aliased = validate(text.replace("platforms:\n  - web", "platforms: &p\n  - web\nusedBy: *p"))
    assert aliased.errors[0].code == "invalid_yaml"
    assert validate(b"x" * (MAX_BYTES + 1)).errors[0].code == "too_large"
    assert validate(b"name: \xff\xfe").errors[0].code == "not_utf8"


def test_the_command_validates_files_and_exits_1_when_one_is_invalid() -> None:
    from typer.testing import CliRunner

    from registry.cli import app

    runner = CliRunner(env={"LANG": "en_GB.UTF-8", "LC_ALL": ""})
    valid = [str(p) for p in VALID]
    ok = runner.invoke(app, ["publiccode", "validate", *valid])
    assert ok.exit_code == 0, ok.output
    assert ok.output.count(": valid") == 3
    assert "warning inputTypes: deprecated" in ok.output

    broken = str(FILES / "invalid/contractor-until-missing.yml")
    refused = runner.invoke(app, ["publiccode", "validate", valid[0], broken])
    assert refused.exit_code == 1
    assert "contractor-until-missing.yml: invalid" in refused.output
    assert "error maintenance.contractors[0].until: missing (12:7)" in refused.output

    dutch = CliRunner(env={"LANG": "nl_NL.UTF-8", "LC_ALL": ""}).invoke(
        app, ["publiccode", "validate", broken]
    )
    assert "maintenance.contractors[0].until: ontbreekt (12:7)" in dutch.output
