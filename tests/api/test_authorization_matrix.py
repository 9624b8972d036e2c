"""Every query and mutation against every role: the declared policy is the enforced one.

EXPECTED is the specification, written by hand from the roles in docs/rules.md ("Who may do
what") and the README's roles table. A field that is added to the schema without being listed
here (and without a policy) fails this test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.roles import Role, system_actor
from registry.auth.service import TokenInput, create_token
from registry.billing.models import Invoice
from registry.graphql.permissions import audience_of
from registry.graphql.schema import root_fields
from tests.helpers.graphql import GraphQLClient, error_messages, grant, graphql_client

OWN, OTHER = "woerden", "eindhoven"
ACTORS = (
    "anonymous",
    "member_user",
    "member_admin",
    "directie",
    "auditor",
    "admin",
    "token",
)

# Who may call each field: a set of actors, and for per-member fields whether the member
# roles (and the token) may do it only for their own member.
EXPECTED: dict[str, tuple[frozenset[str], bool]] = {
    "Query.applications": (frozenset(ACTORS), False),
    "Query.application": (frozenset(ACTORS), False),
    "Query.publiccodeValidate": (frozenset(ACTORS), False),
    "Query.publiccodeExport": (frozenset(ACTORS), False),
    "Query.standards": (frozenset(ACTORS), False),
    "Query.referenceComponents": (frozenset(ACTORS), False),
    "Query.members": (frozenset(ACTORS), False),
    "Query.member": (frozenset(ACTORS), False),
    "Query.municipalities": (frozenset(ACTORS), False),
    "Query.municipality": (frozenset(ACTORS), False),
    "Query.me": (frozenset(ACTORS), False),
    "Query.users": (frozenset({"admin", "member_admin"}), True),
    "Query.auditEvents": (frozenset({"auditor", "admin"}), False),
    "Query.auditChainStatus": (frozenset({"auditor", "admin"}), False),
    "Query.decisions": (frozenset({"directie", "auditor"}), False),
    "Query.decision": (frozenset({"directie", "auditor"}), False),
    "Query.contributionRates": (frozenset({"directie", "auditor"}), False),
    "Query.memberships": (frozenset({"directie", "auditor"}), False),
    "Query.costPools": (frozenset({"directie", "auditor"}), False),
    "Query.financialYears": (frozenset({"directie", "auditor"}), False),
    "Mutation.financialYearClose": (frozenset({"directie"}), False),
    "Mutation.financialYearReopen": (frozenset({"directie"}), False),
    "Mutation.openingBalancesImport": (frozenset({"directie"}), False),
    "Query.usageFees": (frozenset({"member_user", "member_admin", "directie", "auditor"}), True),
    "Mutation.journalExport": (frozenset({"directie", "auditor"}), False),
    "Mutation.adoptionCreate": (frozenset({"member_admin", "directie"}), True),
    "Mutation.adoptionAdvance": (frozenset({"member_admin", "directie"}), True),
    "Mutation.usageRecord": (frozenset({"member_user", "member_admin", "directie", "token"}), True),
    "Mutation.usageRecordBulk": (
        frozenset({"member_user", "member_admin", "directie", "token"}),
        True,
    ),
    "Mutation.usageTariffSet": (frozenset({"directie"}), False),
    "Mutation.businessCaseCreate": (frozenset({"directie"}), False),
    "Mutation.businessCaseDecide": (frozenset({"directie"}), False),
    "Mutation.businessCaseDraftSave": (frozenset({"member_admin", "directie"}), True),
    "Mutation.communityJoin": (frozenset({"member_admin", "directie"}), True),
    "Mutation.communityLeave": (frozenset({"member_admin", "directie"}), True),
    "Mutation.applicationInterestRegister": (frozenset({"member_admin", "directie"}), True),
    "Mutation.applicationPropose": (frozenset({"member_admin"}), True),
    "Mutation.applicationProposalRevise": (frozenset({"member_admin", "directie"}), True),
    "Mutation.applicationReview": (frozenset({"directie"}), False),
    "Mutation.publiccodeImport": (frozenset({"directie"}), False),
    "Mutation.standardRecord": (frozenset({"directie"}), False),
    "Mutation.applicationReferenceComponentsSet": (frozenset({"directie"}), False),
    "Mutation.applicationCategoriesSet": (frozenset({"directie"}), False),
    "Mutation.publiccodeImportProposal": (frozenset({"member_admin"}), True),
    "Mutation.applicationMaintain": (frozenset({"member_admin", "directie"}), True),
    "Mutation.applicationReleaseAdd": (frozenset({"member_admin", "directie"}), True),
    "Query.costEstimate": (
        frozenset({"member_user", "member_admin", "directie", "auditor"}),
        True,
    ),
    "Mutation.communityEqualSaySet": (frozenset({"directie"}), False),
    "Query.costPool": (frozenset({"directie", "auditor"}), False),
    "Query.allocationPreview": (frozenset({"directie"}), False),
    "Query.settlementPreview": (frozenset({"directie"}), False),
    "Mutation.costPoolCreate": (frozenset({"directie"}), False),
    "Mutation.costEntryAdd": (frozenset({"directie"}), False),
    "Mutation.poolParticipantAdd": (frozenset({"directie"}), False),
    "Mutation.poolParticipantChange": (frozenset({"directie"}), False),
    "Mutation.costPoolClose": (frozenset({"directie"}), False),
    "Mutation.costPoolKeyChange": (frozenset({"directie"}), False),
    "Mutation.allocationRunCreate": (frozenset({"directie"}), False),
    "Mutation.settlementRunCreate": (frozenset({"directie"}), False),
    "Mutation.allocationRunCorrect": (frozenset({"directie"}), False),
    "Query.feeRuns": (frozenset({"directie", "auditor"}), False),
    "Query.feeRunPreview": (frozenset({"directie"}), False),
    "Mutation.applicationCreate": (frozenset({"directie"}), False),
    "Mutation.decisionRecord": (frozenset({"directie"}), False),
    "Mutation.memberApply": (frozenset({"directie"}), False),
    "Mutation.membershipApply": (frozenset({"directie"}), False),
    "Mutation.membershipApprovalRecord": (frozenset({"directie"}), False),
    "Mutation.memberAdmit": (frozenset({"directie"}), False),
    "Mutation.membershipEnd": (frozenset({"directie"}), False),
    "Mutation.municipalityMerge": (frozenset({"directie"}), False),
    "Mutation.contributionRateSet": (frozenset({"directie"}), False),
    "Mutation.feeRunCreate": (frozenset({"directie"}), False),
    "Mutation.applicationUpdate": (frozenset({"directie"}), False),
    "Mutation.applicationStatusChange": (frozenset({"directie"}), False),
    "Mutation.releaseCreate": (frozenset({"directie"}), False),
    "Mutation.roleAssign": (frozenset({"admin", "member_admin"}), True),
    "Mutation.roleRevoke": (frozenset({"admin", "member_admin"}), True),
    "Mutation.userSessionsRevoke": (frozenset({"admin"}), False),
    "Mutation.apiTokenCreate": (frozenset({"member_admin"}), True),
    "Mutation.apiTokenRevoke": (frozenset({"member_admin"}), True),
    "Query.invoices": (frozenset({"member_admin", "directie", "auditor"}), True),
    "Query.invoice": (frozenset({"member_admin", "directie", "auditor"}), True),
    "Query.invoiceRunPreview": (frozenset({"directie"}), False),
    "Query.vatRules": (frozenset({"directie", "auditor"}), False),
    "Query.bankStatements": (frozenset({"directie", "auditor"}), False),
    "Query.bankQueue": (frozenset({"directie", "auditor"}), False),
    "Mutation.bankStatementImport": (frozenset({"directie"}), False),
    "Mutation.bankEntryMatch": (frozenset({"directie"}), False),
    "Mutation.bankEntrySplit": (frozenset({"directie"}), False),
    "Mutation.bankEntryMarkUnrelated": (frozenset({"directie"}), False),
    "Mutation.memberBankAccountAdd": (frozenset({"directie"}), False),
    "Query.paymentDifferences": (frozenset({"directie"}), False),
    "Mutation.billingDetailsSet": (frozenset({"member_admin", "directie"}), True),
    "Mutation.vatRuleSet": (frozenset({"directie"}), False),
    "Mutation.invoiceRunCreate": (frozenset({"directie"}), False),
    "Mutation.invoiceDraftDiscard": (frozenset({"directie"}), False),
    "Mutation.invoiceIssue": (frozenset({"directie"}), False),
    "Mutation.invoiceCredit": (frozenset({"directie"}), False),
    "Mutation.invoiceRemindersPause": (frozenset({"directie"}), False),
    "Mutation.invoiceRemindersResume": (frozenset({"directie"}), False),
    "Mutation.transferRecord": (frozenset({"directie"}), False),
    "Mutation.invoicePaymentStart": (frozenset({"member_admin"}), True),
    "Query.contributionReport": (frozenset({"member_admin", "directie", "auditor"}), True),
    "Query.contributionReportExportJob": (frozenset(ACTORS), False),
    "Mutation.contributionReportExport": (frozenset({"member_admin", "directie", "auditor"}), True),
    "Query.subscribers": (frozenset({"member_admin", "directie"}), True),
    "Query.deliveries": (frozenset({"member_admin", "directie"}), True),
    "Mutation.subscriberCreate": (frozenset({"member_admin", "directie"}), True),
    "Mutation.subscriberDelete": (frozenset({"member_admin", "directie"}), True),
    "Mutation.deliveryReplay": (frozenset({"member_admin", "directie"}), True),
    "Query.approvalRequests": (frozenset({"directie"}), False),
    "Mutation.approvalApprove": (frozenset({"directie"}), False),
    "Mutation.approvalReject": (frozenset({"directie"}), False),
    "Mutation.approvalWithdraw": (frozenset({"directie"}), False),
    "Query.contracts": (frozenset({"directie", "auditor"}), False),
    "Query.budgets": (frozenset({"directie", "auditor"}), False),
    "Query.quarterlyReport": (frozenset({"directie", "auditor"}), False),
    "Query.statutoryCalendar": (frozenset({"directie", "auditor"}), False),
    "Mutation.contractCreate": (frozenset({"directie"}), False),
    "Mutation.contractSign": (frozenset({"directie"}), False),
    "Mutation.contractEnd": (frozenset({"directie"}), False),
    "Mutation.budgetStart": (frozenset({"directie"}), False),
    "Mutation.budgetLineSet": (frozenset({"directie"}), False),
    "Mutation.budgetAdopt": (frozenset({"directie"}), False),
    "Query.bodyMembers": (frozenset({"directie", "auditor"}), False),
    "Query.meetings": (frozenset({"directie", "auditor"}), False),
    "Query.meeting": (frozenset({"directie", "auditor"}), False),
    "Query.alvMeetings": (frozenset({"member_admin", "directie", "auditor"}), True),
    "Query.conflictsOfInterest": (frozenset({"directie", "auditor"}), False),
    "Query.decisionOrigin": (frozenset({"directie", "auditor"}), False),
    "Mutation.bodyMemberAdd": (frozenset({"directie"}), False),
    "Mutation.bodyMemberEnd": (frozenset({"directie"}), False),
    "Mutation.meetingCreate": (frozenset({"directie"}), False),
    "Mutation.meetingMinutesSet": (frozenset({"directie"}), False),
    "Mutation.agendaItemAdd": (frozenset({"directie"}), False),
    "Mutation.attendanceRecord": (frozenset({"directie"}), False),
    "Mutation.proxyRecord": (frozenset({"directie"}), False),
    "Mutation.voteCast": (frozenset({"directie"}), False),
    "Mutation.proposalClose": (frozenset({"directie"}), False),
    "Mutation.conflictOfInterestRecord": (frozenset({"directie"}), False),
}

ROLE_INPUT = '{ issuer: "https://idp", subject: "x", role: "member_user", member: "%s" }'
OPERATIONS: dict[str, str] = {
    "Query.applications": "{ applications(first: 1) { totalCount } }",
    "Query.application": '{ application(slug: "zaakafhandeling") { slug } }',
    "Query.publiccodeValidate": '{ publiccodeValidate(yaml: "name: x") { valid } }',
    "Query.publiccodeExport": '{ publiccodeExport(slug: "zaakafhandeling") }',
    "Query.standards": "{ standards { name } }",
    "Query.referenceComponents": "{ referenceComponents { name } }",
    "Query.members": "{ members(first: 1) { totalCount } }",
    "Query.member": '{ member(code: "%s") { code } }',
    "Query.municipalities": "{ municipalities(first: 1) { totalCount } }",
    "Query.municipality": '{ municipality(cbsCode: "GM0632") { name } }',
    "Query.me": "{ me { kind } }",
    "Query.users": '{ users(member: "%s") { subject } }',
    "Query.auditEvents": "{ auditEvents(first: 1) { totalCount } }",
    "Query.auditChainStatus": "{ auditChainStatus { intact } }",
    "Query.decisions": "{ decisions(first: 1) { totalCount } }",
    "Query.decision": '{ decision(reference: "x") { subject } }',
    "Query.contributionRates": "{ contributionRates { year } }",
    "Query.memberships": "{ memberships(status: APPLIED) { id } }",
    "Query.costPools": "{ costPools { code } }",
    "Query.financialYears": "{ financialYears { year } }",
    "Mutation.financialYearClose": 'mutation { financialYearClose(year: 1990, decision: "x")'
    " { errors { code } } }",
    "Mutation.financialYearReopen": 'mutation { financialYearReopen(year: 1990, decision: "x")'
    " { errors { code } } }",
    "Mutation.openingBalancesImport": 'mutation { openingBalancesImport(csv: "x")'
    " { errors { code } } }",
    "Query.usageFees": '{ usageFees(member: "%s", first: "2026-01", last: "2026-02")'
    " { errors { code } } }",
    "Mutation.adoptionCreate": 'mutation { adoptionCreate(input: {member: "%s",'
    ' application: "nope", acquisitionOn: "2026-01-01"}) { errors { code } } }',
    "Mutation.adoptionAdvance": 'mutation { adoptionAdvance(member: "%s", id: "0",'
    ' stage: PLANNED, on: "2026-01-01") { errors { code } } }',
    "Mutation.usageRecord": 'mutation { usageRecord(member: "%s", input: {application: "x",'
    ' period: "2026-01", metric: "transactions", quantity: "1"}) { errors { code } } }',
    "Mutation.usageRecordBulk": 'mutation { usageRecordBulk(member: "%s", records: []) '
    "{ errors { code } } }",
    "Mutation.usageTariffSet": 'mutation { usageTariffSet(application: "x", metric: "x",'
    ' price: "1", validFrom: "2026-01", decision: "x") { errors { code } } }',
    "Mutation.businessCaseCreate": 'mutation { businessCaseCreate(application: "x",'
    ' input: {title: ""}) { errors { code } } }',
    "Mutation.businessCaseDraftSave": 'mutation { businessCaseDraftSave(member: "%s",'
    ' application: "x", input: {title: ""}) { errors { code } } }',
    "Mutation.businessCaseDecide": 'mutation { businessCaseDecide(application: "x", title: "x",'
    ' decision: POSITIVE, decidedBy: "x", decidedOn: "2026-01-01") { errors { code } } }',
    "Mutation.communityLeave": 'mutation { communityLeave(application: "x", member: "%s")'
    " { errors { code } } }",
    "Mutation.applicationInterestRegister": "mutation { applicationInterestRegister("
    'application: "x", member: "%s") { errors { code } } }',
    "Mutation.applicationPropose": 'mutation { applicationPropose(member: "%s", slug: "x",'
    ' input: {name: ""}) { errors { code } } }',
    "Mutation.applicationProposalRevise": "mutation { applicationProposalRevise("
    'member: "%s", slug: "x", input: {name: ""}) { errors { code } } }',
    "Mutation.publiccodeImport": 'mutation { publiccodeImport(yaml: "x: 1") { errors { code } } }',
    "Mutation.standardRecord": 'mutation { standardRecord(input: {name: "StUF"})'
    " { errors { code } } }",
    "Mutation.applicationReferenceComponentsSet": "mutation { applicationReferenceComponentsSet("
    'slug: "x", names: []) { errors { code } } }',
    "Mutation.applicationCategoriesSet": "mutation { applicationCategoriesSet("
    'slug: "x", categories: []) { errors { code } } }',
    "Mutation.publiccodeImportProposal": 'mutation { publiccodeImportProposal(member: "%s",'
    ' yaml: "x: 1") { errors { code } } }',
    "Mutation.applicationReview": 'mutation { applicationReview(slug: "x", decision: PUBLISH)'
    " { errors { code } } }",
    "Mutation.applicationMaintain": 'mutation { applicationMaintain(member: "%s", slug: "x",'
    ' input: {descriptionNl: "", descriptionEn: ""}) { errors { code } } }',
    "Mutation.applicationReleaseAdd": 'mutation { applicationReleaseAdd(member: "%s", slug:'
    ' "x", input: {version: "1", releasedOn: "2026-01-01"}) { errors { code } } }',
    "Query.costEstimate": 'query { costEstimate(member: "%s", application: "x")'
    " { errors { code } } }",
    "Mutation.communityJoin": 'mutation { communityJoin(application: "x", member: "%s",'
    ' stage: IDEA, joinedOn: "2026-01-01") { errors { code } } }',
    "Mutation.communityEqualSaySet": 'mutation { communityEqualSaySet(application: "x",'
    " equal: true) { errors { code } } }",
    "Query.costPool": '{ costPool(code: "x") { code } }',
    "Query.allocationPreview": 'query { allocationPreview(pool: "x", until: "2026-01-01")'
    " { errors { code } } }",
    "Query.settlementPreview": 'query { settlementPreview(pool: "x", member: "%s")'
    " { errors { code } } }",
    "Mutation.costPoolCreate": 'mutation { costPoolCreate(input: {code: "", name: "",'
    " kind: HOSTING}) { errors { code } } }",
    "Mutation.costEntryAdd": 'mutation { costEntryAdd(pool: "x", input: {amount: "1",'
    ' entryDate: "2026-01-01", category: HOSTING, description: "x"}) { errors { code } } }',
    "Mutation.poolParticipantAdd": 'mutation { poolParticipantAdd(pool: "x", member: "%s",'
    ' joinedOn: "2026-01-01") { errors { code } } }',
    "Mutation.poolParticipantChange": 'mutation { poolParticipantChange(pool: "x",'
    ' member: "%s") { errors { code } } }',
    "Mutation.costPoolKeyChange": 'mutation { costPoolKeyChange(pool: "nobody",'
    " input: {key: EQUAL}) { errors { code } } }",
    "Mutation.costPoolClose": 'mutation { costPoolClose(pool: "x", until: "2026-01-01")'
    " { errors { code } } }",
    "Mutation.allocationRunCreate": 'mutation { allocationRunCreate(pool: "x",'
    ' until: "2026-01-01") { errors { code } } }',
    "Mutation.settlementRunCreate": 'mutation { settlementRunCreate(pool: "x", member: "%s")'
    " { errors { code } } }",
    "Mutation.allocationRunCorrect": 'mutation { allocationRunCorrect(run: "0")'
    " { errors { code } } }",
    "Query.feeRuns": "{ feeRuns { year } }",
    "Query.feeRunPreview": "{ feeRunPreview(year: 1900) { errors { code } } }",
    "Mutation.decisionRecord": "mutation { decisionRecord(input: {body: ALV, decidedOn:"
    ' "2026-01-01", reference: "", subject: ""}) { errors { code } } }',
    "Mutation.memberApply": 'mutation { memberApply(input: {code: "", name: "", type: "gemeente",'
    ' appliedOn: "2026-01-01"}) { errors { code } } }',
    "Mutation.membershipApply": 'mutation { membershipApply(memberCode: "nobody",'
    ' appliedOn: "2026-01-01") { errors { code } } }',
    "Mutation.membershipApprovalRecord": 'mutation { membershipApprovalRecord(membershipId: "0",'
    ' decision: "x", approved: true) { errors { code } } }',
    "Mutation.memberAdmit": 'mutation { memberAdmit(input: {membershipId: "0", startDate:'
    ' "2026-01-01", agreementReference: "x"}) { errors { code } } }',
    "Mutation.membershipEnd": 'mutation { membershipEnd(input: {membershipId: "0", noticeDate:'
    ' "2026-01-01", endDate: "2026-12-31"}) { errors { code } } }',
    "Mutation.municipalityMerge": "mutation { municipalityMerge(input: {effectiveDate:"
    ' "2026-03-01", successorCode: "x", successorName: "", predecessorCodes: []})'
    " { errors { code } } }",
    "Mutation.contributionRateSet": 'mutation { contributionRateSet(input: {year: 1900, rate: "1",'
    ' decision: ""}) { errors { code } } }',
    "Mutation.feeRunCreate": "mutation { feeRunCreate(year: 1900) { errors { code } } }",
    "Mutation.applicationCreate": 'mutation { applicationCreate(slug: "x-%s", input: {name: "X"})'
    " { errors { code } } }",
    "Mutation.applicationUpdate": 'mutation { applicationUpdate(slug: "zaakafhandeling",'
    ' input: {name: "Zaken %s"}) { errors { code } } }',
    "Mutation.applicationStatusChange": 'mutation { applicationStatusChange(slug: "rapportage%s",'
    " status: RETIRED) { errors { code } } }",
    "Mutation.releaseCreate": 'mutation { releaseCreate(slug: "zaakafhandeling", input:'
    ' {version: "9.%s", releasedOn: "2026-01-01"}) { errors { code } } }',
    "Mutation.roleAssign": "mutation { roleAssign(input: " + ROLE_INPUT + ") { ok } }",
    "Mutation.roleRevoke": "mutation { roleRevoke(input: " + ROLE_INPUT + ") { ok } }",
    "Mutation.userSessionsRevoke": 'mutation { userSessionsRevoke(issuer: "https://idp",'
    ' subject: "nobody-%s") { errors { code } } }',
    "Mutation.apiTokenCreate": 'mutation { apiTokenCreate(input: {member: "%s", name: "t"})'
    " { secret } }",
    "Mutation.apiTokenRevoke": 'mutation { apiTokenRevoke(member: "%s", id: "999999")'
    " { errors { code } } }",
    "Query.invoices": '{ invoices(memberCode: "%s") { totalCount } }',
    "Query.invoice": '{ invoice(id: "$INVOICE") { id } }',
    "Query.invoiceRunPreview": '{ invoiceRunPreview(until: "2026-01-01", memberCodes: ["x"])'
    " { errors { code } } }",
    "Query.vatRules": "{ vatRules { category } }",
    "Query.bankStatements": "{ bankStatements { id entries { id } } }",
    "Query.bankQueue": "{ bankQueue { id } }",
    "Mutation.bankStatementImport": 'mutation { bankStatementImport(content: "")'
    " { errors { code } } }",
    "Mutation.bankEntryMatch": 'mutation { bankEntryMatch(entryId: 0, invoiceNumber: "x")'
    " { errors { code } } }",
    "Mutation.bankEntrySplit": "mutation { bankEntrySplit(entryId: 0, parts: [])"
    " { errors { code } } }",
    "Mutation.bankEntryMarkUnrelated": 'mutation { bankEntryMarkUnrelated(entryId: 0, reason: "")'
    " { errors { code } } }",
    "Mutation.memberBankAccountAdd": 'mutation { memberBankAccountAdd(member: "%s", iban: "x")'
    " { errors { code } } }",
    "Query.paymentDifferences": "{ paymentDifferences { errors { code } } }",
    "Mutation.billingDetailsSet": 'mutation { billingDetailsSet(member: "%s", input: {street: "",'
    ' postalCode: "", city: ""}) { errors { code } } }',
    "Mutation.vatRuleSet": "mutation { vatRuleSet(input: {category: CONTRIBUTION,"
    ' vatCode: EXEMPT, rate: "0"}) { errors { code } } }',
    "Mutation.invoiceRunCreate": 'mutation { invoiceRunCreate(until: "2026-01-01",'
    ' memberCodes: ["x"]) { errors { code } } }',
    "Mutation.invoiceDraftDiscard": 'mutation { invoiceDraftDiscard(id: "0") { errors { code } } }',
    "Mutation.invoiceIssue": 'mutation { invoiceIssue(id: "0") { errors { code } } }',
    "Mutation.invoiceCredit": 'mutation { invoiceCredit(id: "0", reason: "x", creditChoice: CARRY)'
    " { errors { code } } }",
    "Mutation.invoiceRemindersPause": 'mutation { invoiceRemindersPause(id: "0", reason: "x")'
    " { errors { code } } }",
    "Mutation.invoiceRemindersResume": 'mutation { invoiceRemindersResume(id: "0")'
    " { errors { code } } }",
    "Mutation.transferRecord": 'mutation { transferRecord(invoiceId: "0", amount: "1",'
    ' paidOn: "2026-01-01", bankReference: "x") { errors { code } } }',
    "Mutation.invoicePaymentStart": 'mutation { invoicePaymentStart(id: "$INVOICE")'
    " { errors { code } } }",
    "Query.contributionReport": '{ contributionReport(year: 1800, memberCode: "%s")'
    " { errors { code } } }",
    "Query.contributionReportExportJob": '{ contributionReportExportJob(id: "x") { id } }',
    "Mutation.contributionReportExport": "mutation { contributionReportExport(year: 1800,"
    ' memberCode: "%s") { errors { code } } }',
    "Mutation.journalExport": 'mutation { journalExport(year: 1800, format: "csv")'
    " { errors { code } } }",
    "Query.subscribers": '{ subscribers(member: "%s") { id } }',
    "Query.deliveries": '{ deliveries(member: "%s", subscriber: "999999") { id } }',
    "Mutation.subscriberCreate": 'mutation { subscriberCreate(input: {member: "%s",'
    ' url: "ftp://x", events: [INVOICE_PAID]}) { errors { code } } }',
    "Mutation.subscriberDelete": 'mutation { subscriberDelete(member: "%s", id: "999999")'
    " { errors { code } } }",
    "Mutation.deliveryReplay": 'mutation { deliveryReplay(member: "%s", id: "999999")'
    " { errors { code } } }",
    "Query.approvalRequests": "{ approvalRequests { id } }",
    "Mutation.approvalApprove": 'mutation { approvalApprove(id: "999999") { errors { code } } }',
    "Mutation.approvalReject": 'mutation { approvalReject(id: "999999", reason: "x")'
    " { errors { code } } }",
    "Mutation.approvalWithdraw": 'mutation { approvalWithdraw(id: "999999") { errors { code } } }',
    "Query.contracts": "{ contracts { reference } }",
    "Query.budgets": "{ budgets(year: 1800) { errors { code } } }",
    "Query.quarterlyReport": "{ quarterlyReport(year: 1800, quarter: 1) { errors { code } } }",
    "Query.statutoryCalendar": "{ statutoryCalendar(year: 1800) { errors { code } } }",
    "Mutation.contractCreate": 'mutation { contractCreate(input: {reference: "", supplier: "",'
    ' subject: "", amount: "1", startDate: "2026-01-01", endDate: "2025-01-01"})'
    " { errors { code } } }",
    "Mutation.contractSign": 'mutation { contractSign(reference: "C-404", signedOn: "2026-01-01")'
    " { errors { code } } }",
    "Mutation.contractEnd": 'mutation { contractEnd(reference: "C-404", endedOn: "2026-01-01")'
    " { errors { code } } }",
    "Mutation.budgetStart": "mutation { budgetStart(year: 1800) { errors { code } } }",
    "Mutation.budgetLineSet": "mutation { budgetLineSet(year: 1800, item: CONTRIBUTIONS,"
    ' amount: "1") { errors { code } } }',
    "Mutation.budgetAdopt": 'mutation { budgetAdopt(year: 1800, decision: "X-404")'
    " { errors { code } } }",
    "Query.bodyMembers": "{ bodyMembers { name } }",
    "Query.meetings": "{ meetings { title } }",
    "Query.meeting": '{ meeting(id: "999999") { seats } }',
    "Query.alvMeetings": '{ alvMeetings(member: "%s") { seats } }',
    "Query.conflictsOfInterest": "{ conflictsOfInterest { person } }",
    "Query.decisionOrigin": '{ decisionOrigin(reference: "x") { origin } }',
    "Mutation.bodyMemberAdd": 'mutation { bodyMemberAdd(input: {name: "", body: RVC,'
    ' role: MEMBER, startsOn: "2026-01-01"}) { errors { code } } }',
    "Mutation.bodyMemberEnd": 'mutation { bodyMemberEnd(id: "0", endsOn: "2026-01-01")'
    " { errors { code } } }",
    "Mutation.meetingCreate": 'mutation { meetingCreate(input: {body: ALV, heldOn: "2026-01-01",'
    ' title: ""}) { errors { code } } }',
    "Mutation.meetingMinutesSet": 'mutation { meetingMinutesSet(id: "0", reference: "x")'
    " { errors { code } } }",
    "Mutation.agendaItemAdd": 'mutation { agendaItemAdd(meetingId: "0", input: {title: "x"})'
    " { errors { code } } }",
    "Mutation.attendanceRecord": 'mutation { attendanceRecord(meetingId: "0", member: "x")'
    " { errors { code } } }",
    "Mutation.proxyRecord": 'mutation { proxyRecord(meetingId: "0", grantor: "x", holder: "y",'
    ' documentReference: "z") { errors { code } } }',
    "Mutation.voteCast": 'mutation { voteCast(itemId: "0", input: {choice: FOR, member: "x"})'
    " { errors { code } } }",
    "Mutation.proposalClose": 'mutation { proposalClose(itemId: "0", reference: "x")'
    " { errors { code } } }",
    "Mutation.conflictOfInterestRecord": "mutation { conflictOfInterestRecord(input: {"
    'personId: "0", subjectKind: OTHER, subjectReference: "x", startsOn: "2026-01-01"})'
    " { errors { code } } }",
}


def test_every_field_has_a_policy_and_a_row_in_the_matrix() -> None:
    fields = root_fields()
    assert set(fields) == set(EXPECTED), "add the new field to EXPECTED (and OPERATIONS)"
    assert set(OPERATIONS) == set(EXPECTED)
    for name, field in fields.items():
        audience = audience_of(field.extensions)
        assert audience is not None, name
        public = audience.permission is None
        assert public == (EXPECTED[name][0] == frozenset(ACTORS)), name
        assert audience.per_member == EXPECTED[name][1], name


def allowed(name: str, actor: str, member: str) -> bool:
    who, per_member = EXPECTED[name]
    if actor not in who:
        return False
    if per_member and actor in {"member_user", "member_admin", "token"}:
        return member == OWN
    return True


@pytest.fixture
async def clients(
    demo: AsyncSession, db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[dict[str, GraphQLClient]]:
    users: dict[str, int | None] = {
        "anonymous": None,
        "member_user": await grant(session_factory, Role.MEMBER_USER, OWN),
        "member_admin": await grant(session_factory, Role.MEMBER_ADMIN, OWN),
        "directie": await grant(session_factory, Role.DIRECTIE),
        "auditor": await grant(session_factory, Role.AUDITOR),
        "admin": await grant(session_factory, Role.ADMIN),
        "token": None,
    }
    async with session_factory() as session, session.begin():
        _, secret = await create_token(
            session, system_actor("test"), TokenInput(OWN, "meter", ["usage:write"])
        )
    async with AsyncExitStack() as stack:
        result = {
            actor: await stack.enter_async_context(
                graphql_client(db_url, dev_mode=False, user_id=user_id)
            )
            for actor, user_id in users.items()
        }
        result["token"].http.headers["Authorization"] = f"Bearer {secret}"
        yield result


@pytest.fixture
async def invoices(
    demo: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> dict[str, str]:
    """An issued invoice of each member (the demo bills every year), for the fields that find
    the member by invoice id."""
    async with session_factory() as session:
        rows = await session.execute(
            select(Invoice.member_code, func.max(Invoice.id))
            .where(Invoice.number.is_not(None), Invoice.member_code.in_((OWN, OTHER)))
            .group_by(Invoice.member_code)
        )
        found = {code: str(invoice_id) for code, invoice_id in rows}
    assert set(found) == {OWN, OTHER}
    return found


def _refused(body: dict[str, Any]) -> bool:
    return any(m.startswith("not allowed") for m in error_messages(body))


async def _check(name: str, clients: dict[str, GraphQLClient], ids: dict[str, str]) -> None:
    template = OPERATIONS[name]
    members = (OWN, OTHER) if EXPECTED[name][1] else (OWN,)
    for member in members:
        for actor in ACTORS:
            query = template % member if "%s" in template else template
            query = query.replace("$INVOICE", ids.get(member, ""))
            body = await clients[actor].execute(query)
            expected = allowed(name, actor, member)
            assert _refused(body) != expected, (name, actor, member, body)


async def test_matrix(
    clients: dict[str, GraphQLClient], invoices: dict[str, str], subtests: pytest.Subtests
) -> None:
    """Every field against every actor, in one database: whether a call is allowed depends
    only on the roles and the member (or the invoice's member), never on what an earlier
    allowed call changed, so the demo is loaded once instead of once per field."""
    for name in sorted(EXPECTED):
        with subtests.test(msg=name):
            await _check(name, clients, invoices)


NESTED: dict[str, tuple[str, frozenset[str], bool]] = {
    # field: (query with the lead member's code for %s, who may, only for its own member)
    "Application.interestedMembers": (
        '{ application(slug: "%s") { interestedMembers { memberCode } } }',
        frozenset({"member_user", "member_admin", "directie", "auditor"}),
        True,
    ),
}
LED_BY = {OWN: "subsidieportaal", OTHER: "zaakafhandeling"}
"""Applications of the demo by their lead member (trekker)."""


async def test_nested_fields_guarded_by_the_parents_lead_member(
    clients: dict[str, GraphQLClient], subtests: pytest.Subtests
) -> None:
    for name, (template, who, per_member) in NESTED.items():
        for lead, slug in LED_BY.items():
            for actor in ACTORS:
                with subtests.test(msg=f"{name} {actor} {lead}"):
                    body = await clients[actor].execute(template % slug)
                    expected = actor in who and (
                        not per_member
                        or actor not in {"member_user", "member_admin", "token"}
                        or lead == OWN
                    )
                    assert _refused(body) != expected, (name, actor, lead, body)
