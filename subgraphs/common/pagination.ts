// Keyset (cursor) pagination: stable under inserts and O(page) at any depth, unlike OFFSET.
// Cursors are encrypted (SM4) and authenticated (HMAC-SM3): the key they carry is often a personal
// identifier, and a caller who may not see the identity number must not read it out of a cursor.
import crypto from 'node:crypto';
import { badUserInput } from './errors';

let cursorKeys = deriveCursorKeys('development cursor secret — set GATEWAY_SUBGRAPH_SECRET');

function deriveCursorKeys(secret: string): { cipher: Buffer; mac: Buffer } {
  const material = crypto.createHash('sm3').update(`cursor:${secret}`).digest();
  return { cipher: material.subarray(0, 16), mac: material.subarray(16, 32) };
}

/** Sets the secret cursors are sealed with; replicas sharing it accept each other's cursors. */
export function configureCursorSecret(secret: string): void {
  cursorKeys = deriveCursorKeys(secret);
}

function cursorMac(data: Buffer): Buffer {
  return crypto.createHmac('sm3', cursorKeys.mac).update(data).digest().subarray(0, 16);
}

export const MAX_PAGE_SIZE = 1000;
export const MAX_BATCH_KEYS = 1000;

export function encodeCursor(key: string): string {
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('sm4-cbc', cursorKeys.cipher, iv);
  const sealed = Buffer.concat([iv, cipher.update(key, 'utf8'), cipher.final()]);
  return Buffer.concat([sealed, cursorMac(sealed)]).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): string | null {
  if (cursor == null) return null;
  const invalid = () => badUserInput('游标无效', 'invalid cursor', { argument: 'after' });
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length < 48 || raw.length > 512) throw invalid();
  const sealed = raw.subarray(0, raw.length - 16);
  if (!crypto.timingSafeEqual(cursorMac(sealed), raw.subarray(raw.length - 16))) throw invalid();
  const decipher = crypto.createDecipheriv('sm4-cbc', cursorKeys.cipher, sealed.subarray(0, 16));
  return Buffer.concat([decipher.update(sealed.subarray(16)), decipher.final()]).toString('utf8');
}

export function checkPageSize(first: number | null | undefined): number {
  const size = first ?? 20;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badUserInput(`first 应在1到${MAX_PAGE_SIZE}之间`, `first must be between 1 and ${MAX_PAGE_SIZE}`, { argument: 'first' });
  }
  return size;
}

export function checkBatchSize(keys: readonly unknown[], argument: string): void {
  if (keys.length > MAX_BATCH_KEYS) {
    throw badUserInput(`${argument} 最多${MAX_BATCH_KEYS}个`, `${argument} takes at most ${MAX_BATCH_KEYS} keys`, { argument });
  }
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** A thunk is called by GraphQL's default resolver only when the query selects the field. */
  totalCount: number | (() => Promise<number>);
}

/** Builds a connection from rows fetched with LIMIT first + 1 (the extra row tells whether more exist). */
export function toConnection<T>(rows: T[], first: number, keyOf: (row: T) => string, totalCount: Connection<T>['totalCount']): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    totalCount,
  };
}
