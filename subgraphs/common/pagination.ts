// Keyset (cursor) pagination: stable under inserts and O(page) at any depth, unlike OFFSET.
import { badUserInput } from './errors';

export const MAX_PAGE_SIZE = 1000;
export const MAX_BATCH_KEYS = 1000;

export function encodeCursor(key: string): string {
  return Buffer.from(`k:${key}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): string | null {
  if (cursor == null) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('k:') || encodeCursor(text.slice(2)) !== cursor) {
    throw badUserInput('游标无效', 'invalid cursor', { argument: 'after' });
  }
  return text.slice(2);
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
  totalCount: number;
}

/** Builds a connection from rows fetched with LIMIT first + 1 (the extra row tells whether more exist). */
export function toConnection<T>(rows: T[], first: number, keyOf: (row: T) => string, totalCount: number): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    totalCount,
  };
}
