// What a gateway (or the control plane) sends the platform's audit log about one request or action
// (POST AUDIT_PATH, see internal-paths.ts), and how a data subject stands in it: both sides must
// compute the same subject hash, the gateway to record it, the platform to find a subject's records.
import crypto from 'node:crypto';

export interface AuditEntry {
  recordedAt: string; // ISO time of the request
  requestId: string;
  kind: 'query' | 'control';
  gatewayInstance: string;
  callerKind: string;
  operator: string | null;
  institution: string | null;
  roles: string[];
  scenario: string | null;
  grantIds: string[];
  operationName: string | null;
  operationHash: string | null;
  fieldsReturned: string[];
  fieldsMasked: string[];
  fieldsDenied: string[];
  /** Dataset codes touched, so a provider can find the use of its data. */
  datasets: string[];
  /** HMAC-SM3 of each data subject's key (identity number, credit code): never the plain value. */
  subjects: string[];
  decision: 'allowed' | 'partial' | 'denied' | 'error';
  errorCodes: string[];
  latencyMs: number;
  /** Control actions: what they acted on (e.g. institution:<credit code>), never a personal identifier. */
  targets?: string[];
  /** Control actions: the reason given (a suspension's, a revocation's, a refusal's legal basis). */
  reason?: string | null;
  /**
   * The L4+ coordinates (L4, IMPORTANT, CORE) the answer returned, plain or masked: reads of the
   * highest levels are flagged (Ganzi Art.36-37 安全审计; directives/levels.ts). Absent in entries
   * written before it existed.
   */
  highLevelFields?: string[];
}

/** Keyed hash of a data subject's identifier (HMAC-SM3), so the log can be searched without holding it. */
export function subjectHash(key: string, identifier: string): string {
  return crypto.createHmac('sm3', key).update(identifier).digest('hex');
}
