// The levels act at run time (issue 14 item 5): what a field's classification level (分级) demands of
// an application and of the audit. Pure: catalog and coordinates in, facts out. The compose-time
// rules (never open, never below the dataset) are directives/catalog-check.ts's.
//
// Sources: the Data Security Law Art.21 (数据分类分级保护: 重要数据 protected more strictly, 核心数据
// under a stricter regime still) and GB/T 43697-2024 (IMPORTANT = 重要数据, CORE = 核心数据, above
// the general levels L1-L4); the regulations put every platform on that footing — Yunnan Art.11 and
// Art.41 (分类分级 rules and security), Ganzi Art.36 (分类分级, access control, 数据脱敏, 安全审计) and
// Art.37 (安全审计 of 核心数据). How each rule acts is the platform's reading of them, said below.
import type { Catalog } from './catalog';
import type { DataLevel } from './vocabulary';

/** 重要数据 and 核心数据 (GB/T 43697-2024): never open, never approved without a person's review. */
export const IMPORTANT_OR_CORE: ReadonlySet<DataLevel> = new Set<DataLevel>(['IMPORTANT', 'CORE']);

/** L4 and above: reviewed in two stages, plain values only with a stated reason, every read flagged. */
export const HIGH_LEVELS: ReadonlySet<DataLevel> = new Set<DataLevel>(['L4', 'IMPORTANT', 'CORE']);

/**
 * The review an L4+ application gets whatever the jurisdiction profile: the data authority
 * (数据主管部门, the big-data department) first, then the provider — the two-stage path of
 * Guiyang-Gui'an Art.22 ¶2 (向同级大数据部门提出需求申请，审核通过的，转至数据提供方进行审核),
 * applied to the highest levels in every profile.
 */
export const HIGH_LEVEL_REVIEW = ['big-data-department', 'provider'] as const;

/** The data authority's formal check of an unconditional-share application (Ganzi Art.18 ¶2 形式审核): its one stage. */
export const FORMAL_CHECK_STAGE = 'big-data-department';

export function isHighLevel(level: DataLevel | undefined): boolean {
  return level !== undefined && HIGH_LEVELS.has(level);
}

export function isImportantOrCore(level: DataLevel | undefined): boolean {
  return level !== undefined && IMPORTANT_OR_CORE.has(level);
}

/** The L4+ coordinates among these, each once, sorted (a root field counts by its own @level). */
export function highLevelCoordinates(catalog: Catalog, coordinates: Iterable<string>): string[] {
  const found = new Set<string>();
  for (const coordinate of coordinates) if (isHighLevel(catalog.fields.get(coordinate)?.level)) found.add(coordinate);
  return [...found].sort();
}

/** What the levels of an application's fields demand of it. */
export interface ApplicationLevels {
  /** L4+ fields applied for: two-stage review (HIGH_LEVEL_REVIEW). */
  highLevel: string[];
  /** IMPORTANT / CORE fields applied for: never auto-approved, never applied for as open data. */
  importantOrCore: string[];
  /** L4+ fields asked for plain: the application must say why. */
  plainHighLevel: string[];
}

export function applicationLevels(catalog: Catalog, fields: readonly string[], plain: readonly string[]): ApplicationLevels {
  const highLevel = highLevelCoordinates(catalog, fields);
  return {
    highLevel,
    importantOrCore: highLevel.filter((coordinate) => isImportantOrCore(catalog.fields.get(coordinate)?.level)),
    plainHighLevel: highLevel.filter((coordinate) => plain.includes(coordinate)),
  };
}

/** How an application is reviewed once its levels are known. */
export interface ReviewPath {
  /** Granted at filing, without a person's review (profiles that auto-approve unconditional sharing). */
  autoApprove: boolean;
  /** Reviewers in order; ['platform'] when auto-approved. */
  stages: string[];
  /** The levels imposed HIGH_LEVEL_REVIEW (the profile's own stages were set aside). */
  levelReview: boolean;
  /** The profile would have auto-approved it, the levels did not let it. */
  autoApprovalWithheld: boolean;
}

/**
 * The review path of an application: the profile's (auto-approval of unconditional sharing where it
 * allows it, else its stages), except that L4+ data always goes to HIGH_LEVEL_REVIEW and so is never
 * approved automatically — IMPORTANT and CORE data above all (Data Security Law Art.21: 重点保护 /
 * 更加严格的管理制度), even where the profile grants unconditional data on a formal check (Ganzi
 * Art.18 ¶2: 自动取得数据使用授权).
 */
export function reviewPath(
  levels: ApplicationLevels,
  application: { purpose: 'SHARE' | 'OPEN'; unconditional: boolean },
  profile: { approvalStages: readonly string[]; openApprovalStages?: readonly string[]; autoApproveUnconditional: boolean; unconditionalFormalCheck?: unknown },
): ReviewPath {
  const profileWouldAutoApprove = application.purpose === 'SHARE' && application.unconditional && profile.autoApproveUnconditional;
  const levelReview = levels.highLevel.length > 0 || levels.importantOrCore.length > 0;
  // Ganzi Art.18 ¶2: the grant follows the data authority's formal check (1 working day), a stage of its own.
  const formalCheck = profileWouldAutoApprove && !levelReview && profile.unconditionalFormalCheck !== undefined;
  const autoApprove = profileWouldAutoApprove && !levelReview && !formalCheck;
  return {
    autoApprove,
    stages: autoApprove ? ['platform'] : formalCheck ? [FORMAL_CHECK_STAGE] : levelReview ? [...HIGH_LEVEL_REVIEW] : [...(application.purpose === 'OPEN' ? profile.openApprovalStages ?? profile.approvalStages : profile.approvalStages)],
    levelReview,
    autoApprovalWithheld: profileWouldAutoApprove && levelReview,
  };
}
