// The registry of institutions every test stack starts with (INSTITUTIONS_FILE, set by startStack
// unless a test sets its own): the development fixtures, plus the institutions tests mint tokens for.
// Tokens are honoured only for an active entry and its division, so Credentials.token takes an
// institution's registered division when a test names none.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { divisionOfCreditCode, isKnownDivision, makeCreditCode } from '../../lib/identifiers';
import { creditCodeAt, DEFAULT_SEED } from '../../subgraphs/seed/generator';
import type { InstitutionFixture } from '../../subgraphs/platform/institution-registry';

const ROOT = path.resolve(__dirname, '../..');
export const DEV_INSTITUTIONS_FILE = path.join(ROOT, 'gateway/fixtures/institutions.dev.json');
const DEV_INSTITUTIONS = JSON.parse(fs.readFileSync(DEV_INSTITUTIONS_FILE, 'utf8')) as InstitutionFixture[];

/** The data authorities (公共数据主管部门) of the development fixtures. */
export const PROVINCE_AUTHORITY = '115300000152010080'; // 云南省数据局, 530000
export const KUNMING_AUTHORITY = '11530100015301009T'; // 昆明市数据局, 530100
export const QUJING_AUTHORITY = '115303000153030044'; // 曲靖市数据局, 530300

/** Where a test institution without a Yunnan division of its own is registered. */
const TEST_DIVISION = '530100';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

const testInstitution = (creditCode: string, name: string): InstitutionFixture => {
  const embedded = divisionOfCreditCode(creditCode);
  // In Yunnan (the development registry's province, whose authority the suites use as admin), where its code was issued if that is Yunnan.
  return { creditCode, name, division: embedded.startsWith('53') && isKnownDivision(embedded) ? embedded : TEST_DIVISION, kind: 'institution' };
};

export const TEST_INSTITUTIONS: readonly InstitutionFixture[] = [
  ...DEV_INSTITUTIONS,
  // Civil affairs bureaus of two counties outside the seeded prefectures (division-tokens.test.ts).
  { creditCode: makeCreditCode('1', '1', '530602', '01530602'), name: '昭通市昭阳区民政局', division: '530602', kind: 'institution' },
  { creditCode: makeCreditCode('1', '1', '533102', '01533102'), name: '德宏州瑞丽市民政局', division: '533102', kind: 'institution' },
  // A county office of Kunming (control-plane-holes.test.ts).
  { creditCode: makeCreditCode('1', '1', '530102', '01530120'), name: '昆明市五华区民政局', division: '530102', kind: 'institution' },
  // Seeded legal entities some tests use as institutions (verification budgets, suspensions, the replicas'
  // callers under load), and the abuse suite's callers.
  ...[...range(0, 6), ...range(200, 224), 300, 301, ...range(9_000_001, 9_000_005)].map((k) => testInstitution(creditCodeAt(DEFAULT_SEED, k), `测试机构 ${k}`)),
];

const BY_CODE = new Map(TEST_INSTITUTIONS.map((i) => [i.creditCode, i]));

/** An institution's registered division in the test registry, if it is there. */
export function registeredDivision(creditCode: string): string | undefined {
  return BY_CODE.get(creditCode)?.division;
}

let written: string | undefined;

/** The test registry as a file for INSTITUTIONS_FILE (written once per process). */
export function testInstitutionsFile(): string {
  if (written && fs.existsSync(written)) return written;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pd-institutions-')), 'institutions.json');
  fs.writeFileSync(file, JSON.stringify(TEST_INSTITUTIONS));
  process.once('exit', () => fs.rmSync(path.dirname(file), { recursive: true, force: true }));
  return (written = file);
}
