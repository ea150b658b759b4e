// 推断控制 (inference control): a masked value must still hide something once it is read together
// with everything else the same caller may see. A GB 11643 identity number masked to its first 6 and
// last 4 characters hides exactly the 8 birth-date digits, so a plain birth date gives the whole
// number back. Here the candidates a caller is left with are counted exactly (the check digit's
// arithmetic included) and a mask that leaves fewer than MIN_CANDIDATES is tightened for that caller,
// or, where no tightening helps, reported as a conflict for the approver. Pure: no I/O.
import { CITIZEN_ID_WEIGHTS, EARLIEST_BIRTH_YEAR } from '../lib/identifiers/citizen-id';
import type { CallerKind } from './caller';
import type { Catalog } from './catalog';
import { grantLookup, type Grant, type GranteeKind } from './grants';
import type { KeepEnds, MaskSettings } from './mask';
import type { FieldPolicy } from './vocabulary';

/** The fewest values a masked value, read with what the caller sees besides, must leave possible. */
export const MIN_CANDIDATES = 100;

/** How a caller can see a coordinate: plain, masked (its declared mask), or not at all. */
export type Exposure = 'plain' | 'masked' | 'hidden';

/** Coverage of a coordinate by any of the caller's active grants (whatever the scenario). */
export type AnyGrantCoverage = (coordinate: string) => { plain: boolean } | undefined;

/**
 * What a caller of this kind can see of every catalogued field, under any of its active grants and
 * without one. Grants of every scenario count: one caller can ask under each of its scenarios in turn.
 */
export function exposuresOf(catalog: Catalog, kind: CallerKind, coverage: AnyGrantCoverage): Map<string, Exposure> {
  const exposures = new Map<string, Exposure>();
  for (const policy of catalog.fields.values()) {
    if (policy.platform || !policy.dataset) continue;
    exposures.set(policy.coordinate, exposureOf(policy, kind, coverage(policy.coordinate)));
  }
  return exposures;
}

function exposureOf(policy: FieldPolicy, kind: CallerKind, granted: { plain: boolean } | undefined): Exposure {
  const masked: Exposure = policy.mask ? 'masked' : 'plain';
  if (kind === 'institution') {
    const attribute = policy.share?.attribute;
    if (attribute === 'UNCONDITIONAL') return granted?.plain ? 'plain' : masked;
    if (attribute === 'CONDITIONAL' && granted) return granted.plain ? 'plain' : masked;
    return 'hidden';
  }
  // Open data is always masked where a mask is declared (decideOpen).
  const attribute = policy.open?.attribute;
  if (attribute === 'UNCONDITIONAL') return masked;
  if (attribute === 'CONDITIONAL' && kind === 'developer' && granted) return masked;
  return 'hidden';
}

/** Coverage by any active grant of one grantee, whatever the scenario; a plain grant wins. */
export function anyGrantCoverage(grants: readonly Grant[], grantee: { kind: GranteeKind; id: string }, now: Date): AnyGrantCoverage {
  const scenarios = new Set(grants.filter((g) => g.grantee.kind === grantee.kind && g.grantee.id === grantee.id).map((g) => g.scenario));
  const lookups = [...scenarios].map((scenario) => grantLookup(grants, grantee, scenario, now));
  return (coordinate) => {
    let found: { plain: boolean } | undefined;
    for (const lookup of lookups) {
      const coverage = lookup(coordinate);
      if (typeof coverage === 'object' && (!found || coverage.plain)) found = { plain: coverage.plain };
    }
    return found;
  };
}

// ---- GB 11643 identity numbers ------------------------------------------------------------------

/**
 * What a caller knows of one person's identity number: the masked number's kept ends (or the plain
 * number, or nothing), the birth date (plain, its year under DATE_TO_YEAR, or nothing) and the gender
 * (parity of character 17). The division code (characters 1–6) is taken as known: it is shared
 * unconditionally and the mask keeps it anyway, so assuming it can only under-count candidates.
 */
export interface CitizenIdKnowledge {
  idNumber: KeepEnds | 'plain' | 'hidden';
  birthDate: Exposure;
  gender: boolean;
}

export interface CitizenIdCandidates {
  /** Identity numbers consistent with what is seen, for the least favourable person. */
  idNumber: number;
  /** Birth dates consistent with what is seen, for the least favourable person. */
  birthDate: number;
}

