// Jurisdiction profiles: what differs between Yunnan, Kunming, Guiyang-Gui'an and Ganzi is data
// (deadlines, approval stages, auto-approval, calendar) in the <id>.json files beside this one, not
// code forks.
// Each deadline records the article that sets it and how it was obtained (`basis`), so a reviewer
// can tell a statutory figure from a value the platform chose where a regulation is silent.
import fs from 'node:fs';
import path from 'node:path';
import { isApplicationContent, type ApplicationContent } from '../../../directives/application-contents';
import { BUNDLED_CALENDAR_FILE, CALENDAR_DIR, CHINA_TIME_ZONE, loadCalendar, WorkingCalendar } from '../calendar/working-days';

export const ACTIVE_PROFILE_ENV = 'JURISDICTION_PROFILE';
export const DEFAULT_PROFILE_ID = 'yunnan';
const PROFILE_DIR = __dirname;

/** Each procedure with a deadline, and the event its working days count from (the `startedAt`). */
export const PROCEDURES = {
  unconditionalShareAnswer: 'answer to a request for unconditionally shared data; from the request',
  unconditionalShareDelivery: 'delivery of unconditionally shared data; from the request',
  conditionalShareAnswer: 'provider\'s answer to a conditional-share application; from the provider\'s receipt',
  conditionalShareDelivery: 'delivery after a conditional-share approval; from the answer',
  conditionalOpenAnswer: 'provider\'s answer to a conditional-open application; from receipt',
  conditionalOpenDelivery: 'opening after a conditional-open approval; from the approval',
  objectionAnswer: 'check of an objection / correction request (异议、校核); from receipt',
  dataReturnAnswer: 'answer to a data-return request (数据回流) from a lower level; from the request',
  feedbackDays: 'user\'s report on use and quality of shared data; from delivery of the data',
  catalogUpdate: 'a provider\'s update of its catalog after its legal basis or duties changed; from that change',
  catalogReview: 'the data authority\'s review (审定) of a catalog change; from the proposal',
  catalogAmendment: 'a provider\'s amendment of a catalog change the authority returned; from the return',
  demandAnswer: 'response to a demand (需求清单) for data not in the catalog; from the filing',
} as const;
export type Procedure = keyof typeof PROCEDURES;

/**
 * statute: the cited article sets the figure. inherited: this regulation is silent, the Yunnan
 * profile's figure (and article) is used. platform-default: no regulation sets a figure; one is
 * chosen by analogy and the notes say from what. none: no such deadline (workingDays is null).
 */
export const SLA_BASES = ['statute', 'inherited', 'platform-default', 'none'] as const;
export type SlaBasis = (typeof SLA_BASES)[number];

export interface SlaEntry {
  workingDays: number | null;
  /** Longest allowed extension, where the article permits one (e.g. 云南 第二十二条: 5 → 10). */
  extendableTo?: number;
  /** e.g. "云南 第二十九条". */
  article: string;
  basis: SlaBasis;
  notes?: string;
}

export const APPROVAL_STAGES = ['big-data-department', 'provider'] as const;
export type ApprovalStage = (typeof APPROVAL_STAGES)[number];

export interface JurisdictionProfile {
  id: string;
  name: string;
  /** validUntil: the last day the regulation is in force, where it has a term (Ganzi Art.45: 2 years). */
  regulation: { title: string; inForce: string | null; validUntil?: string; notes?: string };
  /** Calendar JSON file in subgraphs/platform/calendar/. */
  calendar: string;
  /** Reviewers of a conditional-share application, in order. */
  approvalStages: ApprovalStage[];
  /** Reviewers of a conditional-open application where they differ (Guiyang-Gui'an Art.30: the provider alone); else approvalStages. */
  openApprovalStages?: ApprovalStage[];
  /** Unconditional-share requests are granted without a provider's decision. */
  autoApproveUnconditional: boolean;
  approvalBasis: { article: string; notes?: string };
  sla: Record<Procedure, SlaEntry>;
  /** What a conditional-share application must state beyond its scenario, where the regulation lists it (Ganzi Art.18 ¶2). */
  conditionalShareContents?: { required: ApplicationContent[]; article: string };
  /** Objections to open data are checked at once (立即), due the day received, not within objectionAnswer (Guiyang-Gui'an Art.31). */
  openObjectionAtOnce?: { article: string; notes?: string };
  /** Unconditional sharing is granted once the data authority's formal check passes, within unconditionalShareAnswer (Ganzi Art.18 ¶2); the provider is told, not asked. */
  unconditionalFormalCheck?: { article: string; notes?: string };
  /** An objection may be lodged with the data authority, which forwards it within these working days (Yunnan Art.22 ¶2). */
  objectionForwarding?: { workingDays: number; article: string; notes?: string };
  /** A grant that would join personal data across datasets needs the data authority's risk review before approval (Yunnan Art.44, Kunming Art.27). */
  joinRiskReview?: { article: string; notes?: string };
  /**
   * Shared data kept to its purpose: the applicant's undertaking at filing, a purpose change only with
   * the provider's consent, and a review of each grant's use every `useReviewDays` calendar days
   * (Guiyang Art.23, Ganzi Art.19); `useReviewBasis` says whether the text or the platform set the period.
   */
  purposeBinding?: { article: string; useReviewDays: number; useReviewBasis: 'statute' | 'platform-default'; notes?: string };
  /** The public (developers) may file demands for data not yet open, answered by the named provider without a day count (Ganzi Art.27). */
  openDataDemand?: { article: string; notes?: string };
  notes?: string;
}

