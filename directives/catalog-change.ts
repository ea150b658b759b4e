// What a proposed catalog change does: each fact it changes, whether that widens access (more callers
// or plainer values) or narrows it, and whether the catalog it leads to is still lawful. Pure.
//
// Every change is reviewed by the data authority (Yunnan Art.12–13, Kunming Art.11–12, Guiyang Art.13,
// Ganzi Art.8); a provider may not narrow a share or open attribute without that review (Ganzi Art.16,
// 24), and data not shared or not open may be widened only once desensitised or with the right
// holders' consent (the same articles' second sentences).
import type { Catalog } from './catalog';
import { checkCatalog, type CatalogProblem } from './catalog-check';
import { catalogued, type DatasetRecordFacts, type FieldFacts } from './catalog-entries';
import { kindsAllowed } from './reach';
import { DATA_LEVELS, type DataLevel, type FieldPolicy } from './vocabulary';

export type Direction = 'WIDENS' | 'NARROWS' | 'NEUTRAL';
export type ChangeDirection = Direction | 'MIXED';

export interface FactChange {
  /** The coordinate or dataset code changed. */
  target: string;
  fact: string;
  from: string | null;
  to: string | null;
  direction: Direction;
}

const ATTRIBUTE_RANK: Record<string, number> = { NONE: 0, CONDITIONAL: 1, UNCONDITIONAL: 2 };
const levelRank = (level: DataLevel | null | undefined) => (level ? DATA_LEVELS.indexOf(level) : -1);

function compare(more: boolean, less: boolean): Direction {
  return more ? 'WIDENS' : less ? 'NARROWS' : 'NEUTRAL';
}

export function fieldChanges(coordinate: string, before: FieldFacts, after: FieldFacts): FactChange[] {
  const changes: FactChange[] = [];
  const add = (fact: string, from: string | null | undefined, to: string | null | undefined, direction: Direction) => {
    if ((from ?? null) !== (to ?? null)) changes.push({ target: coordinate, fact, from: from ?? null, to: to ?? null, direction });
  };
  const rankOf = (attribute: string) => ATTRIBUTE_RANK[attribute];
  add('share', before.share.attribute, after.share.attribute, compare(rankOf(after.share.attribute) > rankOf(before.share.attribute), rankOf(after.share.attribute) < rankOf(before.share.attribute)));
  add('shareCondition', before.share.condition, after.share.condition, 'NEUTRAL');
  add('legalBasis', before.share.legalBasis, after.share.legalBasis, 'NEUTRAL');
  add('open', before.open.attribute, after.open.attribute, compare(rankOf(after.open.attribute) > rankOf(before.open.attribute), rankOf(after.open.attribute) < rankOf(before.open.attribute)));
  add('openCondition', before.open.condition, after.open.condition, 'NEUTRAL');
  // A mask removed hands out plain values; one added hides them; another strategy is neither.
  add('mask', before.mask, after.mask, compare(before.mask !== null && after.mask === null, before.mask === null && after.mask !== null));
  add('level', before.level, after.level, compare(levelRank(after.level) < levelRank(before.level), levelRank(after.level) > levelRank(before.level)));
  add('withdrawn', String(before.withdrawn), String(after.withdrawn), compare(before.withdrawn && !after.withdrawn, !before.withdrawn && after.withdrawn));
  return changes;
}

export function datasetChanges(code: string, before: DatasetRecordFacts, after: DatasetRecordFacts): FactChange[] {
  const changes: FactChange[] = [];
  for (const fact of Object.keys(after) as (keyof DatasetRecordFacts)[]) {
    const from = String(before[fact]);
    const to = String(after[fact]);
    if (from === to) continue;
    let direction: Direction = 'NEUTRAL';
    if (fact === 'level') direction = compare(levelRank(after.level) < levelRank(before.level), levelRank(after.level) > levelRank(before.level));
    if (fact === 'withdrawn') direction = compare(before.withdrawn && !after.withdrawn, !before.withdrawn && after.withdrawn);
    changes.push({ target: code, fact, from, to, direction });
  }
  return changes;
}

export function directionOf(changes: readonly FactChange[]): ChangeDirection {
  const widens = changes.some((c) => c.direction === 'WIDENS');
  const narrows = changes.some((c) => c.direction === 'NARROWS');
  return widens && narrows ? 'MIXED' : widens ? 'WIDENS' : narrows ? 'NARROWS' : 'NEUTRAL';
}

/** Whether the change makes data shared or open that was not (不予共享/不予开放 → 共享/开放: Ganzi Art.16, 24 ¶2). */
export function widensFromNone(changes: readonly FactChange[]): boolean {
  return changes.some((c) => (c.fact === 'share' || c.fact === 'open') && c.from === 'NONE' && c.direction === 'WIDENS');
}

