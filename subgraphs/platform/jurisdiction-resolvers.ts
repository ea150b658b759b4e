// The jurisdiction profile in force, as callers may see it: which regulation, since and until when.
// A regulation with a term (Ganzi Art.45: valid for 2 years) lapses; the platform keeps running on it
// but says so, here and at start-up, so that an operator replaces or renews the profile.
import type { GraphQLResolverMap } from '../../lib/package-internals';
import { regulationLapsed, type JurisdictionProfile } from './profiles/profile';
import type { SubgraphContext } from '../common/run-subgraph';
import { chinaDay } from './sql-dates';

type Context = SubgraphContext<Record<string, never>>;

/** The bilingual warning for a lapsed regulation, or undefined while it is in force. */
export function lapsedWarning(profile: JurisdictionProfile, day: string): string | undefined {
  if (!regulationLapsed(profile, day)) return undefined;
  return `《${profile.regulation.title}》有效期已于 ${profile.regulation.validUntil} 届满，请更新管辖配置 / ` +
    `the regulation of profile "${profile.id}" lapsed after ${profile.regulation.validUntil}: renew or replace the profile`;
}

export function jurisdictionResolvers(deps: { profile: JurisdictionProfile; now?: () => Date }): GraphQLResolverMap<Context> {
  const now = deps.now ?? (() => new Date());
  return {
    Query: {
      jurisdiction: () => {
        const { profile } = deps;
        const today = chinaDay(now());
        return {
          id: profile.id,
          name: profile.name,
          regulation: profile.regulation.title,
          inForce: profile.regulation.inForce,
          validUntil: profile.regulation.validUntil ?? null,
          lapsed: regulationLapsed(profile, today),
          warning: lapsedWarning(profile, today) ?? null,
        };
      },
    },
  };
}
