// The platform subgraph: the channel's own records — the tamper-evident audit log (and, with the
// control plane, catalog, applications and grants). Its data stays on disk by default.
import fs from 'node:fs';
import path from 'node:path';
import { readCatalog } from '../../directives/catalog';
import { runSubgraph, type DomainModule } from '../common/run-subgraph';
import { ROOT_DIR, SUBGRAPHS } from '../registry';
import { AuditAppender } from './audit/appender';
import { auditResolvers } from './audit-resolvers';
import { auditRoutes } from './audit-routes';
import { MIGRATIONS } from './migrations';
import { addStep, applicationResolvers, APPLICATION_SELECT, loadApplication } from './application-resolvers';
import { riskReviewResolvers } from './risk-review';
import { purposeBindingResolvers } from './purpose-binding';
import { agreementEndResolvers } from './agreement-end';
import { deliveryResolvers } from './delivery';
import { withdrawalResolvers } from './withdrawal-review';
import { catalogResolvers } from './catalog-resolvers';
import { catalogChangeResolvers } from './catalog-change-resolvers';
import { LiveCatalog, seedCatalog } from './catalog-store';
import { grantResolvers } from './grant-resolvers';
import { objectionResolvers } from './objection-resolvers';
import { correctionWriter } from './record-corrections';
import { feedbackResolvers } from './feedback-resolvers';
import { demandListResolvers } from './demand-lists';
import { dataReturnResolvers } from './data-returns';
import { securityIncidentResolvers } from './security-incidents';
import { jurisdictionResolvers, lapsedWarning } from './jurisdiction-resolvers';
import { operationResolvers } from './operation-resolvers';
import { institutionResolvers } from './institution-resolvers';
import { developerAppResolvers } from './developer-apps';
import { apiKeyResolvers } from './api-key-resolvers';
import { developerUsageResolvers } from './developer-usage';
import { productUsageResolvers } from './product-usage';
import { authorizedOperationPartyResolvers } from './authorized-operation-parties';
import { authorizedOperationAgreementResolvers } from './authorized-operation-agreements';
import { authorizedOperationProductResolvers } from './authorized-operation-products';
import { authorizedOperationFeeResolvers } from './authorized-operation-fees';
import { authorizedOperationSupervisionResolvers } from './authorized-operation-supervision';
import { loadInstitutionsFiles } from './institution-registry';
import { calendarFor, loadActiveProfile } from './profiles/profile';
import type { GraphQLResolverMap } from '../../lib/package-internals';

/** Resolver maps of several modules, merged type by type. */
function mergeResolvers<C>(...maps: GraphQLResolverMap<C>[]): GraphQLResolverMap<C> {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const map of maps) for (const [type, fields] of Object.entries(map)) merged[type] = { ...merged[type], ...(fields as Record<string, unknown>) };
  return merged as GraphQLResolverMap<C>;
}
import { PLATFORM_PERMISSIONS } from './permissions';
import { changePolicy, upsertGrant } from './grant-writer';
import { PolicyChangeNotifier } from './policy-state';
import { policyRoutes } from './policy-routes';
import client from 'prom-client';
import { parseGrant } from '../../directives/grants';
import { chinaDate, checkMaskSettings } from '../../directives/inference';
import { maskSettingsFromEnv } from '../../directives/mask-settings';

const notifier = new PolicyChangeNotifier(process.env.REDIS_URL || undefined, process.env.REDIS_KEY_PREFIX ?? 'pd:');
const profile = loadActiveProfile();
const calendar = calendarFor(profile, (process.env.CALENDAR_FILES ?? '').split(',').filter(Boolean));
const supergraphFile = path.resolve(ROOT_DIR, process.env.SUPERGRAPH_FILE ?? 'schema/supergraph.graphql');
// The SDL's catalog says what can exist; the database's entries (catalog-store.ts) are the truth,
// brought up to date before each request.
const declared = readCatalog(fs.readFileSync(supergraphFile, 'utf8'));
const live = new LiveCatalog(declared);
const catalog = live.catalog;

// The same mask settings as the gateways (which mask): grants are reviewed against them.
const maskSettings = maskSettingsFromEnv(process.env);
const maskCheck = checkMaskSettings(declared, maskSettings, chinaDate(new Date()));
if (maskCheck.unsafe.length) throw new Error(`mask settings leave too little hidden, refusing to start:\n${maskCheck.unsafe.map((a) => `  ${a.zh}\n  ${a.en}`).join('\n')}`);

function datasetsOfProvider(providerCode: string): string[] {
  return [...catalog.datasets.values()].filter((d) => d.providerCode === providerCode).map((d) => d.code);
}