export type ChangeProblemCode = CatalogProblem['code'] | 'REACH_BEYOND_SUBGRAPH';

export interface ChangeProblem {
  code: ChangeProblemCode;
  coordinate: string;
  message: string;
}

/**
 * Problems of the catalog a change leads to: the compose-time rules (catalog-check.ts) on every
 * coordinate the change touches, and the subgraphs' own boundary: each data subgraph refuses, by
 * caller kind, what its deployed SDL never gives that kind (defense in depth, role-rules.ts), so a
 * change may not make a field reachable by a kind of caller its SDL excludes — that takes a release.
 */
export function problemsOf(declared: Catalog, next: Catalog, touched: ReadonlySet<string>): ChangeProblem[] {
  const problems: ChangeProblem[] = checkCatalog(next).filter((p) => touched.has(p.coordinate));
  for (const coordinate of touched) {
    const after = next.fields.get(coordinate);
    const deployed = declared.fields.get(coordinate);
    if (!after || !deployed) continue;
    const allowed = kindsAllowed(deployed);
    const beyond = [...kindsAllowed(after)].filter((kind) => !allowed.has(kind));
    if (beyond.length) {
      problems.push({
        code: 'REACH_BEYOND_SUBGRAPH',
        coordinate,
        message:
          `${coordinate}：此变更将使${beyond.join('、')}类调用方可访问该字段，超出数据子图部署的边界，须先发布新版本的子图声明 / ` +
          `${coordinate}: this change would let ${beyond.join(', ')} callers reach the field, beyond the boundary its data subgraph was ` +
          `deployed with (its SDL's @share / @open): release the subgraph with the wider declaration first`,
      });
    }
  }
  return problems;
}

/** The coordinates whose facts a change of these entries touches (a dataset's: all its catalogued fields and root fields). */
export function touchedCoordinates(catalog: Catalog, target: { coordinate?: string; dataset?: string }): Set<string> {
  if (target.coordinate) return new Set([target.coordinate]);
  const touched = new Set<string>();
  for (const policy of catalog.fields.values()) {
    const dataset = policy.dataset ?? catalog.rootDatasets.get(policy.coordinate);
    if (dataset?.code === target.dataset && catalogued(policy)) touched.add(policy.coordinate);
  }
  return touched;
}

/** What a change does to one use of a field: its holder loses it, gets it masked, or gets more. */
export type Effect = 'BREAKS' | 'NARROWS' | 'WIDENS' | 'UNCHANGED';
const EFFECT_ORDER: readonly Effect[] = ['BREAKS', 'NARROWS', 'WIDENS', 'UNCHANGED'];

export function strongest(effects: Iterable<Effect>): Effect {
  let best: Effect = 'UNCHANGED';
  for (const effect of effects) if (EFFECT_ORDER.indexOf(effect) < EFFECT_ORDER.indexOf(best)) best = effect;
  return best;
}

/** Institutions read the share side; developers and the public the open side. */
export type Side = 'share' | 'open';

const attributeOn = (policy: FieldPolicy, side: Side) => (policy.withdrawn ? 'NONE' : (side === 'share' ? policy.share?.attribute : policy.open?.attribute) ?? 'NONE');

/**
 * The change of one field for a grantee holding a grant on it (`plain`: the grant lifts its mask):
 * not shared any more breaks the grant; a new mask narrows it; a wider attribute makes the grant
 * unnecessary and a removed mask gives plain values — both widen.
 */
export function effectOnGrant(before: FieldPolicy, after: FieldPolicy, side: Side, plain: boolean): Effect {
  const from = ATTRIBUTE_RANK[attributeOn(before, side)];
  const to = ATTRIBUTE_RANK[attributeOn(after, side)];
  if (to === 0 && from > 0) return 'BREAKS';
  if (!plain && !before.mask && after.mask) return 'NARROWS';
  if (to > from || (!plain && before.mask && !after.mask)) return 'WIDENS';
  return 'UNCHANGED';
}

/**
 * The change of one field for callers who were answered it without knowing their grants (the
 * audit's requests, registered operations): less shared breaks (none) or narrows (a grant needed
 * now); a new mask narrows; for callers who were refused it, a wider attribute widens.
 */
export function effectOnUse(before: FieldPolicy, after: FieldPolicy, side: Side, wasAnswered: boolean): Effect {
  const from = ATTRIBUTE_RANK[attributeOn(before, side)];
  const to = ATTRIBUTE_RANK[attributeOn(after, side)];
  if (wasAnswered) {
    if (to < from) return to === 0 ? 'BREAKS' : 'NARROWS';
    if (!before.mask && after.mask) return 'NARROWS';
    if (before.mask && !after.mask) return 'WIDENS';
    return 'UNCHANGED';
  }
  return to > from ? 'WIDENS' : 'UNCHANGED';
}
