// POST /internal/audit: the gateway's signed batches of audit entries. Answers only after the
// batch is committed, with the chain positions — the gateway releases a response only then.
import type { PlainResponse, PlainRoutes } from '../../lib/http/http-server';
import { readBody } from '../../lib/http/http-server';
import { internalRefusal } from '../../protocol/internal-signature';
import type { AuditEntry } from '../../protocol/audit-entry';
import type { AuditAppender } from './audit/appender';
import { AUDIT_PATH } from '../../protocol/internal-paths';

const json = (status: number, body: unknown): PlainResponse => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const STRING_ARRAYS = ['roles', 'grantIds', 'fieldsReturned', 'fieldsMasked', 'fieldsDenied', 'datasets', 'subjects', 'errorCodes'] as const;
const NULLABLE_STRINGS = ['operator', 'institution', 'scenario', 'operationName', 'operationHash'] as const;

function isEntry(value: unknown): value is AuditEntry {
  const e = value as AuditEntry;
  return (
    typeof e === 'object' && e !== null &&
    typeof e.requestId === 'string' && !Number.isNaN(Date.parse(e.recordedAt)) &&
    (e.kind === 'query' || e.kind === 'control') && typeof e.callerKind === 'string' && typeof e.gatewayInstance === 'string' &&
    ['allowed', 'partial', 'denied', 'error'].includes(e.decision) && Number.isInteger(e.latencyMs) && e.latencyMs >= 0 && e.latencyMs < 2 ** 31 &&
    NULLABLE_STRINGS.every((key) => e[key] === null || typeof e[key] === 'string') &&
    STRING_ARRAYS.every((key) => Array.isArray(e[key]) && e[key].every((item) => typeof item === 'string')) &&
    (e.targets === undefined || (Array.isArray(e.targets) && e.targets.every((item) => typeof item === 'string'))) &&
    (e.reason === undefined || e.reason === null || typeof e.reason === 'string')
  );
}

export function auditRoutes(appender: AuditAppender, secret: string | undefined): PlainRoutes {
  return {
    [`POST ${AUDIT_PATH}`]: async (req) => {
      const body = await readBody(req, 10_000_000);
      const refused = await internalRefusal(req, secret, 'audit', body);
      if (refused) return refused;
      let entries: unknown;
      try {
        entries = (JSON.parse(body) as { entries?: unknown }).entries;
      } catch {
        return json(400, { error: 'BAD_REQUEST' });
      }
      if (!Array.isArray(entries) || entries.length === 0 || !entries.every(isEntry)) return json(400, { error: 'BAD_REQUEST' });
      const records = await appender.append(entries);
      return json(200, { seqs: records.map((r) => r.seq) });
    },
  };
}
