// A confirmed correction reaches the provider's record (异议、校核, Yunnan Art.22: the institution checks
// and the record is put right; REQUIREMENTS §13 "A confirmed correction changes the provider's
// record"). The provider answers an objection `corrected` with the new value of each field objected
// to; the platform sends each, signed for that data subgraph's correction route only
// (subgraphs/common/record-corrections.ts), and keeps a history the objection shows its raiser and
// the provider: which field, when, by whom, the old and new values masked as the catalog masks them.
import crypto from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Catalog } from '../../directives/catalog';
import { maskValue } from '../../directives/mask';
import type { MaskSettings } from '../../directives/mask';
import type { Queryable } from '../../lib/db/database';
import { RECORD_CORRECTION_PATH, recordCorrectionAudience, serviceUrl } from '../../protocol/internal-paths';
import { signatureHeaders } from '../../protocol/signature';
import { badUserInput } from '../common/errors';
import { loadSubgraphSdl, SUBGRAPHS, subgraphEnvName } from '../registry';
import { isoColumn } from './sql-dates';

export interface FieldCorrection {
  field: string;
  value: string | null;
}

/** Sends one field's new value to the subgraph holding the record; answers the value it replaced. */
export type CorrectionWriter = (typeName: string, key: string, field: string, value: string | number | null, objection: string) => Promise<string | null>;

const unavailable = (subgraph: string, reason: string) =>
  new GraphQLError(`子图「${subgraph}」暂不可用，更正未写入 / subgraph ${subgraph} is unavailable: the correction was not written, retry`, {
    extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph, reason },
  });

const holders = new Map<string, string | undefined>();

/** The data subgraph whose SDL declares `typeName` as its dataset (the record's holder); the SDL files are read once per type. */
function holderOf(typeName: string): string | undefined {
  if (!holders.has(typeName)) {
    const declaration = new RegExp(`\\btype\\s+${typeName}\\s+@dataset\\(`);
    holders.set(typeName, SUBGRAPHS.find((info) => info.name !== 'platform' && declaration.test(loadSubgraphSdl(info)))?.name);
  }
  return holders.get(typeName);
}

/** Writes through the data subgraphs' correction routes (their URLs as the gateway's: SUBGRAPH_URL_<NAME>). */
export function correctionWriter(secret: string | undefined, env: NodeJS.ProcessEnv = process.env, timeoutMs = 5_000): CorrectionWriter {
  return async (typeName, key, field, value, objection) => {
    const subgraph = holderOf(typeName);
    const base = subgraph && env[subgraphEnvName('URL', subgraph)];
    if (!subgraph || !base || !secret) throw unavailable(subgraph ?? typeName, 'UNREACHABLE');
    const url = serviceUrl(base, RECORD_CORRECTION_PATH);
    const body = JSON.stringify({ objection, key, field, value });
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signatureHeaders(secret, { audience: recordCorrectionAudience(subgraph), method: 'POST', path: url.pathname, caller: 'record-correction', body }) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      throw unavailable(subgraph, 'UNREACHABLE');
    }
    if (response.status === 404) throw badUserInput('异议所指记录不存在', 'the record objected to does not exist', { argument: 'id' });
    if (response.status === 400) throw badUserInput(`${field} 的更正值不符合该字段格式`, `the corrected value of ${field} does not fit the field`, { argument: 'corrections', field });
    if (!response.ok) throw unavailable(subgraph, 'FAILED');
    return ((await response.json()) as { old: string | null }).old;
  };
}

/**
 * Checks a provider's corrections against the objection: `corrected` needs a value for the field
 * objected to (or, for an objection to the whole record, for at least one field of it), and only
 * such fields; an answer of not corrected carries none. Throws BAD_USER_INPUT; changes nothing.
 */
export function checkCorrections(catalog: Catalog, typeName: string, keyField: string | undefined, objected: string | null, corrected: boolean, corrections: FieldCorrection[]): void {
  if (!corrected) {
    if (corrections.length) throw badUserInput('未更正的答复不附更正值', 'an answer of not corrected carries no corrected values', { argument: 'corrections' });
    return;
  }
  if (!corrections.length) throw badUserInput('已更正的，须提供更正后的值', 'a correction supplies the corrected value of each field objected to', { argument: 'corrections' });
  const seen = new Set<string>();
  for (const { field } of corrections) {
    if (seen.has(field)) throw badUserInput(`${field} 重复`, `${field} is corrected twice`, { argument: 'corrections', field });
    seen.add(field);
    const policy = catalog.fields.get(`${typeName}.${field}`);
    if (!policy || policy.composite || field === keyField) throw badUserInput(`${field} 不是可更正的字段`, `${field} is not a correctable field of ${typeName}`, { argument: 'corrections', field });
    if (objected && field !== objected) throw badUserInput(`异议针对 ${objected}，只能更正该字段`, `the objection is to ${objected}: only that field is corrected`, { argument: 'corrections', field });
  }
}

/** The value as the data subgraph's column takes it (numbers for numeric fields). */
export function columnValue(catalog: Catalog, typeName: string, { field, value }: FieldCorrection): string | number | null {
  const numeric = ['Float', 'Int'].includes(catalog.fields.get(`${typeName}.${field}`)?.returnType ?? '');
  if (!numeric || value === null) return value;
  const n = Number(value);
  if (!value.trim() || !Number.isFinite(n)) throw badUserInput(`${field} 的更正值应为数字`, `the corrected value of ${field} must be a number`, { argument: 'corrections', field });
  return n;
}

/** A value as the history keeps it: masked as the catalog masks the field (unmasked fields as they are). */
export function maskedForHistory(catalog: Catalog, settings: MaskSettings, coordinate: string, value: string | null): string | null {
  const mask = catalog.fields.get(coordinate)?.mask;
  return value === null || !mask ? value : maskValue(mask, value, settings);
}

export async function recordCorrection(tx: Queryable, entry: { objection: string; field: string; oldValue: string | null; newValue: string | null; by: string; at: Date }): Promise<void> {
  await tx.query(
    `INSERT INTO record_correction (id, objection_id, field, old_value_masked, new_value_masked, corrected_by, corrected_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [`correction-${crypto.randomUUID()}`, entry.objection, entry.field, entry.oldValue, entry.newValue, entry.by, entry.at.toISOString()],
  );
}

export const CORRECTION_SELECT = `field, old_value_masked AS "oldValue", new_value_masked AS "newValue", corrected_by AS "correctedBy", ${isoColumn('corrected_at')} AS "correctedAt"`;
