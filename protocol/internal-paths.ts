// The platform's internal endpoints, which only gateways call (signed: see signature.ts and
// internal-signature.ts). They sit beside the platform's /graphql, so a gateway finds them from the
// routing URL the supergraph gives the platform.

/** GET ?kind=&id=: a grantee's policy state (policy-state.ts); without kind and id, the anonymous caller's. */
export const POLICY_STATE_PATH = '/internal/policy-state';
/** GET: the operations in force in safelist mode (operation-list.ts). */
export const OPERATIONS_PATH = '/internal/operations';
/** GET: the catalog's entries in force (directives/catalog-entries.ts CatalogEntries). */
export const CATALOG_PATH = '/internal/catalog';
/** GET ?id=&digest=: a platform-issued API key's state (api-key.ts ApiKeyState); 404 when no key has the id. */
export const API_KEY_PATH = '/internal/api-key';
/** GET: the ids of every platform-issued API key ({ ids: string[] }), so a gateway refuses unknown ids without a read each. */
export const API_KEY_IDS_PATH = '/internal/api-key-ids';
/** POST {entries}: a batch of audit entries (audit-entry.ts), answered once committed. */
export const AUDIT_PATH = '/internal/audit';

/**
 * POST {objection, field, value, key}: on a data subgraph, a provider's confirmed correction of one field
 * of its record (Yunnan Art.22), sent by the platform only (audience `recordCorrectionAudience(name)`).
 */
export const RECORD_CORRECTION_PATH = '/internal/record-correction';
/** The receiver a record correction is signed for: one data subgraph, never the platform or a GraphQL call. */
export const recordCorrectionAudience = (subgraph: string): string => `internal:${subgraph}:record-correction`;

/** `path` on the service whose GraphQL endpoint is `graphqlUrl` (its internal endpoints, its /healthz). */
export function serviceUrl(graphqlUrl: string, path: string): URL {
  const url = new URL(graphqlUrl);
  url.pathname = url.pathname.replace(/\/graphql$/, '') + path;
  return url;
}
