// Authorized operation (授权运营, seed 001: 云南省公共数据资源授权运营管理办法（试行）征求意见稿; Yunnan
// Art.37–39): the rules of parties, agreements, product review, fees and supervision, as pure functions
// and constants. The platform's authorized-operation-*.ts modules do the I/O. No I/O here.
import type { Catalog } from './catalog';
import type { Grant } from './grants';
import { PRODUCT_COORDINATES } from './products';

/** 实施机构 / 运营机构 / 开发主体 (seed 001 【术语定义】). */
export const PARTY_KINDS = ['IMPLEMENTING_AGENCY', 'OPERATOR', 'DEVELOPER'] as const;
export type PartyKind = (typeof PARTY_KINDS)[number];

/** Seed 001 【运营机构选择】(二): 运营期限原则上最长不超过5年. */
export const OPERATION_TERM_MAX_MONTHS = 60;
/** Seed 001 【开发主体选择】(四): 协议期限原则上不超过3年. */
export const DEVELOPMENT_TERM_MAX_MONTHS = 36;
/** Seed 001 【开发主体选择】(三): 选定的开发主体向社会公示不少于5个工作日. */
export const PUBLICITY_WORKING_DAYS = 5;
/** Seed 001 【工作评估】: 限期整改 — 30日内完成整改 (calendar days: the measure says 日, not 工作日). */
export const RECTIFICATION_DAYS = 30;
/** Seed 001 【数据质量管理】 ¶2: 数据提供单位自收到校核申请之日起10个工作日内核实、更正并反馈. */
export const QUALITY_CORRECTION_WORKING_DAYS = 10;
/** Seed 001 【开发利用要求】(四): 数据处理日志至少保存5年. */
export const PROCESSING_LOG_RETENTION_YEARS = 5;

/** Seed 001 【产品和服务定价】: 用于公共治理、公益事业的免费提供；用于产业发展、行业发展的可收取运营服务费. */
export const PURPOSES = ['PUBLIC_GOVERNANCE', 'PUBLIC_WELFARE', 'INDUSTRY_DEVELOPMENT'] as const;
export type Purpose = (typeof PURPOSES)[number];
export const isFreePurpose = (purpose: Purpose): boolean => purpose !== 'INDUSTRY_DEVELOPMENT';

/** Seed 001 【术语定义】 数据产品及服务: 脱敏数据集、数据接口、数据模型、数据报告 (数据组件 too). */
export const PRODUCT_KINDS = ['DESENSITISED_DATASET', 'DATA_INTERFACE', 'DATA_COMPONENT', 'DATA_MODEL', 'DATA_REPORT'] as const;

/**
 * Seed 001 【产品和服务审查】 points 1–6, plus quality (【开发利用要求】(二): 符合法律法规和标准规范要求).
 * Every point is recorded pass/fail with a note; one fail rejects the product.
 */
export const REVIEW_POINTS = [
  'PURPOSE_AND_SCOPE', // 1. 是否符合数据的申请用途和使用范围
  'SOURCE_LEGALITY', // 2. 是否注明使用的数据来源及其合法合规性
  'RAW_DATA_EXPOSURE', // 3. 是否存在原始数据、敏感数据直接暴露的风险
  'PERSONAL_INFORMATION', // 4. 是否存在个人信息和商业秘密泄露、滥用等风险
  'CROSS_BORDER', // 5. 是否涉及数据出境
  'OTHER_SECURITY', // 6. 是否存在其他可能危害数据安全和运营合规的风险
  'QUALITY', // 【开发利用要求】(二) 标准规范
] as const;
export type ReviewPoint = (typeof REVIEW_POINTS)[number];

export interface ReviewFinding {
  point: string;
  passed: boolean;
  note: string;
}