interface Group {
  size: number;
  /** How many members have each weighted-sum residue (mod 11) over their digits. */
  residues: number[];
}

function knownPositions(knowledge: CitizenIdKnowledge): boolean[] {
  const known = Array.from({ length: 18 }, (_, i) => i < 6);
  const id = knowledge.idNumber;
  if (id === 'plain') known.fill(true);
  else if (id !== 'hidden') for (let i = 0; i < 18; i++) if (i < id.start || i >= 18 - id.end) known[i] = true;
  if (knowledge.birthDate === 'plain') for (let i = 6; i < 14; i++) known[i] = true;
  if (knowledge.birthDate === 'masked') for (let i = 6; i < 10; i++) known[i] = true;
  return known;
}

/** Members grouped by what the caller sees of them; groups with the same residue profile merged. */
function groupBy(members: readonly string[], offset: number, known: readonly boolean[], extraKey: (member: string) => string): Group[] {
  const groups = new Map<string, Group>();
  for (const member of members) {
    let key = extraKey(member);
    let residue = 0;
    for (let i = 0; i < member.length; i++) {
      if (known[offset + i]) key += member[i];
      else key += '_';
      residue += (member.charCodeAt(i) - 48) * CITIZEN_ID_WEIGHTS[offset + i];
    }
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { size: 0, residues: new Array(11).fill(0) }));
    group.size++;
    group.residues[residue % 11]++;
  }
  const distinct = new Map<string, Group>();
  for (const group of groups.values()) distinct.set(group.residues.join(','), group);
  return [...distinct.values()];
}

const datesCache = new Map<string, string[]>();

/** Every valid birth date (YYYYMMDD) from EARLIEST_BIRTH_YEAR to `today`. */
function birthDates(today: string): string[] {
  let dates = datesCache.get(today);
  if (dates) return dates;
  dates = [];
  const end = Date.parse(`${today}T00:00:00Z`);
  for (let t = Date.UTC(EARLIEST_BIRTH_YEAR, 0, 1); t <= end; t += 86_400_000) dates.push(new Date(t).toISOString().slice(0, 10).replace(/-/g, ''));
  datesCache.clear();
  datesCache.set(today, dates);
  return dates;
}

const SEQUENCES = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));
const countCache = new Map<string, CitizenIdCandidates>();

/**
 * Counts exactly the identity numbers and birth dates a caller is left with, for the least favourable
 * person (the minimum over every combination of what could be seen). `today` bounds birth dates.
 */
export function citizenIdCandidates(knowledge: CitizenIdKnowledge, today: string): CitizenIdCandidates {
  const cacheKey = `${JSON.stringify(knowledge)}|${today}`;
  const cached = countCache.get(cacheKey);
  if (cached) return cached;
  const known = knownPositions(knowledge);
  const dateGroups = groupBy(birthDates(today), 6, known, () => '');
  const sequenceGroups = groupBy(SEQUENCES, 14, known, (s) => (knowledge.gender ? String((s.charCodeAt(2) - 48) % 2) : ''));
  let idNumber = Number.POSITIVE_INFINITY;
  let birthDate = Number.POSITIVE_INFINITY;
  for (const dates of dateGroups) {
    for (const sequences of sequenceGroups) {
      if (!known[17]) {
        // The check character is hidden: it follows from the rest and narrows nothing.
        idNumber = Math.min(idNumber, dates.size * sequences.size);
        birthDate = Math.min(birthDate, dates.size);
        continue;
      }
      // A visible check character fixes the residue of the hidden digits' weighted sum; the division
      // part is a constant, so every residue r is possible for some person: take the least favourable.
      for (let r = 0; r < 11; r++) {
        let numbers = 0;
        let days = 0;
        for (let a = 0; a < 11; a++) {
          const matching = dates.residues[a] === 0 ? 0 : sequences.residues[(r - a + 11) % 11];
          numbers += dates.residues[a] * matching;
          if (matching > 0) days += dates.residues[a];
        }
        if (numbers === 0) continue; // no person can look like this
        idNumber = Math.min(idNumber, numbers);
        birthDate = Math.min(birthDate, days);
      }
    }
  }
  const result = { idNumber, birthDate };
  if (countCache.size > 1000) countCache.clear();
  countCache.set(cacheKey, result);
  return result;
}

// ---- the other masks ----------------------------------------------------------------------------

