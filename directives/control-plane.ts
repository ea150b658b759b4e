// The control plane's operations (the platform subgraph's @platform root fields) in one table: who may
// call each (its audiences) and what the audit records of a call (target and reason). The platform's
// graphql-shield rules and the gateway's introspection contracts are both derived from it, so what a
// caller sees and what it may call never disagree. Pure: no I/O.
import type { Caller } from './caller';

/**
 * Audiences are caller kinds, with an institution token's control-plane roles on top: `institution`
 * is any institution operator (admins and providers included), `provider` and `admin` only tokens
 * carrying that role.
 */
export type PlatformAudience = 'anonymous' | 'developer' | 'subject' | 'institution' | 'provider' | 'admin';

export const ROLE_AUDIENCES = ['provider', 'admin'] as const;

/** What the audit records of an action: its target (never a personal identifier) and reason. */
export interface ControlAction {
  target?: string;
  reason?: string;
}

export interface ControlOperation {
  audiences: readonly PlatformAudience[];
  audit?: (args: Record<string, unknown>) => ControlAction;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value : undefined);
const on = (kind: string, value: unknown): string | undefined => (text(value) ? `${kind}:${value as string}` : undefined);

const catalogTarget = (input: unknown): ControlAction => {
  const i = (input ?? {}) as { coordinate?: unknown; dataset?: unknown; reason?: unknown };
  return { target: on('field', i.coordinate) ?? on('dataset', i.dataset), reason: text(i.reason) };
};

const EVERYONE: readonly PlatformAudience[] = ['anonymous', 'developer', 'subject', 'institution'];
const APPLICANTS: readonly PlatformAudience[] = ['institution', 'developer'];
const REVIEWERS: readonly PlatformAudience[] = ['admin', 'provider'];

