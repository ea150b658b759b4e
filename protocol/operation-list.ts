// Registered operations (persisted-query safelist): in production a gateway runs only operations an
// admin has registered. The hash is the SHA-256 of the document text, hex — the key Apollo clients
// send as extensions.persistedQuery.sha256Hash, so standard clients work unchanged.
import crypto from 'node:crypto';

/** What a gateway reads from the platform: every operation in force, by hash. */
export interface OperationList {
  version: string;
  operations: Record<string, string>;
}

export function operationHash(document: string): string {
  return crypto.createHash('sha256').update(document).digest('hex');
}