/** Phone numbers: 11 digits, nothing else about them is shared; candidates are the hidden digits' span. */
export function phoneCandidates(keep: KeepEnds): number {
  return 10 ** Math.max(0, 11 - keep.start - keep.end);
}

/**
 * GB 32100 credit codes: characters 9–16 are the organisation code's body (36 symbols each); the
 * registration authority, kind and division (1–8) are public facts, so assumed known. A visible
 * organisation check (17) or overall check (18) character divides the span (taken as uniform).
 */
export function creditCodeCandidates(keep: KeepEnds): number {
  let hiddenBody = 0;
  for (let i = 8; i < 16; i++) if (i >= keep.start && i < 18 - keep.end) hiddenBody++;
  if (hiddenBody === 0) return 1;
  let span = 36 ** hiddenBody;
  if (keep.end >= 2) span /= 11;
  if (keep.end >= 1) span /= 31;
  return Math.floor(span);
}

// ---- effective masks per caller -----------------------------------------------------------------

/** Sibling fields of an ID_NUMBER-masked field that carry parts of the number (same record). */
const CITIZEN_ID_PARTS = { birthDate: 'birthDate', gender: 'gender' } as const;

export interface MaskAdjustment {
  coordinate: string;
  from: KeepEnds;
  to: KeepEnds;
  /** Candidates the configured mask would have left, and those left now. */
  before: number;
  after: number;
  zh: string;
  en: string;
}

/** A masked value that stays guessable whatever its own mask keeps (the number it derives from is plain). */
export interface InferenceConflict {
  coordinate: string;
  revealedBy: string;
  candidates: number;
  zh: string;
  en: string;
}

export interface EffectiveMasks {
  settings: MaskSettings;
  adjustments: MaskAdjustment[];
  conflicts: InferenceConflict[];
}

function describeKeep(keep: KeepEnds): string {
  return `${keep.start},${keep.end}`;
}

/** The kept ends, no wider than `keep`, keeping the most characters that still leave enough candidates. */
function tighten(keep: KeepEnds, enough: (candidate: KeepEnds) => boolean): KeepEnds {
  const options: KeepEnds[] = [];
  for (let start = keep.start; start >= 0; start--) for (let end = keep.end; end >= 0; end--) options.push({ start, end });
  // Most characters kept first; on a tie, keep the leading ones (the division code, public anyway).
  options.sort((a, b) => b.start + b.end - (a.start + a.end) || b.start - a.start);
  return options.find(enough) ?? { start: 0, end: 0 };
}

/**
 * The mask settings that are safe for a caller who sees `exposures`: every configured keep that would
 * leave fewer than MIN_CANDIDATES is narrowed (and reported); masked values that no narrowing can
 * protect are reported as conflicts. `today` is YYYY-MM-DD in China.
 */