export const PLATFORM_OPERATIONS: { readonly Query: Record<string, ControlOperation>; readonly Mutation: Record<string, ControlOperation> } = {
  Query: {
    catalog: { audiences: EVERYONE },
    catalogExport: { audiences: EVERYONE },
    // Which regulation governs, and until when (Ganzi Art.45).
    jurisdiction: { audiences: EVERYONE },
    applications: { audiences: APPLICANTS },
    grants: { audiences: APPLICANTS },
    objections: { audiences: ['subject', 'institution'] },
    myAccesses: { audiences: ['subject'] },
    usageFeedback: { audiences: ['institution'] },
    auditRecords: { audiences: REVIEWERS },
    auditUsage: { audiences: REVIEWERS },
    auditUsagePerDay: { audiences: REVIEWERS },
    auditChainStatus: { audiences: ['admin'] },
    overdueApplications: { audiences: ['admin'] },
    lateDeliveries: { audiences: REVIEWERS },
    withdrawalNotices: { audiences: ['developer'] },
    emergencyGrantsForReview: { audiences: ['admin'] },
    emergencyNotices: { audiences: ['provider'] },
    suspensions: { audiences: ['admin'] },
    registeredOperations: { audiences: ['admin'] },
    catalogChanges: { audiences: ['institution'] },
    catalogChangeImpact: { audiences: REVIEWERS },
    institutions: { audiences: ['admin'] },
    // The developer portal (issue 15): a developer's own apps, the agreements in force, its keys and usage.
    myApps: { audiences: ['developer'] },
    agreements: { audiences: ['developer'] },
    apiKeys: { audiences: ['developer'] },
    myUsage: { audiences: ['developer'] },
    // 需求清单 (Yunnan Art.28 ¶2 …, Ganzi Art.21): filers, the providers named and the authorities.
    dataDemands: { audiences: ['institution', 'developer'] },
    // 数据回流 (Yunnan Art.18): requesters, the providers addressed and the authorities.
    dataReturns: { audiences: ['institution'] },
    // 数据安全事件 (Yunnan Art.43(8), Ganzi Art.37): reporters, the providers concerned and the authorities.
    securityIncidents: { audiences: ['institution'] },
    // Guiyang Art.22 ¶4: grants whose usage feedback is overdue, for the authority.
    overdueUsageFeedback: { audiences: ['admin'] },
    // Metering of authorized-operation products (seed 001): a developer its own calls, an authority its area's.
    productUsage: { audiences: ['developer', 'admin'] },
    // Purpose changes and the periodic use review (Guiyang Art.23, Ganzi Art.19): grantees, providers, authorities.
    purposeChanges: { audiences: ['institution'] },
    grantsDueForUseReview: { audiences: ['institution'] },
    // Authorized operation (seed 001): resolvers narrow institutions to the parties they act for.
    operationParties: { audiences: ['institution'] },
    operationAgreements: { audiences: ['institution'] },
    developmentAgreements: { audiences: ['institution', 'developer'] },
    operationProducts: { audiences: ['institution', 'developer'] },
    // 定期披露 (seed 001 【信息披露】: 向社会披露): the public's, like the open catalog — no token needed.
    operationDisclosure: { audiences: EVERYONE },
    operationStatement: { audiences: ['institution', 'developer'] },
    operationBlacklist: { audiences: ['institution'] },
    operationEvaluations: { audiences: ['institution'] },
    qualityCorrections: { audiences: ['institution'] },
  },
  Mutation: {
    applyForAccess: { audiences: APPLICANTS, audit: (a) => ({ target: on('scenario', (a.input as { scenario?: unknown } | undefined)?.scenario) }) },
    // The record objected to names a person: the audit keeps only the dataset.
    raiseObjection: { audiences: ['subject', 'institution'], audit: (a) => ({ target: on('dataset', a.dataset) }) },
    submitUsageFeedback: { audiences: ['institution'], audit: (a) => ({ target: on('grant', a.grantId) }) },
    decideApplication: { audiences: REVIEWERS, audit: (a) => ({ target: on('application', a.id), reason: text(a.legalBasis) ?? text(a.note) }) },
    recordDelivery: { audiences: ['provider'], audit: (a) => ({ target: on('application', a.id), reason: text(a.note) }) },
    revokeGrant: { audiences: REVIEWERS, audit: (a) => ({ target: on('grant', a.id), reason: text(a.reason) }) },
    reviewEmergencyGrant: { audiences: ['admin'], audit: (a) => ({ target: on('grant', a.grant), reason: [text(a.outcome), text(a.note)].filter(Boolean).join(': ') || undefined }) },
    suspend: { audiences: REVIEWERS, audit: (a) => ({ target: on(String(a.target ?? '').toLowerCase(), a.id), reason: text(a.reason) }) },
    answerObjection: { audiences: ['provider'], audit: (a) => ({ target: on('objection', a.id), reason: text(a.answer) }) },
    requestWithdrawalReview: { audiences: ['developer'], audit: (a) => ({ target: on('suspension', a.suspensionId), reason: text(a.reason) }) },
    decideWithdrawalReview: { audiences: ['admin'], audit: (a) => ({ target: on('withdrawal-review', a.id), reason: text(a.note) }) },
    forwardObjection: { audiences: ['admin'], audit: (a) => ({ target: on('objection', a.id) }) },
    extendObjection: { audiences: ['provider'], audit: (a) => ({ target: on('objection', a.id), reason: text(a.reason) }) },
    grantEmergencyAccess: { audiences: ['admin'], audit: (a) => ({ target: on('institution', a.institution), reason: text(a.reason) }) },
    scopeGrant: { audiences: ['admin'], audit: (a) => ({ target: on('grant', a.id), reason: on('division', a.divisionCode) ?? '解除区划限定 / division scope lifted' }) },
    liftSuspension: { audiences: ['admin'], audit: (a) => ({ target: on('suspension', a.id), reason: text(a.reason) }) },
    registerOperation: { audiences: ['admin'], audit: (a) => ({ target: on('operation', a.name) }) },
    retireOperation: { audiences: ['admin'], audit: (a) => ({ target: on('operation', a.hash), reason: text(a.reason) }) },
    proposeCatalogChange: { audiences: ['provider'], audit: (a) => catalogTarget(a.input) },
    amendCatalogChange: { audiences: ['provider'], audit: (a) => ({ target: on('catalog-change', a.id), reason: text((a.input as { reason?: unknown } | undefined)?.reason) }) },
    cancelCatalogChange: { audiences: ['provider'], audit: (a) => ({ target: on('catalog-change', a.id), reason: text(a.reason) }) },
    disputeCatalogAttribute: { audiences: ['institution'], audit: (a) => ({ target: on('field', a.coordinate), reason: text(a.reason) }) },
    decideCatalogChange: { audiences: ['admin'], audit: (a) => ({ target: on('catalog-change', a.id), reason: [text(a.decision), text(a.note)].filter(Boolean).join(': ') || undefined }) },
    registerInstitution: { audiences: ['admin'], audit: (a) => ({ target: on('institution', (a.input as { creditCode?: unknown } | undefined)?.creditCode), reason: text((a.input as { reason?: unknown } | undefined)?.reason) }) },
    deregisterInstitution: { audiences: ['admin'], audit: (a) => ({ target: on('institution', a.creditCode), reason: text(a.reason) }) },
    reinstateInstitution: { audiences: ['admin'], audit: (a) => ({ target: on('institution', a.creditCode), reason: text(a.reason) }) },
    // The app is recorded by the legal entity that answers for it (a credit code names no person).
    registerApp: { audiences: ['developer'], audit: (a) => ({ target: on('legal-entity', a.creditCode) }) },
    // Which text was accepted, and when (the record's time): Yunnan Art.35.
    acceptAgreement: { audiences: ['developer'], audit: (a) => ({ target: text(a.kind) && text(a.version) ? `agreement:${a.kind as string}@${a.version as string}` : undefined }) },
    // Yunnan Art.45 ¶2: accounts and grants end with the agreement.
    endAgreements: { audiences: ['admin'], audit: (a) => ({ target: on('developer', a.developer), reason: text(a.reason) }) },
    publishAgreement: { audiences: ['admin'], audit: (a) => ({ target: text(a.kind) && text(a.version) ? `agreement:${a.kind as string}@${a.version as string}` : undefined }) },
    createApiKey: { audiences: ['developer'], audit: (a) => ({ target: on('app', a.appId) }) },
    rotateApiKey: { audiences: ['developer'], audit: (a) => ({ target: on('api-key', a.id), reason: typeof a.overlapHours === 'number' ? `overlap ${a.overlapHours} h` : undefined }) },
    revokeApiKey: { audiences: ['developer'], audit: (a) => ({ target: on('api-key', a.id), reason: text(a.reason) }) },
    fileDataDemand: { audiences: ['institution', 'developer'], audit: (a) => ({ target: on('provider', (a.input as { providerCode?: unknown } | undefined)?.providerCode) }) },
    requestDataReturn: { audiences: ['institution'], audit: (a) => ({ target: on('scenario', (a.input as { scenario?: unknown } | undefined)?.scenario), reason: text((a.input as { reason?: unknown } | undefined)?.reason) }) },
    answerDataReturn: { audiences: ['provider'], audit: (a) => ({ target: on('data-return', a.id), reason: text(a.answer) }) },
    reportSecurityIncident: { audiences: ['institution'], audit: (a) => ({ target: on('datasets', ((a.input as { datasets?: unknown } | undefined)?.datasets as string[] | undefined)?.join(',')) }) },
    // Yunnan Art.44, Kunming Art.27: the authority's risk review of a join of personal data.
    recordRiskReview: { audiences: ['admin'], audit: (a) => ({ target: on('application', a.id), reason: [text(a.outcome), text(a.note)].filter(Boolean).join(': ') || undefined }) },
    requestPurposeChange: { audiences: ['institution'], audit: (a) => ({ target: on('grant', a.grantId), reason: [on('scenario', a.scenario), text(a.reason)].filter(Boolean).join(': ') || undefined }) },
    decidePurposeChange: { audiences: ['provider'], audit: (a) => ({ target: on('purpose-change', a.id), reason: [a.consent === true ? 'CONSENTED' : a.consent === false ? 'REFUSED' : undefined, text(a.note)].filter(Boolean).join(': ') || undefined }) },
    recordUseReview: { audiences: ['institution'], audit: (a) => ({ target: on('grant', a.grantId), reason: text(a.note) }) },
    answerDataDemand: { audiences: REVIEWERS, audit: (a) => ({ target: on('demand', a.id), reason: [text(a.outcome), text(a.answer)].filter(Boolean).join(': ') || undefined }) },
    // Authorized operation (seed 001); parties are legal persons named by credit code, never persons.
    registerOperationParty: { audiences: ['admin'], audit: (a) => ({ target: on('legal-entity', (a.input as { creditCode?: unknown } | undefined)?.creditCode) }) },
    signOperationAgreement: { audiences: ['admin'], audit: (a) => ({ target: on('operator', (a.input as { operatorId?: unknown } | undefined)?.operatorId) }) },
    terminateOperationAgreement: { audiences: ['admin'], audit: (a) => ({ target: on('operation-agreement', a.id), reason: text(a.reason) }) },
    selectDeveloper: { audiences: ['institution'], audit: (a) => ({ target: on('developer', (a.input as { developerId?: unknown } | undefined)?.developerId) }) },
    publishDeveloperSelection: { audiences: ['institution'], audit: (a) => ({ target: on('development-agreement', a.id) }) },
    signDevelopmentAgreement: { audiences: ['institution'], audit: (a) => ({ target: on('development-agreement', a.id) }) },
    terminateDevelopmentAgreement: { audiences: ['institution'], audit: (a) => ({ target: on('development-agreement', a.id), reason: text(a.reason) }) },
    submitOperationProduct: { audiences: ['developer'], audit: (a) => ({ target: on('development-agreement', (a.input as { agreementId?: unknown } | undefined)?.agreementId) }) },
    reviewOperationProduct: { audiences: ['institution'], audit: (a) => ({ target: on('operation-product', a.id) }) },
    publishOperationProduct: { audiences: ['institution'], audit: (a) => ({ target: on('operation-product', a.id) }) },
    addBlacklistEntry: { audiences: ['institution'], audit: (a) => ({ target: on('party', a.partyId), reason: [text(a.measure), text(a.reason)].filter(Boolean).join(': ') || undefined }) },
    evaluateOperationParty: { audiences: ['institution'], audit: (a) => ({ target: on('party', a.partyId), reason: [text(a.outcome), text(a.note)].filter(Boolean).join(': ') || undefined }) },
    // The texts may quote records: the audit keeps the dataset and the request only.
    requestQualityCorrection: { audiences: ['institution'], audit: (a) => ({ target: on('dataset', a.dataset) }) },
    answerQualityCorrection: { audiences: ['provider'], audit: (a) => ({ target: on('quality-correction', a.id) }) },
  },
};

/** The audiences a caller belongs to. */
export function audiencesOf(caller: Caller | Caller['kind']): ReadonlySet<PlatformAudience> {
  if (typeof caller === 'string') return new Set([caller]);
  if (caller.kind !== 'institution') return new Set([caller.kind]);
  return new Set<PlatformAudience>(['institution', ...ROLE_AUDIENCES.filter((role) => caller.roles.includes(role))]);
}

/** The control-plane operation at a root coordinate, if it is one. */
export function controlOperation(typeName: string, fieldName: string): ControlOperation | undefined {
  const table = typeName === 'Query' ? PLATFORM_OPERATIONS.Query : typeName === 'Mutation' ? PLATFORM_OPERATIONS.Mutation : undefined;
  return table && Object.hasOwn(table, fieldName) ? table[fieldName] : undefined;
}

/** Whether callers of these audiences may call the operation; unknown operations: nobody (deny by default). */
export function mayCall(audiences: ReadonlySet<PlatformAudience>, typeName: string, fieldName: string): boolean {
  return controlOperation(typeName, fieldName)?.audiences.some((a) => audiences.has(a)) ?? false;
}