export const platformDomain: DomainModule<Record<string, never>> = {
  info: SUBGRAPHS.find((s) => s.name === 'platform')!,
  migrations: MIGRATIONS,
  async bootstrap(db, settings) {
    // The catalog's initial entries: the SDL's declarations the database does not hold yet.
    if (await seedCatalog(db, declared, chinaDate(new Date()))) await changePolicy(db, notifier, async () => undefined);
    // The registry of institutions from files (INSTITUTIONS_FILE, comma-separated: development fixtures,
    // the authorities a deployment starts with): missing entries only, never changing or reinstating one.
    const institutionFiles = (process.env.INSTITUTIONS_FILE ?? '').split(',').map((f) => f.trim()).filter(Boolean);
    if (institutionFiles.length) await loadInstitutionsFiles(db, notifier, institutionFiles.map((f) => path.resolve(ROOT_DIR, f)));
    if (settings.production && process.env.GRANTS_FILE) {
      throw new Error('GRANTS_FILE is set in production (NODE_ENV=production): grants come from reviewed applications, not fixture files; unset it');
    }
  },
  async seed(db) {
    // Grants from a file (GRANTS_FILE: development fixtures), never in production.
    const file = process.env.GRANTS_FILE;
    if (!file) return;
    const grants = (JSON.parse(fs.readFileSync(path.resolve(ROOT_DIR, file), 'utf8')) as unknown[]).map(parseGrant);
    await changePolicy(db, notifier, async (tx) => {
      for (const grant of grants) await upsertGrant(tx, grant, undefined, { fixture: true });
    });
  },
  createLoaders: () => ({}),
  prepare: (db) => live.refresh(db),
  resolvers: mergeResolvers(
    auditResolvers({ datasetsOfProvider, subjectKey: process.env.AUDIT_SUBJECT_KEY ?? '' }),
    catalogResolvers(live, { baseUrl: process.env.PUBLIC_BASE_URL ?? 'http://localhost:4000' }) as never,
    catalogChangeResolvers({ live, profile, calendar, notifier, maskSettings }) as never,
    applicationResolvers({ catalog, profile, calendar, notifier, maskSettings }),
    deliveryResolvers({ catalog, profile, calendar }, APPLICATION_SELECT),
    riskReviewResolvers({ load: loadApplication, addStep }),
    purposeBindingResolvers({ catalog, profile, notifier }),
    withdrawalResolvers({ catalog, notifier }),
    grantResolvers({ catalog, notifier, maskSettings }),
    objectionResolvers({ catalog, profile, calendar, maskSettings, writeCorrection: correctionWriter(process.env.GATEWAY_SUBGRAPH_SECRET || undefined) }),
    feedbackResolvers({ catalog, profile, calendar }),
    demandListResolvers({ profile, calendar }),
    dataReturnResolvers({ catalog, profile, calendar, notifier }),
    securityIncidentResolvers({ catalog, notifier }),
    jurisdictionResolvers({ profile }),
    operationResolvers({ notifier }),
    institutionResolvers({ notifier }),
    developerAppResolvers(),
    agreementEndResolvers({ notifier }),
    apiKeyResolvers({ notifier }),
    developerUsageResolvers(),
    productUsageResolvers(),
    authorizedOperationPartyResolvers(),
    authorizedOperationAgreementResolvers({ catalog, calendar, notifier }),
    authorizedOperationProductResolvers({ calendar }),
    authorizedOperationFeeResolvers(),
    authorizedOperationSupervisionResolvers({ catalog, calendar, notifier }),
  ),
  permissions: PLATFORM_PERMISSIONS,
  routes: (db, settings, metrics) => ({
    ...auditRoutes(new AuditAppender(db), settings.gatewaySecret),
    ...policyRoutes(db, settings.gatewaySecret, {
      keyReads: new client.Counter({ name: 'platform_api_key_reads_total', help: "Gateways' reads of API keys: one key's state (read=key) or the set of key ids (read=ids)", labelNames: ['read'], registers: [metrics] }),
    }),
  }),
};

if (require.main === module) {
  if (!process.env.AUDIT_SUBJECT_KEY) {
    console.error('AUDIT_SUBJECT_KEY is not set: data subjects could not be found in the audit log');
    process.exit(1);
  }
  // Ganzi Art.45: the measures are valid for 2 years; past that the operator is told at every start.
  const lapsed = lapsedWarning(profile, chinaDate(new Date()));
  if (lapsed) console.warn(lapsed);
  runSubgraph(platformDomain).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
