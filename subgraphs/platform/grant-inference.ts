// Inference control when a grant is approved (推断控制, issue 11 hole 1): what the grantee will see
// under all its active grants together, this one included, is checked before the grant is written.
// A masked value that no mask can protect (the birth date masked while the identity number it is part
// of is plain) refuses the approval; a mask that must be narrowed for this grantee is reported to the
// approver, and the gateways narrow it on every request (directives/inference.ts).
import { GraphQLError } from 'graphql';
import type { Catalog } from '../../directives/catalog';
import type { Grant } from '../../directives/grants';
import { anyGrantCoverage, chinaDate, effectiveMasks, exposuresOf, type EffectiveMasks } from '../../directives/inference';
import type { MaskSettings } from '../../directives/mask';
import type { Queryable } from '../../lib/db/database';
import { GRANT_SELECT, toGrant } from './policy-state';

export interface GrantInferenceDeps {
  catalog: Catalog;
  maskSettings: MaskSettings;
}

/** The masks the grantee would get with `grant` added to (or replacing) its current grants. */
export async function reviewGrant(tx: Queryable, deps: GrantInferenceDeps, grant: Grant, now = new Date()): Promise<EffectiveMasks> {
  const rows = await tx.query<Parameters<typeof toGrant>[0]>(
    `SELECT ${GRANT_SELECT} FROM grant_record WHERE grantee_kind = $1 AND grantee_id = $2 AND id <> $3`,
    [grant.grantee.kind, grant.grantee.id, grant.id],
  );
  const grants = [...rows.map(toGrant), grant];
  const exposures = exposuresOf(deps.catalog, grant.grantee.kind, anyGrantCoverage(grants, grant.grantee, now));
  return effectiveMasks(deps.catalog, deps.maskSettings, exposures, chinaDate(now));
}

/** Refuses a grant whose masked values could be worked out whatever the masks keep. */
export function refuseConflicts(review: EffectiveMasks): void {
  if (review.conflicts.length === 0) return;
  const zh = review.conflicts.map((c) => c.zh).join('；');
  const en = review.conflicts.map((c) => c.en).join('; ');
  throw new GraphQLError(`该授权会使脱敏字段可被推算：${zh} / the grant would let masked values be worked out: ${en}`, {
    extensions: { code: 'MASK_INFERENCE_CONFLICT', conflicts: review.conflicts.map((c) => ({ coordinate: c.coordinate, revealedBy: c.revealedBy })) },
  });
}

/** What the approver is told about masks narrowed for this grantee (bilingual, one line each). */
export function maskNotes(review: EffectiveMasks): string[] {
  return review.adjustments.map((a) => `${a.zh} / ${a.en}`);
}