export function effectiveMasks(catalog: Catalog, base: MaskSettings, exposures: ReadonlyMap<string, Exposure>, today: string): EffectiveMasks {
  const settings: MaskSettings = { ...base };
  const adjustments: MaskAdjustment[] = [];
  const conflicts: InferenceConflict[] = [];
  for (const policy of catalog.fields.values()) {
    const exposure = exposures.get(policy.coordinate);
    if (policy.mask === 'ID_NUMBER') {
      const sibling = (field: string) => exposures.get(`${policy.typeName}.${field}`) ?? 'hidden';
      const birthDate = sibling(CITIZEN_ID_PARTS.birthDate);
      const gender = sibling(CITIZEN_ID_PARTS.gender) === 'plain';
      const birthCoordinate = `${policy.typeName}.${CITIZEN_ID_PARTS.birthDate}`;
      if (exposure === 'plain' && birthDate === 'masked') {
        conflicts.push({
          coordinate: birthCoordinate,
          revealedBy: policy.coordinate,
          candidates: 1,
          zh: `${birthCoordinate} 脱敏返回，但 ${policy.coordinate} 明文返回且包含出生日期：请同时明文授权出生日期，或对身份号码脱敏`,
          en: `${birthCoordinate} is masked but ${policy.coordinate} is plain and contains the birth date: grant the birth date plain too, or keep the number masked`,
        });
        continue;
      }
      if (exposure !== 'masked') continue;
      const counts = (keep: KeepEnds) => citizenIdCandidates({ idNumber: keep, birthDate, gender }, today);
      const safe = (keep: KeepEnds) => {
        const c = counts(keep);
        return c.idNumber >= MIN_CANDIDATES && (birthDate !== 'masked' || c.birthDate >= MIN_CANDIDATES);
      };
      const configured = settings.idNumber;
      if (safe(configured)) continue;
      const narrowed = tighten(configured, safe);
      settings.idNumber = narrowed;
      const before = Math.min(counts(configured).idNumber, birthDate === 'masked' ? counts(configured).birthDate : Infinity);
      const after = counts(narrowed).idNumber;
      adjustments.push({
        coordinate: policy.coordinate,
        from: configured,
        to: narrowed,
        before,
        after,
        zh: `${policy.coordinate} 的脱敏规则由保留首尾 ${describeKeep(configured)} 位收紧为 ${describeKeep(narrowed)} 位：与该调用方可见的出生日期、性别、区划及校验码规则合并后，原规则只剩 ${before} 个可能值（不足 ${MIN_CANDIDATES}），现为 ${after} 个`,
        en: `${policy.coordinate} mask narrowed from keeping ${describeKeep(configured)} to ${describeKeep(narrowed)} characters: read with what the same caller sees besides (birth date, gender, division, the check digit's arithmetic), the configured mask left ${before} possible values (fewer than ${MIN_CANDIDATES}); now ${after}`,
      });
    } else if (exposure === 'masked' && (policy.mask === 'PHONE' || policy.mask === 'CREDIT_CODE')) {
      const key = policy.mask === 'PHONE' ? 'phone' : 'creditCode';
      const count = policy.mask === 'PHONE' ? phoneCandidates : creditCodeCandidates;
      const configured = settings[key];
      if (count(configured) >= MIN_CANDIDATES) continue;
      const narrowed = tighten(configured, (keep) => count(keep) >= MIN_CANDIDATES);
      settings[key] = narrowed;
      adjustments.push({
        coordinate: policy.coordinate,
        from: configured,
        to: narrowed,
        before: count(configured),
        after: count(narrowed),
        zh: `${policy.coordinate} 的脱敏规则由保留首尾 ${describeKeep(configured)} 位收紧为 ${describeKeep(narrowed)} 位：原规则只剩 ${count(configured)} 个可能值`,
        en: `${policy.coordinate} mask narrowed from keeping ${describeKeep(configured)} to ${describeKeep(narrowed)} characters: the configured mask left ${count(configured)} possible values`,
      });
    }
  }
  return { settings, adjustments, conflicts };
}

/** Exposure of a caller with no grant at all: what the mask settings must protect on their own. */
export function ungrantedExposures(catalog: Catalog, kind: CallerKind): Map<string, Exposure> {
  return exposuresOf(catalog, kind, () => undefined);
}

export interface MaskSettingsCheck {
  /** Masks that leave too few candidates even when their field is the only one granted: refuse them. */
  unsafe: MaskAdjustment[];
  /** Narrowings that apply to callers granted every conditional field masked (done per caller at run time). */
  narrowedForSomeGrants: MaskAdjustment[];
}

/**
 * Checks mask settings on their own, at start (where a setting changes): a mask that cannot protect
 * its field even when that field is all a caller is granted (besides what is shared unconditionally,
 * or open) is unsafe; narrowings that only some grant combinations need are listed, for the log.
 */
export function checkMaskSettings(catalog: Catalog, settings: MaskSettings, today: string): MaskSettingsCheck {
  const unsafe: MaskAdjustment[] = [];
  const masked = [...catalog.fields.values()].filter((p) => p.mask && p.dataset && !p.platform).map((p) => p.coordinate);
  // Each masked field as if it were visible (whatever its attributes say today: they can change).
  const ungranted = ungrantedExposures(catalog, 'institution');
  const alone = masked.map((coordinate) => new Map([...ungranted, [coordinate, 'masked' as Exposure]]));
  const baselines = (['developer', 'anonymous'] as const).map((kind) => ungrantedExposures(catalog, kind));
  for (const exposures of [...alone, ...baselines]) {
    for (const adjustment of effectiveMasks(catalog, settings, exposures, today).adjustments) {
      if (!unsafe.some((p) => p.coordinate === adjustment.coordinate)) unsafe.push(adjustment);
    }
  }
  const everythingMasked = exposuresOf(catalog, 'institution', () => ({ plain: false }));
  return { unsafe, narrowedForSomeGrants: effectiveMasks(catalog, settings, everythingMasked, today).adjustments };
}

/** Today's date in China (UTC+8), as birth dates are written. */
export function chinaDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
