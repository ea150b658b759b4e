// Who acts next on an application, and its steps, as operators and reviewers read them.
import type { Translate } from '../i18n';

export interface ApplicationRow {
  id: string;
  applicantKind: string;
  applicantId: string;
  operator: string;
  purpose: string;
  scenario: string;
  scenarioName: string;
  description: string;
  legalBasis: string | null;
  fields: string[];
  plain: string[];
  plainReason: string | null;
  highLevelFields: string[];
  providerCode: string;
  validFrom: string;
  validUntil: string;
  stages: string[];
  currentStage: string | null;
  status: string;
  filedAt: string;
  dueOn: string | null;
  overdue: boolean;
  decidedAt: string | null;
  refusalBasis: string | null;
  grantId: string | null;
  steps: { stage: string; action: string; actor: string; at: string; dueOn: string | null; note: string | null }[];
}

export const APPLICATION_FIELDS = `id applicantKind applicantId operator purpose scenario scenarioName description legalBasis fields plain plainReason
  highLevelFields providerCode validFrom validUntil stages currentStage status filedAt dueOn overdue decidedAt refusalBasis grantId
  steps { stage action actor at dueOn note }`;

const STAGE_NAMES: Record<string, string> = {
  provider: '数据提供方',
  'big-data-department': '大数据主管部门',
  'data-authority': '数据主管部门',
};

export function stageName(t: Translate, stage: string): string {
  return STAGE_NAMES[stage] ? t(STAGE_NAMES[stage]) : stage;
}

export function nextActor(t: Translate, app: ApplicationRow): string {
  if (!app.currentStage) return t('无（已办结）');
  const who = stageName(t, app.currentStage);
  return app.currentStage === 'provider' ? `${who} ${app.providerCode}` : who;
}

const STATUS_NAMES: Record<string, string> = { PENDING: '审核中', APPROVED: '已批准', REFUSED: '已拒绝' };
export function statusName(t: Translate, status: string): string {
  return STATUS_NAMES[status] ? t(STATUS_NAMES[status]) : status;
}

const ACTION_NAMES: Record<string, string> = { filed: '提交', forwarded: '转交', approved: '批准', refused: '拒绝', 'auto-approved': '自动批准' };
export function actionName(t: Translate, action: string): string {
  return ACTION_NAMES[action] ? t(ACTION_NAMES[action]) : action;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '';
  return iso.length > 10 ? iso.replace('T', ' ').slice(0, 16) : iso;
}
