// The registry of institutions and data authorities (公共机构 / 公共数据主管部门), the platform's record
// of who may hold a token at all and who governs which area. A token is honoured only for an active
// entry of its credit code whose registered division is the token's; an admin token has admin rights
// only for an active authority, and only over its area (directives/jurisdiction.ts). What "in the
// area" means for each thing an admin acts on is decided here, from the registry:
//   - an institution: its registered division;
//   - a grant: its grantee's registered division;
//   - an application or a dataset: its provider's registered division (the provider's authority reviews, Yunnan Art.12 ¶3);
//   - a suspension: the division of what it suspends;
//   - a developer, or an institution nobody registered: no division — the province's alone.
import fs from 'node:fs';
import { GraphQLError } from 'graphql';
import type { Database, Queryable } from '../../lib/db/database';
import { validateCreditCode, validateDivisionCode } from '../../lib/identifiers';
import type { Catalog } from '../../directives/catalog';
import { actsOn, areaOf, isProvinceArea } from '../../directives/jurisdiction';
import type { CallerClaim } from '../../protocol/caller-claim';
import type { InstitutionEntry } from '../../protocol/policy-state';
import { changePolicy } from './grant-writer';
import type { PolicyChangeNotifier } from './policy-state';
import { isoColumn } from './sql-dates';

export type InstitutionKind = 'authority' | 'institution';
export type InstitutionStatus = 'active' | 'deregistered';

export interface Institution extends InstitutionEntry {
  registeredBy: string;
  registeredAt: string;
  registerReason: string | null;
  deregisteredBy: string | null;
  deregisteredAt: string | null;
  deregisterReason: string | null;
  reinstatedBy: string | null;
  reinstatedAt: string | null;
  reinstateReason: string | null;
}

export const INSTITUTION_SELECT = `credit_code AS "creditCode", name, division, kind, status,
  registered_by AS "registeredBy", ${isoColumn('registered_at')} AS "registeredAt", register_reason AS "registerReason",
  deregistered_by AS "deregisteredBy", ${isoColumn('deregistered_at')} AS "deregisteredAt", deregister_reason AS "deregisterReason",
  reinstated_by AS "reinstatedBy", ${isoColumn('reinstated_at')} AS "reinstatedAt", reinstate_reason AS "reinstateReason"`;

/** The registry entry of a credit code (active or deregistered), if any. */
export async function institutionOf(db: Queryable, creditCode: string): Promise<Institution | undefined> {
  return (await db.query<Institution>(`SELECT ${INSTITUTION_SELECT} FROM institution WHERE credit_code = $1`, [creditCode]))[0];
}

/**
 * The area (GB/T 2260 prefix) an admin governs: that of an active registered authority whose token
 * carries role admin and whose token division is the registry's. Undefined otherwise — such a token
 * has no admin rights at all.
 */
export async function authorityAreaOf(db: Queryable, caller: CallerClaim | undefined): Promise<string | undefined> {
  if (caller?.kind !== 'institution' || !caller.id || !(caller.roles ?? []).includes('admin')) return undefined;
  const entry = await institutionOf(db, caller.id);
  if (!entry || entry.kind !== 'authority' || entry.status !== 'active' || entry.division !== caller.division) return undefined;
  return areaOf(entry.division);
}

export function notAnAuthority(): GraphQLError {
  return new GraphQLError('管理员须为已登记的公共数据主管部门 / admin rights belong to registered data authorities only: this institution is not one (or its token names another division)', {
    extensions: { code: 'FORBIDDEN', reason: 'NOT_AN_AUTHORITY' },
  });
}

export function outsideArea(zh: string, en: string): GraphQLError {
  return new GraphQLError(`${zh}不在本主管部门管辖区域内 / ${en} is outside this authority's area`, { extensions: { code: 'FORBIDDEN', reason: 'OUTSIDE_AREA' } });
}

const areas = new WeakMap<object, Promise<string | undefined>>();

/** authorityAreaOf, read once per request context. */
export function adminAreaOf(ctx: { db: Queryable; caller?: CallerClaim }): Promise<string | undefined> {
  let area = areas.get(ctx);
  if (!area) areas.set(ctx, (area = authorityAreaOf(ctx.db, ctx.caller)));
  return area;
}

/** The admin's area, or FORBIDDEN (NOT_AN_AUTHORITY) for an admin token of anyone but an active registered authority. */
export async function requireAdminArea(ctx: { db: Queryable; caller?: CallerClaim }): Promise<string> {
  const area = await adminAreaOf(ctx);
  if (area === undefined) throw notAnAuthority();
  return area;
}

/** Where a registered institution is (deregistered ones too: they stay where they were); undefined when nobody registered it. */
export async function divisionOfInstitution(db: Queryable, creditCode: string): Promise<string | undefined> {
  return (await db.query<{ division: string }>('SELECT division FROM institution WHERE credit_code = $1', [creditCode]))[0]?.division;
}