/** Bad profile JSON; the message names the file and the field. */
export class ProfileError extends Error {
  override readonly name = 'ProfileError';
}

export function knownProfileIds(): string[] {
  return fs.readdirSync(PROFILE_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
}

export function loadProfile(id: string): JurisdictionProfile {
  const known = knownProfileIds();
  if (!known.includes(id)) {
    throw new ProfileError(`unknown jurisdiction profile "${id}"; known profiles: ${known.join(', ')}`);
  }
  const file = path.join(PROFILE_DIR, `${id}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ProfileError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const profile = parseProfile(raw, file);
  if (profile.id !== id) throw new ProfileError(`${file}: id: "${profile.id}" does not match the file name "${id}"`);
  return profile;
}

/** The profile named by $JURISDICTION_PROFILE, or Yunnan's. */
export function loadActiveProfile(env: NodeJS.ProcessEnv = process.env): JurisdictionProfile {
  return loadProfile(env[ACTIVE_PROFILE_ENV]?.trim() || DEFAULT_PROFILE_ID);
}

/** The profile's calendar, with an admin's extra calendar files (e.g. a later year) on top. */
export function calendarFor(profile: JurisdictionProfile, extraFiles: readonly string[] = []): WorkingCalendar {
  const own = profile.calendar === BUNDLED_CALENDAR_FILE ? [] : [path.join(CALENDAR_DIR, profile.calendar)];
  return loadCalendar([...own, ...extraFiles]);
}

/**
 * Due date of `procedure` started at `startedAt` (its calendar day in Beijing time, not counted).
 * `extended` uses the extension the article allows (e.g. objections 5 → 10 with approval).
 * Throws where the profile has no such deadline (basis "none").
 */
export function deadlineFor(
  profile: JurisdictionProfile,
  procedure: Procedure,
  startedAt: Date,
  calendar: WorkingCalendar,
  options: { extended?: boolean } = {},
): { due: string; workingDays: number; article: string } {
  const entry = profile.sla[procedure];
  if (entry.workingDays === null) {
    throw new Error(`profile ${profile.id} sets no deadline for ${procedure} (${entry.article}): ${entry.notes ?? ''}`);
  }
  let workingDays = entry.workingDays;
  if (options.extended) {
    if (entry.extendableTo === undefined) {
      throw new Error(`profile ${profile.id}: ${procedure} cannot be extended (${entry.article})`);
    }
    workingDays = entry.extendableTo;
  }
  return { due: calendar.addWorkingDays(startedAt, workingDays, CHINA_TIME_ZONE), workingDays, article: entry.article };
}

// ---- strict validation: unknown keys, missing keys and wrong types are all errors ----

const ARTICLE = /^\S+ 第[〇零一二三四五六七八九十百]+条$/;

export function parseProfile(raw: unknown, file: string): JurisdictionProfile {
  const fail = (field: string, problem: string): never => {
    throw new ProfileError(`${file}: ${field}: ${problem}`);
  };
  const obj = (x: unknown, field: string, required: string[], optional: string[] = []): Record<string, unknown> => {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) return fail(field, 'expected an object');
    const o = x as Record<string, unknown>;
    for (const k of required) if (!(k in o)) fail(`${field}.${k}`, 'missing');
    for (const k of Object.keys(o)) {
      if (!required.includes(k) && !optional.includes(k)) fail(`${field}.${k}`, `unknown field (allowed: ${[...required, ...optional].join(', ')})`);
    }
    return o;
  };
  const str = (x: unknown, field: string): string =>
    typeof x === 'string' && x.trim() !== '' ? x : fail(field, 'expected a non-empty string');
  const optStr = (x: unknown, field: string): string | undefined => (x === undefined ? undefined : str(x, field));
  const article = (x: unknown, field: string): string =>
    ARTICLE.test(str(x, field)) ? (x as string) : fail(field, `"${x}" is not an article like "云南 第二十九条"`);

  const p = obj(raw, '(root)', ['id', 'name', 'regulation', 'calendar', 'approvalStages', 'autoApproveUnconditional', 'approvalBasis', 'sla'], ['notes', 'openApprovalStages', 'openObjectionAtOnce', 'unconditionalFormalCheck', 'objectionForwarding', 'conditionalShareContents', 'joinRiskReview', 'purposeBinding', 'openDataDemand']);
  const id = str(p.id, 'id');
  if (!/^[a-z0-9-]+$/.test(id)) fail('id', `"${id}" must be lower-case letters, digits and hyphens`);

  const r = obj(p.regulation, 'regulation', ['title', 'inForce'], ['validUntil', 'notes']);
  const inForce = r.inForce === null ? null : str(r.inForce, 'regulation.inForce');
  if (inForce !== null && !/^\d{4}-\d{2}-\d{2}$/.test(inForce)) fail('regulation.inForce', `"${inForce}" must be YYYY-MM-DD or null`);
  const validUntil = optStr(r.validUntil, 'regulation.validUntil');
  if (validUntil !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(validUntil)) fail('regulation.validUntil', `"${validUntil}" must be YYYY-MM-DD`);
  if (validUntil !== undefined && inForce !== null && validUntil < inForce) fail('regulation.validUntil', 'is before inForce');

  const calendar = str(p.calendar, 'calendar');
  if (path.basename(calendar) !== calendar || !fs.existsSync(path.join(CALENDAR_DIR, calendar))) {
    fail('calendar', `"${calendar}" is not a file in subgraphs/platform/calendar/`);
  }

  if (!Array.isArray(p.approvalStages) || p.approvalStages.length === 0) fail('approvalStages', 'expected a non-empty list');
  const stages = (p.approvalStages as unknown[]).map((s, i) =>
    APPROVAL_STAGES.includes(s as ApprovalStage) ? (s as ApprovalStage) : fail(`approvalStages[${i}]`, `"${s}" is not one of ${APPROVAL_STAGES.join(', ')}`));
  if (new Set(stages).size !== stages.length) fail('approvalStages', 'a stage is listed twice');
  let openStages: ApprovalStage[] | undefined;
  if (p.openApprovalStages !== undefined) {
    if (!Array.isArray(p.openApprovalStages) || p.openApprovalStages.length === 0) fail('openApprovalStages', 'expected a non-empty list');
    openStages = (p.openApprovalStages as unknown[]).map((s, i) =>
      APPROVAL_STAGES.includes(s as ApprovalStage) ? (s as ApprovalStage) : fail(`openApprovalStages[${i}]`, `"${s}" is not one of ${APPROVAL_STAGES.join(', ')}`));
    if (new Set(openStages).size !== openStages.length) fail('openApprovalStages', 'a stage is listed twice');
  }
  if (typeof p.autoApproveUnconditional !== 'boolean') fail('autoApproveUnconditional', 'expected true or false');
  const ab = obj(p.approvalBasis, 'approvalBasis', ['article'], ['notes']);

  const s = obj(p.sla, 'sla', Object.keys(PROCEDURES));
  const sla = {} as Record<Procedure, SlaEntry>;
  for (const proc of Object.keys(PROCEDURES) as Procedure[]) {
    const at = `sla.${proc}`;
    const e = obj(s[proc], at, ['workingDays', 'article', 'basis'], ['extendableTo', 'notes']);
    const basis = SLA_BASES.includes(e.basis as SlaBasis) ? (e.basis as SlaBasis) : fail(`${at}.basis`, `"${e.basis}" is not one of ${SLA_BASES.join(', ')}`);
    const days = e.workingDays;
    if (basis === 'none' ? days !== null : !(Number.isInteger(days) && (days as number) >= 0)) {
      fail(`${at}.workingDays`, basis === 'none' ? 'must be null when basis is "none"' : 'expected a whole number ≥ 0');
    }
    if (e.extendableTo !== undefined && !(Number.isInteger(e.extendableTo) && typeof days === 'number' && (e.extendableTo as number) > days)) {
      fail(`${at}.extendableTo`, 'expected a whole number larger than workingDays');
    }
    const art = article(e.article, `${at}.article`);
    if (basis === 'inherited' && !art.startsWith('云南 ')) fail(`${at}.article`, 'an inherited value cites the Yunnan article it comes from');
    const notes = optStr(e.notes, `${at}.notes`);
    if (basis !== 'statute' && notes === undefined) fail(`${at}.notes`, `required when basis is "${basis}": say where the value comes from`);
    sla[proc] = { workingDays: days as number | null, article: art, basis, ...(e.extendableTo !== undefined && { extendableTo: e.extendableTo as number }), ...(notes !== undefined && { notes }) };
  }

  let contents: JurisdictionProfile['conditionalShareContents'];
  if (p.conditionalShareContents !== undefined) {
    const c = obj(p.conditionalShareContents, 'conditionalShareContents', ['required', 'article']);
    if (!Array.isArray(c.required) || !c.required.length) fail('conditionalShareContents.required', 'expected a non-empty list');
    const required = (c.required as unknown[]).map((x, i) => (isApplicationContent(x) ? x : fail(`conditionalShareContents.required[${i}]`, `"${x}" is not legalBasis, businessGoal or securityMeasures`)));
    contents = { required, article: article(c.article, 'conditionalShareContents.article') };
  }

  // An optional entry that names its article, with notes.
  const articleEntry = (name: string): { article: string; notes?: string } | undefined => {
    if (p[name] === undefined) return undefined;
    const o = obj(p[name], name, ['article'], ['notes']);
    const entryNotes = optStr(o.notes, `${name}.notes`);
    return { article: article(o.article, `${name}.article`), ...(entryNotes !== undefined && { notes: entryNotes }) };
  };
  const openObjectionAtOnce = articleEntry('openObjectionAtOnce');
  if (p.unconditionalFormalCheck !== undefined && p.autoApproveUnconditional !== true) fail('unconditionalFormalCheck', 'needs autoApproveUnconditional: true (the grant follows the check)');
  const unconditionalFormalCheck = articleEntry('unconditionalFormalCheck');

  let objectionForwarding: JurisdictionProfile['objectionForwarding'];
  if (p.objectionForwarding !== undefined) {
    const o = obj(p.objectionForwarding, 'objectionForwarding', ['workingDays', 'article'], ['notes']);
    if (!(Number.isInteger(o.workingDays) && (o.workingDays as number) >= 0)) fail('objectionForwarding.workingDays', 'expected a whole number ≥ 0');
    const oNotes = optStr(o.notes, 'objectionForwarding.notes');
    objectionForwarding = { workingDays: o.workingDays as number, article: article(o.article, 'objectionForwarding.article'), ...(oNotes !== undefined && { notes: oNotes }) };
  }

  const joinRiskReview = articleEntry('joinRiskReview');
  const openDataDemand = articleEntry('openDataDemand');

  let purposeBinding: JurisdictionProfile['purposeBinding'];
  if (p.purposeBinding !== undefined) {
    const o = obj(p.purposeBinding, 'purposeBinding', ['article', 'useReviewDays', 'useReviewBasis'], ['notes']);
    if (!(Number.isInteger(o.useReviewDays) && (o.useReviewDays as number) > 0)) fail('purposeBinding.useReviewDays', 'expected a whole number of days > 0');
    if (o.useReviewBasis !== 'statute' && o.useReviewBasis !== 'platform-default') fail('purposeBinding.useReviewBasis', 'expected "statute" or "platform-default"');
    const oNotes = optStr(o.notes, 'purposeBinding.notes');
    purposeBinding = { article: article(o.article, 'purposeBinding.article'), useReviewDays: o.useReviewDays as number, useReviewBasis: o.useReviewBasis as 'statute' | 'platform-default', ...(oNotes !== undefined && { notes: oNotes }) };
  }

  const regulationNotes = optStr(r.notes, 'regulation.notes');
  const approvalNotes = optStr(ab.notes, 'approvalBasis.notes');
  const notes = optStr(p.notes, 'notes');
  return {
    id,
    name: str(p.name, 'name'),
    regulation: { title: str(r.title, 'regulation.title'), inForce, ...(validUntil !== undefined && { validUntil }), ...(regulationNotes !== undefined && { notes: regulationNotes }) },
    calendar,
    approvalStages: stages,
    ...(openStages !== undefined && { openApprovalStages: openStages }),
    autoApproveUnconditional: p.autoApproveUnconditional as boolean,
    approvalBasis: { article: article(ab.article, 'approvalBasis.article'), ...(approvalNotes !== undefined && { notes: approvalNotes }) },
    sla,
    ...(contents !== undefined && { conditionalShareContents: contents }),
    ...(openObjectionAtOnce !== undefined && { openObjectionAtOnce }),
    ...(unconditionalFormalCheck !== undefined && { unconditionalFormalCheck }),
    ...(objectionForwarding !== undefined && { objectionForwarding }),
    ...(joinRiskReview !== undefined && { joinRiskReview }),
    ...(purposeBinding !== undefined && { purposeBinding }),
    ...(openDataDemand !== undefined && { openDataDemand }),
    ...(notes !== undefined && { notes }),
  };
}

/** Whether the profile's regulation has lapsed on `day` (YYYY-MM-DD, Beijing): its term ended (Ganzi Art.45). */
export function regulationLapsed(profile: JurisdictionProfile, day: string): boolean {
  return profile.regulation.validUntil !== undefined && day > profile.regulation.validUntil;
}
