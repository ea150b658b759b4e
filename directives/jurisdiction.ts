// Jurisdiction by area: a data authority (公共数据主管部门) of a division governs that division and every
// division below it (Yunnan Art.6 (一), Kunming Art.4 (一): 统筹本行政区域内公共数据资源管理工作). An area is
// written as a GB/T 2260 prefix — '53' Yunnan, '5301' Kunming, '530102' Wuhua — so containment is a
// prefix test. An authority is reviewed, and so registered, by the authority one level up (Yunnan Art.12
// ¶2, Kunming Art.11 ¶2: 报上一级公共数据主管部门审定); an institution by the authority of its own level
// or any above it (Yunnan Art.12 ¶3: 报同级公共数据主管部门审定). Pure: no I/O.
import { divisionPrefix, isKnownDivision } from '../lib/identifiers';

export type JurisdictionLevel = 'province' | 'prefecture' | 'county';

/** The level of a division code (530000 province, 530100 prefecture, 530102 county); undefined for a code the platform does not know. */
export function levelOf(division: string): JurisdictionLevel | undefined {
  if (!isKnownDivision(division)) return undefined;
  if (division.endsWith('0000')) return 'province';
  if (division.endsWith('00')) return 'prefecture';
  return 'county';
}

/** The area an authority of this division governs, as a GB/T 2260 prefix: 530000 → '53', 530100 → '5301', 530102 → '530102'. */
export function areaOf(division: string): string {
  return divisionPrefix(division);
}

/** Whether a division lies in an area (the area's own division included). */
export function covers(area: string, division: string): boolean {
  return area.length >= 2 && /^\d{6}$/.test(division) && division.startsWith(area);
}

/** A province's area ('53'): it governs everything in the province, and what has no place of its own (developers, unregistered institutions). */
export function isProvinceArea(area: string): boolean {
  return area.length === 2;
}

/**
 * Whether an authority of `area` acts on something located in `division`. What has no division
 * (a developer, an institution nobody registered) is the province's alone: the province sees all.
 */
export function actsOn(area: string, division: string | undefined): boolean {
  return division === undefined ? isProvinceArea(area) : covers(area, division);
}

/**
 * Whether an authority of `area` may register, deregister or reinstate a registry entry of this kind
 * in `division`: an institution anywhere in its area; an authority only strictly below it (the level
 * above reviews an authority, Yunnan Art.12 ¶2), so nobody makes or unmakes their own peers.
 */
export function mayKeepRegistryEntry(area: string, entry: { kind: 'authority' | 'institution'; division: string }): boolean {
  if (!covers(area, entry.division)) return false;
  return entry.kind === 'institution' || areaOf(entry.division).length > area.length;
}

/** Why an institution's token is not honoured: nobody registered it, it was deregistered, or its token names another division than the registry. */
export type RegistrationProblem = 'UNREGISTERED' | 'DEREGISTERED' | 'DIVISION_MISMATCH';

/** The problem with an institution token of `tokenDivision` given its registry entry (null or absent: none); undefined when it is honoured. */
export function registrationProblem(tokenDivision: string, entry: { division: string; status: string } | null | undefined): RegistrationProblem | undefined {
  if (!entry) return 'UNREGISTERED';
  if (entry.status !== 'active') return 'DEREGISTERED';
  if (entry.division !== tokenDivision) return 'DIVISION_MISMATCH';
  return undefined;
}
