// The secrets without which a part of the gateway cannot run, in one place: each need names its
// variable and what would go wrong without it — the message that stops the start.
import type { GatewaySettings } from '../settings';

type SecretSetting = 'apiKeySecret' | 'gatewaySubgraphSecret' | 'auditSubjectKey' | 'maskHashKey';

const NEEDS = {
  apiKeys: { setting: 'apiKeySecret', variable: 'API_KEY_SECRET', without: 'developers\' API keys cannot be checked' },
  policyState: { setting: 'gatewaySubgraphSecret', variable: 'GATEWAY_SUBGRAPH_SECRET', without: 'the policy state must be read over signed requests' },
  auditSubjects: { setting: 'auditSubjectKey', variable: 'AUDIT_SUBJECT_KEY', without: 'data subjects cannot be recorded (AUDIT=off disables the audit, for benchmarks only)' },
  maskHashes: { setting: 'maskHashKey', variable: 'MASK_HASH_KEY', without: 'HASH masks would be keyed with a constant anyone can read in the source, so a masked value could be recomputed from a guess' },
  auditBatches: { setting: 'gatewaySubgraphSecret', variable: 'GATEWAY_SUBGRAPH_SECRET', without: 'audit batches must be signed' },
} as const satisfies Record<string, { setting: SecretSetting; variable: string; without: string }>;

export type SecretNeed = keyof typeof NEEDS;

/** Every need: a deployment checks (test/deploy.test.ts) that it provides each one's secret. */
export const SECRET_NEEDS = Object.keys(NEEDS) as SecretNeed[];

export function requireSecret(settings: GatewaySettings, need: SecretNeed): string {
  const { setting, variable, without } = NEEDS[need];
  const value = settings[setting];
  if (!value) throw new Error(`${variable} is not set: ${without}`);
  return value;
}
