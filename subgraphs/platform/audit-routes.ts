// POST /internal/audit: the gateway's signed batches of audit entries. Answers only after the
// batch is committed. Two forms: `{ entries }` (a gateway waiting for the store before it answers:
// the answer gives the chain positions) and `{ journal, entries }` with each entry's number in that
// gateway's journal (shipped after the gateway's local fsync: the answer gives the journal's mark,
// the highest number the chain holds; an empty batch only asks for it).
import { jsonResponse, readBody, type PlainResponse, type PlainRoutes } from '../../lib/http/http-server';
import { internalRefusal } from '../../protocol/internal-signature';
import type { AuditEntry } from '../../protocol/audit-entry';
import type { AuditAppender, JournalledEntry } from './audit/appender';
import { AUDIT_PATH } from '../../protocol/internal-paths';


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
    (e.reason === undefined || e.reason === null || typeof e.reason === 'string') &&
    (e.highLevelFields === undefined || (Array.isArray(e.highLevelFields) && e.highLevelFields.every((item) => typeof item === 'string')))
  );
}

export function auditRoutes(appender: AuditAppender, secret: string | undefined): PlainRoutes {
  return {
    [`POST ${AUDIT_PATH}`]: async (req) => {
      const body = await readBody(req, 10_000_000);
      const refused = await internalRefusal(req, secret, 'audit', body);
      if (refused) return refused;
      let entries: unknown;
      let journal: unknown;
      try {
        ({ entries, journal } = JSON.parse(body) as { entries?: unknown; journal?: unknown });
      } catch {
        return jsonResponse(400, { error: 'BAD_REQUEST' });
      }
      if (journal !== undefined) {
        if (typeof journal !== 'string' || !/^[\w-]{1,64}$/.test(journal) || !Array.isArray(entries) || !entries.every(isEntry)) return jsonResponse(400, { error: 'BAD_REQUEST' });
        const numbered = entries as JournalledEntry[];
        if (!numbered.every((e, i) => Number.isSafeInteger(e.n) && e.n > 0 && (i === 0 || e.n > numbered[i - 1].n))) return jsonResponse(400, { error: 'BAD_REQUEST' });
        return jsonResponse(200, { mark: await appender.appendJournal(journal, numbered) });
      }
      if (!Array.isArray(entries) || entries.length === 0 || !entries.every(isEntry)) return jsonResponse(400, { error: 'BAD_REQUEST' });
      const records = await appender.append(entries);
      return jsonResponse(200, { seqs: records.map((r) => r.seq) });
    },
  };
}