/** What is wrong with a review's findings (missing, repeated or unknown points, empty notes), or undefined. */
export function reviewProblem(findings: readonly ReviewFinding[]): { zh: string; en: string } | undefined {
  const unknown = findings.filter((f) => !(REVIEW_POINTS as readonly string[]).includes(f.point)).map((f) => f.point);
  if (unknown.length) return { zh: `未知的审查要点：${unknown.join('、')}`, en: `unknown review points: ${unknown.join(', ')}` };
  const given = findings.map((f) => f.point);
  const missing = REVIEW_POINTS.filter((p) => !given.includes(p));
  if (missing.length || given.length !== REVIEW_POINTS.length) {
    return { zh: `每个审查要点须各记录一次，缺少或重复：${missing.join('、') || '重复'}`, en: `record every review point exactly once; missing or repeated: ${missing.join(', ') || 'repeated'}` };
  }
  if (findings.some((f) => !f.note.trim())) return { zh: '每个审查要点须附说明', en: 'every review point needs a note' };
  return undefined;
}

/** Any fail rejects; all passed makes the product publishable (seed 001 【产品和服务审查】: 评估审查后发布). */
export const reviewOutcome = (findings: readonly ReviewFinding[]): 'rejected' | 'publishable' => (findings.every((f) => f.passed) ? 'publishable' : 'rejected');

/** Seed 001 【产品和服务开发】 ¶4 黑名单: 提醒约谈 (警告), 暂停, 取消开发利用资格, 限制未来参与资格 (禁入, with an end date). */
export const BLACKLIST_MEASURES = ['WARNING', 'SUSPENSION', 'CANCELLATION', 'EXCLUSION'] as const;
export type BlacklistMeasure = (typeof BLACKLIST_MEASURES)[number];
/** A warning is recorded only; the other measures stop product calls and new agreements while in force. */
export const measureBlocks = (measure: BlacklistMeasure): boolean => measure !== 'WARNING';
/** Seed 001 【工作评估】: 通过 / 未通过 / 限期整改. */
export const EVALUATION_OUTCOMES = ['PASSED', 'FAILED', 'RECTIFY'] as const;

/** Whether a term in whole months is within 1..max. */
export const termAllowed = (months: number, max: number): boolean => Number.isInteger(months) && months >= 1 && months <= max;

/**
 * Yunnan Art.38: data whose open attribute is 不予开放 is never operated. The coordinates of `fields`
 * that are 不予开放, withdrawn or not in the catalog at all (deny by default).
 */
export function inoperableFields(catalog: Pick<Catalog, 'fields'>, fields: readonly string[]): { notOpen: string[]; unknown: string[] } {
  const notOpen: string[] = [];
  const unknown: string[] = [];
  for (const coordinate of fields) {
    const policy = catalog.fields.get(coordinate);
    if (!policy || policy.withdrawn) unknown.push(coordinate);
    else if (!policy.open || policy.open.attribute === 'NONE') notOpen.push(coordinate);
  }
  return { notOpen, unknown };
}

/** Seed 001 【开发主体选择】(三)(四): signing only after the publicity's last working day (`publicityEndsOn`, YYYY-MM-DD). */
export const publicityOver = (today: string, publicityEndsOn: string): boolean => today > publicityEndsOn;

/**
 * Seed 001 【开发利用要求】(五): when a party's agreements end (or a blacklist measure stops it), its
 * platform rights over products close — every grant loses the product coordinates, other fields stay.
 */
export function withoutProducts(grants: readonly Grant[]): Grant[] {
  return grants
    .map((g) => ({ ...g, fields: g.fields.filter((f) => !PRODUCT_COORDINATES.includes(f)) }))
    .filter((g) => g.fields.length > 0); // a grant of products only grants nothing now (and a grant without fields is not one)
}

/** One line of a monthly statement: calls × price (fen, integers) — 0 for a free purpose. */
export function statementLine(calls: number, feeFen: number, purpose: Purpose): { unitFeeFen: number; amountFen: number } {
  const unitFeeFen = isFreePurpose(purpose) ? 0 : feeFen;
  return { unitFeeFen, amountFen: calls * unitFeeFen };
}
