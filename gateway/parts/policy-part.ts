// The policy: decided before planning, in a step around the gateway's executor, from each caller's
// policy state (read from the platform, cached, dropped on announced changes). Before anything is
// served, the supergraph must declare the policy vocabulary and the mask settings must protect it.
import { readCatalog, type Catalog } from '../../directives/catalog';
import { checkCatalog } from '../../directives/catalog-check';
import { chinaDate, checkMaskSettings } from '../../directives/inference';
import { createLogger } from '../../lib/log';
import { createPolicySource, type PolicySource } from '../grants/policy-source';
import { createCatalogSource, type CatalogSource } from '../policy/catalog-source';
import { withPolicy } from '../policy/policy-gateway';
import type { GatewaySettings } from '../settings';
import type { GatewayPart, PartContext } from './gateway-part';
import { requireSecret } from './require-secret';

export interface PolicyPart extends GatewayPart {
  policySource: PolicySource;
  catalogSource: CatalogSource;
}

/**
 * Mask settings are checked against the catalog before anything is served (推断控制): a mask that
 * cannot protect its field even alone is refused; narrowings some grants will need are logged.
 */
function checkMasks(catalog: Catalog, settings: GatewaySettings): void {
  const check = checkMaskSettings(catalog, settings.mask, chinaDate(new Date()));
  if (check.unsafe.length) {
    throw new Error(`mask settings leave too little hidden, refusing to start:\n${check.unsafe.map((a) => `  ${a.zh}\n  ${a.en}`).join('\n')}`);
  }
  for (const a of check.narrowedForSomeGrants) createLogger('gateway').info({ coordinate: a.coordinate, configured: a.from, narrowed: a.to }, `per-caller mask narrowing where grants require it: ${a.en}`);
}

/** Undefined for a plain federation gateway (POLICY=off). */
export async function policyPart({ settings, supergraphSdl, platform }: PartContext): Promise<PolicyPart | undefined> {
  if (!settings.policy) return undefined;
  const catalog = readCatalog(supergraphSdl);
  if (!catalog.hasVocabulary) {
    throw new Error(`${settings.supergraphFile} does not declare the policy vocabulary (@share, @open …): refusing to serve it. Set POLICY=off to run a plain federation gateway.`);
  }
  // The compose-time rules, again at start: a supergraph edited by hand or composed elsewhere must not
  // be served with a catalog that breaks them (the entries loaded later are checked the same way).
  const problems = checkCatalog(catalog);
  if (problems.length) {
    throw new Error(`${settings.supergraphFile}: the catalog breaks its rules, refusing to start:\n${problems.map((p) => `  [${p.code}] ${p.message}`).join('\n')}`);
  }
  checkMasks(catalog, settings);
  requireSecret(settings, 'maskHashes');
  const policySource = createPolicySource({
    platform: platform('policyState'),
    cacheMs: settings.grantCacheMs,
    redisUrl: settings.redisUrl,
    redisPrefix: settings.redisPrefix,
  });
  const catalogSource = createCatalogSource({ platform: platform('policyState'), declared: catalog, maskSettings: settings.mask });
  return {
    name: 'policy',
    policySource,
    catalogSource,
    wrap: (gateway) => withPolicy(gateway, { policySource, catalogSource, maskSettings: settings.mask, mode: settings.denialMode }),
    close: () => policySource.close(),
  };
}
