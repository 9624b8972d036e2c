"""Refusals of governance: bodies and people, meetings, proxies, votes, conflicts of interest."""

from __future__ import annotations

from registry.kit.errors import Refusal, Text


class GovernanceRefusal(Refusal):
    """What governance refuses, with the texts people read."""

    DIRECTIE_ONLY = Text(
        "forbidden",
        "Alleen de directie beheert de organen, vergaderingen, stemmingen en belangen.",
        "only the management manages bodies, meetings, votes and interests",
    )
    READERS_ONLY = Text(
        "forbidden",
        "Alleen de directie, de accountant en de beheerders van een lid zien de vergaderingen.",
        "only the management, the auditor and member admins see the meetings",
    )
    UNKNOWN_BODY = Text(
        "unknown_body",
        "'{value}' is geen orgaan; kies de algemene ledenvergadering, de raad van commissarissen"
        " of de directie.",
        "'{value}' is not a body; choose the general meeting, the supervisory board or the"
        " Management",
    )
    UNKNOWN_ROLE = Text(
        "unknown_role",
        "'{value}' is geen rol in een orgaan.",
        "'{value}' is not a role in a body",
    )
    ROLE_NOT_IN_BODY = Text(
        "role_not_in_body",
        "Deze rol hoort niet bij dit orgaan.",
        "this role does not belong to this body",
    )
    MEMBER_REQUIRED = Text(
        "member_required",
        "Een vertegenwoordiger in de ALV vertegenwoordigt een lid; kies het lid.",
        "a representative in the ALV represents a member; name the member",
    )
    MEMBER_ONLY_IN_ALV = Text(
        "member_only_in_alv",
        "Alleen een vertegenwoordiger in de ALV vertegenwoordigt een lid.",
        "only a representative in the ALV represents a member",
    )
    UNKNOWN_USER = Text(
        "unknown_user",
        "Er is geen gebruiker met nummer {value}.",
        "no user with id {value}",
    )
    UNKNOWN_USER_EMAIL = Text(
        "unknown_user",
        "Er is niet precies één gebruiker met e-mailadres {value}.",
        "there is not exactly one user with e-mail address {value}",
    )
    ENDS_BEFORE_START = Text(
        "ends_before_start",
        "Het einde ligt voor het begin.",
        "the end lies before the start",
    )
    TERM_TOO_LONG = Text(
        "term_too_long",
        "Een zittingstermijn in de RvC duurt ten hoogste {years} jaar.",
        "a term in the supervisory board lasts at most {years} years",
    )
    TOO_MANY_SEATS = Text(
        "too_many_seats",
        "De RvC heeft ten hoogste {maximum} leden; op deze dag zou er een te veel zijn.",
        "the supervisory board has at most {maximum} members; this would be one too many",
    )
    UNKNOWN_PERSON = Text(
        "unknown_person",
        "Er is geen persoon met nummer {value}.",
        "no person with id {value}",
    )
    UNKNOWN_MEETING = Text(
        "unknown_meeting",
        "Er is geen vergadering met nummer {value}.",
        "no meeting with id {value}",
    )
    UNKNOWN_ITEM = Text(
        "unknown_agenda_item",
        "Er is geen agendapunt met nummer {value}.",
        "no agenda item with id {value}",
    )
    UNKNOWN_KIND = Text(
        "unknown_proposal_kind",
        "'{value}' is geen soort voorstel.",
        "'{value}' is not a kind of proposal",
    )
    UNKNOWN_CHOICE = Text(
        "unknown_choice",
        "Kies voor, tegen of onthouding.",
        "choose for, against or abstain",
    )
    UNKNOWN_SUBJECT_KIND = Text(
        "unknown_subject_kind",
        "'{value}' is geen soort onderwerp; kies lid, applicatie, contract of anders.",
        "'{value}' is not a kind of subject; use member, application, contract or other",
    )
    UNKNOWN_APPLICATION = Text(
        "unknown_application",
        "Er is geen applicatie '{value}'.",
        "no application '{value}'",
    )
    NOT_A_PROPOSAL = Text(
        "not_a_proposal",
        "Over dit agendapunt wordt niet gestemd: het is geen voorstel.",
        "this agenda item is not a proposal to vote on",
    )
    PROPOSAL_CLOSED = Text(
        "proposal_closed",
        "Over dit voorstel is al besloten; de stemming is gesloten.",
        "this proposal has been decided; voting is closed",
    )
    NOT_ENTITLED = Text(
        "not_entitled",
        "{voter} mag niet stemmen: niet aanwezig en niet vertegenwoordigd met een volmacht.",
        "{voter} may not vote: neither present nor represented by a proxy",
    )
    NOT_SEATED = Text(
        "not_seated",
        "{voter} heeft op de dag van de vergadering geen zitting in dit orgaan.",
        "{voter} does not hold a seat in this body on the day of the meeting",
    )
    WRONG_VOTER = Text(
        "wrong_voter",
        "In de ALV stemt een lid; in de RvC en de directie stemt een persoon.",
        "in the ALV a member votes; in the supervisory board and the management a person",
    )
    ALREADY_VOTED = Text(
        "already_voted",
        "Deze stem is al uitgebracht, met een andere keuze; een uitgebrachte stem blijft staan.",
        "this vote was already cast with another choice; a vote once cast stands",
    )
    CONFLICTED = Text(
        "conflict_of_interest",
        "{person} heeft een tegenstrijdig belang bij '{subject}' en mag daarover niet stemmen"
        " of beslissen.",
        "{person} has a conflict of interest in '{subject}' and may not vote on or approve it",
    )
    ALREADY_PRESENT = Text(
        "duplicate",
        "Deze aanwezigheid is al vastgelegd.",
        "this attendance is already recorded",
    )
    PROXY_TO_SELF = Text(
        "proxy_to_self",
        "Een lid kan zichzelf geen volmacht geven.",
        "a member cannot give itself a proxy",
    )
    PROXY_GRANTOR_PRESENT = Text(
        "proxy_grantor_present",
        "Dit lid is zelf aanwezig en geeft dus geen volmacht.",
        "this member is present itself and gives no proxy",
    )
    PROXY_ALREADY_GIVEN = Text(
        "proxy_already_given",
        "Dit lid heeft voor deze vergadering al een volmacht gegeven.",
        "this member has already given a proxy for this meeting",
    )
    PROXY_HOLDER_REPRESENTED = Text(
        "proxy_holder_represented",
        "De gevolmachtigde heeft zelf een volmacht gegeven en kan er geen aannemen.",
        "the holder has given a proxy itself and cannot take one",
    )
    PROXY_LIMIT = Text(
        "proxy_limit",
        "Een lid mag ten hoogste {limit} volmacht(en) aannemen.",
        "a member may hold at most {limit} proxies",
    )
    PROXY_ONLY_IN_ALV = Text(
        "proxy_only_in_alv",
        "Volmachten en aanwezigheid van leden horen bij een ALV.",
        "proxies and members' attendance belong to an ALV",
    )
    PROXY_AFTER_VOTES = Text(
        "proxy_after_votes",
        "Er is al gestemd over een voorstel van deze vergadering; een volmacht kan niet meer.",
        "votes have been cast in this meeting; a proxy can no longer be given",
    )
    WRITTEN_HAS_NO_ATTENDANCE = Text(
        "written_has_no_attendance",
        "Een schriftelijk besluit kent geen aanwezigheid of volmachten.",
        "a written resolution has no attendance or proxies",
    )
    NO_QUORUM = Text(
        "no_quorum",
        "Het quorum is niet gehaald: {present} van {seats} aanwezig of vertegenwoordigd.",
        "no quorum: {present} of {seats} present or represented",
    )