/** Where a grant is: its grantee's registered division (a developer's grant has none). */
export async function divisionOfGrantee(db: Queryable, grantee: { kind: string; id: string }): Promise<string | undefined> {
  return grantee.kind === 'institution' ? divisionOfInstitution(db, grantee.id) : undefined;
}

/** Where a suspension's target is: an institution, a grant's grantee, a dataset's provider; a developer has no division. */
export async function divisionOfTarget(db: Queryable, catalog: Catalog, target: { kind: string; id: string }): Promise<string | undefined> {
  switch (target.kind) {
    case 'institution':
      return divisionOfInstitution(db, target.id);
    case 'grant': {
      const [grant] = await db.query<{ kind: string; id: string }>('SELECT grantee_kind AS kind, grantee_id AS id FROM grant_record WHERE id = $1', [target.id]);
      return grant ? divisionOfGrantee(db, grant) : undefined;
    }
    case 'dataset': {
      const provider = [...catalog.datasets.values()].find((d) => d.code === target.id)?.providerCode;
      return provider ? divisionOfInstitution(db, provider) : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * SQL condition: the institution named in `column` is in the area. At province level also what has
 * no division (unregistered institutions, developers when `column` may name one), so the province sees all.
 */
export function inAreaSql(column: string, area: string, params: unknown[]): string {
  const prefix = `$${params.push(`${area}%`)}`;
  if (isProvinceArea(area)) return `NOT EXISTS (SELECT 1 FROM institution i WHERE i.credit_code = ${column} AND i.division NOT LIKE ${prefix})`;
  return `EXISTS (SELECT 1 FROM institution i WHERE i.credit_code = ${column} AND i.division LIKE ${prefix})`;
}

/** Throws FORBIDDEN (OUTSIDE_AREA) unless the admin's area acts on `division`. */
export function requireInArea(area: string, division: string | undefined, zh: string, en: string): void {
  if (!actsOn(area, division)) throw outsideArea(zh, en);
}

/** One entry of an institutions file (INSTITUTIONS_FILE). */
export interface InstitutionFixture {
  creditCode: string;
  name: string;
  division: string;
  kind: InstitutionKind;
}

export function parseInstitutionFixture(value: unknown): InstitutionFixture {
  const v = value as Partial<InstitutionFixture> | null;
  const where = JSON.stringify(value);
  if (!v || typeof v !== 'object') throw new Error(`institution entry is not an object: ${where}`);
  if (typeof v.creditCode !== 'string' || !validateCreditCode(v.creditCode).ok) throw new Error(`institution entry has no valid creditCode: ${where}`);
  if (typeof v.name !== 'string' || !v.name.trim()) throw new Error(`institution entry has no name: ${where}`);
  if (typeof v.division !== 'string' || !validateDivisionCode(v.division).ok) throw new Error(`institution entry has no valid division: ${where}`);
  if (v.kind !== 'authority' && v.kind !== 'institution') throw new Error(`institution entry kind must be authority or institution: ${where}`);
  return { creditCode: v.creditCode, name: v.name.trim(), division: v.division, kind: v.kind };
}

/**
 * Loads institutions files (comma-separated paths) at the platform's start: inserts the entries the
 * registry lacks and nothing else — an existing entry is never changed, a deregistered one never
 * reinstated (the authorities' decisions stand over the file).
 */
export async function loadInstitutionsFiles(db: Database, notifier: PolicyChangeNotifier, files: readonly string[]): Promise<number> {
  const entries = files.flatMap((file) => (JSON.parse(fs.readFileSync(file, 'utf8')) as unknown[]).map(parseInstitutionFixture));
  if (!entries.length) return 0;
  return changePolicy(db, notifier, async (tx) => {
    let inserted = 0;
    for (const e of entries) {
      const rows = await tx.query(
        `INSERT INTO institution (credit_code, name, division, kind, registered_by, register_reason) VALUES ($1, $2, $3, $4, 'platform', 'INSTITUTIONS_FILE')
         ON CONFLICT (credit_code) DO NOTHING RETURNING credit_code`,
        [e.creditCode, e.name, e.division, e.kind],
      );
      inserted += rows.length;
    }
    return inserted;
  });
}

/** The admin's area when it is a province's: for what acts platform-wide (the operation safelist), which no lower area may change. */
export async function requireProvinceAuthority(ctx: { db: Queryable; caller?: CallerClaim }): Promise<string> {
  const area = await requireAdminArea(ctx);
  if (!isProvinceArea(area)) throw new GraphQLError('仅省级公共数据主管部门可变更全平台设置 / only a province\'s data authority changes what applies platform-wide', { extensions: { code: 'FORBIDDEN', reason: 'OUTSIDE_AREA' } });
  return area;
}

/** SQL condition: a grant's grantee (grant_record columns) is in the area; developers' grants are the province's. */
export function granteeInAreaSql(area: string, params: unknown[], table = 'grant_record'): string {
  const institutionInArea = inAreaSql(`${table}.grantee_id`, area, params);
  return isProvinceArea(area) ? `(${table}.grantee_kind = 'developer' OR ${institutionInArea})` : `(${table}.grantee_kind = 'institution' AND ${institutionInArea})`;
}
