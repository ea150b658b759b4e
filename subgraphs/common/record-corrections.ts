// The provider's write path into its own record: a correction confirmed in answer to an objection
// (异议、校核, Yunnan Art.22: 校核 ends in the record being right) is applied here, to one field of one
// record. Only the platform sends it, signed for this subgraph's correction route (a separate audience
// from the gateway's GraphQL calls, so no caller of the gateway can reach or replay into it); the
// GraphQL schema has no mutation that writes data. Answers the value replaced, for the platform's
// correction history (which keeps it masked).
import type { Database } from '../../lib/db/database';
import { jsonResponse, readBody, type PlainRoutes } from '../../lib/http/http-server';
import { internalRefusal } from '../../protocol/internal-signature';
import { RECORD_CORRECTION_PATH, recordCorrectionAudience } from '../../protocol/internal-paths';
import type { SubgraphSettings } from './settings';
import type { TableSpec } from './table';


export interface CorrectionRequest {
  /** The objection the correction answers (kept in the platform's history, here only for the log). */
  objection: string;
  /** The record's key value (e.g. Person.idNumber). */
  key: string;
  /** GraphQL field name of the corrected column. */
  field: string;
  value: string | number | null;
}

/** Whether `value` fits a column of `type`; a correction never stores a malformed value. */
function fits(type: 'text' | 'date' | 'numeric', value: unknown): boolean {
  if (value === null) return true;
  if (type === 'numeric') return typeof value === 'number' && Number.isFinite(value);
  if (typeof value !== 'string' || value.length > 2000) return false;
  return type === 'text' ? value.trim().length > 0 : /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));
}

/**
 * The route `POST /internal/record-correction` of the subgraph `subgraph`, writing `table` by its key
 * field. The key itself is not corrected here (a different record, not a correction).
 */
export function recordCorrectionRoutes(db: Database, settings: SubgraphSettings, subgraph: string, table: TableSpec, keyField: string): PlainRoutes {
  const key = table.columns.find((c) => c.field === keyField)!;
  return {
    [`POST ${RECORD_CORRECTION_PATH}`]: async (req) => {
      const body = await readBody(req, 100_000);
      const refused = await internalRefusal(req, settings.gatewaySecret, 'record-correction', body, recordCorrectionAudience(subgraph));
      if (refused) return refused;
      let request: CorrectionRequest;
      try {
        request = JSON.parse(body) as CorrectionRequest;
      } catch {
        return jsonResponse(400, { error: 'BAD_REQUEST' });
      }
      const column = table.columns.find((c) => c.field === request.field && c !== key);
      if (!column || typeof request.key !== 'string' || typeof request.objection !== 'string') return jsonResponse(400, { error: 'BAD_REQUEST', problem: 'FIELD' });
      if (!fits(column.type, request.value)) return jsonResponse(400, { error: 'BAD_REQUEST', problem: 'VALUE' });
      const old = await db.transaction(async (tx) => {
        const [row] = await tx.query<{ old: string | null }>(`SELECT ${column.column}::text AS old FROM ${table.name} WHERE ${key.column} = $1 FOR UPDATE`, [request.key]);
        if (!row) return undefined;
        await tx.query(`UPDATE ${table.name} SET ${column.column} = $2::${column.type} WHERE ${key.column} = $1`, [request.key, request.value]);
        return row;
      });
      if (!old) return jsonResponse(404, { error: 'NOT_FOUND' });
      return jsonResponse(200, { old: old.old });
    },
  };
}
