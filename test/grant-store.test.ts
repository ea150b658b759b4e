// The grant store contract, run against both implementations: Redis (shared by replicas) and
// in-process. Includes propagation between two Redis-backed stores (two replicas) and failing
// closed when Redis is unreachable.
import type { Grant } from '../directives/grants';
import { GrantStoreUnavailable, type GrantStore } from '../gateway/grants/grant-store';
import { createMemoryGrantStore } from '../gateway/grants/memory-grant-store';
import { createRedisGrantStore } from '../gateway/grants/redis-grant-store';
import { describeWithRedis, TEST_REDIS_URL } from './support/services';

const grant = (id: string, institution: string, fields = ['Person.name']): Grant => ({
  id,
  grantee: { kind: 'institution', id: institution },
  scenario: 's1',
  fields,
  validFrom: '2025-01-01T00:00:00Z',
  validUntil: '2027-01-01T00:00:00Z',
});

function contract(open: () => Promise<GrantStore>): void {
  let store: GrantStore;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(() => store.close());

  it('returns a grantee\'s grants and changes the version on every change', async () => {
    const who = { kind: 'institution' as const, id: 'A' };
    const empty = await store.grantsOf(who);
    expect(empty.grants).toEqual([]);
    await store.put(grant('g1', 'A'));
    const one = await store.grantsOf(who);
    expect(one.grants).toEqual([grant('g1', 'A')]);
    expect(one.version).not.toBe(empty.version);
    await store.put(grant('g1', 'A', ['Person.name', 'Person.birthDate']));
    const replaced = await store.grantsOf(who);
    expect(replaced.grants).toEqual([grant('g1', 'A', ['Person.name', 'Person.birthDate'])]);
    expect(replaced.version).not.toBe(one.version);
    expect(await store.remove('g1')).toBe(true);
    expect((await store.grantsOf(who)).grants).toEqual([]);
    expect(await store.remove('g1')).toBe(false);
  });

  it('keeps grantees apart and moves a grant that changes grantee', async () => {
    await store.put(grant('g2', 'A'));
    await store.put(grant('g3', 'B'));
    expect((await store.grantsOf({ kind: 'institution', id: 'A' })).grants.map((g) => g.id)).toEqual(['g2']);
    expect((await store.grantsOf({ kind: 'developer', id: 'A' })).grants).toEqual([]);
    await store.put(grant('g2', 'B'));
    expect((await store.grantsOf({ kind: 'institution', id: 'A' })).grants).toEqual([]);
    expect((await store.grantsOf({ kind: 'institution', id: 'B' })).grants.map((g) => g.id).sort()).toEqual(['g2', 'g3']);
  });

  it('refuses a malformed grant', async () => {
    await expect(store.put({ ...grant('g4', 'A'), fields: ['not a coordinate'] })).rejects.toThrow(/invalid grant/);
  });
}

describe('in-process grant store', () => {
  contract(async () => createMemoryGrantStore());
});

describeWithRedis('grant store', () => {
  let n = 0;
  const prefix = () => `test:${process.pid}:${Date.now()}:${n++}:`;
  contract(() => createRedisGrantStore({ url: TEST_REDIS_URL, prefix: prefix(), cacheMs: 60_000 }));

  it('propagates a revocation to another replica at once, despite a long cache', async () => {
    const shared = prefix();
    const [a, b] = await Promise.all([
      createRedisGrantStore({ url: TEST_REDIS_URL, prefix: shared, cacheMs: 60_000 }),
      createRedisGrantStore({ url: TEST_REDIS_URL, prefix: shared, cacheMs: 60_000 }),
    ]);
    try {
      const who = { kind: 'institution' as const, id: 'R' };
      await a.put(grant('g-r', 'R'));
      expect((await b.grantsOf(who)).grants).toHaveLength(1); // now cached in b for 60 s
      await a.remove('g-r');
      const started = Date.now();
      while ((await b.grantsOf(who)).grants.length !== 0) {
        if (Date.now() - started > 1000) throw new Error('revocation not seen by the other replica within 1 s');
        await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('fails closed with GrantStoreUnavailable when Redis cannot be reached', async () => {
    const store = await createRedisGrantStore({ url: 'redis://127.0.0.1:1', prefix: prefix() });
    try {
      await expect(store.grantsOf({ kind: 'institution', id: 'X' })).rejects.toBeInstanceOf(GrantStoreUnavailable);
      await expect(store.put(grant('g-x', 'X'))).rejects.toBeInstanceOf(GrantStoreUnavailable);
    } finally {
      await store.close();
    }
  });
});
