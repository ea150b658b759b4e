// Grants (授权) as the decision core sees them, and an index answering "which active grant of this
// grantee, for this scenario, covers this coordinate, and may it see the plain value?".

export type GranteeKind = 'institution' | 'developer';

export interface Grant {
  id: string;
  grantee: { kind: GranteeKind; id: string };
  /** The scenario (场景) the grant was approved for; requests must name it. */
  scenario: string;
  /** Field coordinates covered, e.g. "Person.name"; "Person.*" covers every field of a type. */
  fields: readonly string[];
  /** Coordinates (among `fields`) whose values may be returned unmasked. */
  plain?: readonly string[];
  /** ISO timestamps; the grant is active in [validFrom, validUntil). */
  validFrom: string;
  validUntil: string;
  /** Suspended or revoked grants are kept for the record but grant nothing. */
  status?: 'active' | 'suspended' | 'revoked';
  /** 突发事件 emergency grant: time-boxed, reviewed after expiry. */
  emergency?: boolean;
  /** 数据回流: only records of this division (a GB/T 2260 prefix, e.g. 530102) are returned. */
  divisionScope?: string | null;
}

export interface Coverage {
  grantId: string;
  plain: boolean;
  /**
   * 数据回流: the division prefixes the coverage is limited to — every active grant covering the
   * coordinate at this level (plain or masked) is scoped; undefined when one of them is not.
   */
  divisionScope?: string[];
}

export type GrantLookup = (coordinate: string) => Coverage | 'expired' | undefined;

function covers(list: readonly string[] | undefined, coordinate: string): boolean {
  if (!list) return false;
  const typeWildcard = `${coordinate.slice(0, coordinate.indexOf('.'))}.*`;
  return list.includes(coordinate) || list.includes(typeWildcard);
}

/**
 * The grants of one grantee for one scenario, at one instant. A plain grant wins over a masked one
 * when several cover the same coordinate; an expired-only match is reported so the error can say so.
 */
export function grantLookup(grants: readonly Grant[], grantee: { kind: GranteeKind; id: string }, scenario: string, now: Date): GrantLookup {
  const mine = grants.filter((g) => g.grantee.kind === grantee.kind && g.grantee.id === grantee.id && g.scenario === scenario);
  const at = now.getTime();
  // Suspended or revoked grants count as inactive: the caller learns its grant no longer holds.
  const active = mine.filter((g) => (g.status ?? 'active') === 'active' && Date.parse(g.validFrom) <= at && at < Date.parse(g.validUntil));
  const inactive = mine.filter((g) => !active.includes(g));
  return (coordinate) => {
    let found: Coverage | undefined;
    for (const grant of active) {
      if (!covers(grant.fields, coordinate)) continue;
      const plain = covers(grant.plain, coordinate);
      // Plain wins over masked; at the same level an unscoped grant wins over scoped ones, whose
      // divisions add up.
      const scope = grant.divisionScope ? [grant.divisionScope] : undefined;
      if (!found || (plain && !found.plain)) found = { grantId: grant.id, plain, divisionScope: scope };
      else if (plain === found.plain && found.divisionScope) {
        if (!scope) found = { grantId: grant.id, plain };
        else if (!found.divisionScope.includes(scope[0])) found.divisionScope.push(scope[0]);
      }
    }
    if (found) return found;
    return inactive.some((g) => covers(g.fields, coordinate)) ? 'expired' : undefined;
  };
}

/** Checks a grant read from a file or the control plane, so bad data is refused rather than half-applied. */
export function parseGrant(value: unknown): Grant {
  const g = value as Grant;
  const ok =
    typeof g === 'object' && g !== null &&
    typeof g.id === 'string' && g.id.length > 0 && g.id.length <= 128 &&
    (g.grantee?.kind === 'institution' || g.grantee?.kind === 'developer') && typeof g.grantee.id === 'string' &&
    typeof g.scenario === 'string' && g.scenario.length > 0 &&
    Array.isArray(g.fields) && g.fields.length > 0 && g.fields.every((f) => typeof f === 'string' && /^[A-Za-z_]\w*\.(\*|[A-Za-z_]\w*)$/.test(f)) &&
    (g.plain === undefined || (Array.isArray(g.plain) && g.plain.every((f) => typeof f === 'string' && covers(g.fields, f)))) &&
    !Number.isNaN(Date.parse(g.validFrom)) && !Number.isNaN(Date.parse(g.validUntil)) && Date.parse(g.validFrom) < Date.parse(g.validUntil) &&
    (g.divisionScope === undefined || g.divisionScope === null || (typeof g.divisionScope === 'string' && /^\d{2,6}$/.test(g.divisionScope)));
  if (!ok) throw new Error(`invalid grant: ${JSON.stringify(value).slice(0, 200)}`);
  return g;
}

/** The division prefixes a coordinate is limited to under these grants (see Coverage.divisionScope). */
export function scopeOf(lookup: GrantLookup | undefined, coordinate: string): string[] | undefined {
  const coverage = lookup?.(coordinate);
  return typeof coverage === 'object' ? coverage.divisionScope : undefined;
}
