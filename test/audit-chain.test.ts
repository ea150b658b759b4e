// The audit log's tamper evidence end to end, on PGlite and on the real PostgreSQL: entries appended
// by the platform's AuditAppender (group commit, two replicas, two months) verify; each kind of
// tampering done directly in SQL is found at the right record; monthly exports verify on their own
// and fail when edited; `npm run audit:verify` answers with its exit code.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { openDatabase, type Database } from '../lib/db/database';
import { migrate } from '../lib/db/migrate';
import { GENESIS_HASH, recordHash, type AuditRecord, type ChainProblem } from '../subgraphs/platform/audit/chain';
import { subjectHash, type AuditEntry } from '../protocol/audit-entry';
import { exportMonth, ExportRefused, verifyExportFile, type ExportHeader } from '../subgraphs/platform/audit/export';
import { verifyAuditStore } from '../subgraphs/platform/audit/verify-store';
import { AUDIT_SELECT, AuditAppender } from '../subgraphs/platform/audit/appender';
import { MIGRATIONS } from '../subgraphs/platform/migrations';
import { ROOT_DIR } from '../subgraphs/registry';
import { describeWithPostgres, dropSchemas, TEST_DATABASE_URL, uniqueSchemaPrefix } from './support/services';

const SUBJECT_KEY = 'audit-chain-test-key';
const INSTITUTIONS = ['11530100015301017M', '11530000015000392K', '12530100MB1F35628Q'];
const OPERATORS = ['zhang.wei', 'li.na', 'wang.fang'];
const SCENARIOS = ['企业开办', '社保待遇资格认证', null];

/** Entries like the gateway's audit plugin writes: a mix of callers, decisions, masks and denials. */
function makeEntry(i: number, recordedAt: string, instance: string): AuditEntry {
  const control = i % 11 === 5;
  const denied = !control && i % 7 === 3;
  const failed = !control && !denied && i % 13 === 4;
  const developer = !control && i % 5 === 0;
  return {
    recordedAt,
    requestId: crypto.randomUUID(),
    kind: control ? 'control' : 'query',
    gatewayInstance: instance,
    callerKind: control ? 'admin' : developer ? 'developer' : 'institution',
    operator: developer ? null : OPERATORS[i % 3],
    institution: developer ? null : INSTITUTIONS[i % 3],
    // One entry carries strings that stress the text[] round trip (commas, quotes, braces, "NULL", empty).
    roles: i === 2 ? ['operator', 'NULL', '', 'a,b', '{"x"}'] : control ? ['admin'] : developer ? ['developer'] : ['institution', 'operator'],
    scenario: SCENARIOS[i % 3],
    grantIds: denied || control ? [] : [`grant-${(i % 4) + 1}`],
    operationName: control ? 'SuspendGrant' : i % 2 ? 'PersonByIdentity' : null,
    operationHash: crypto.createHash('sha256').update(`operation ${i % 4}`).digest('hex'),
    fieldsReturned: denied || control ? [] : ['Query.person', 'Person.name', 'Person.gender', 'LegalEntity.name'],
    fieldsMasked: denied || control ? [] : ['Person.identityNumber', 'Person.address'],
    fieldsDenied: denied ? ['Person.household', 'Person.maritalStatus'] : [],
    datasets: control ? [] : ['530000-GA-001', '530000-SC-004'].slice(0, (i % 2) + 1),
    subjects: control ? [] : [subjectHash(SUBJECT_KEY, `5301021990010${String(10000 + i)}`)],
    decision: denied ? 'denied' : failed ? 'error' : i % 4 === 1 ? 'partial' : 'allowed',
    errorCodes: denied ? ['FORBIDDEN_FIELD'] : failed ? ['SUBGRAPH_UNAVAILABLE'] : [],
    latencyMs: 3 + ((i * 37) % 400),
  };
}

// Months relative to today (UTC, as the partitions): two closed ones and the open one.
const today = new Date();
const monthStart = (offset: number) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + offset, 1));
const OLDER = monthStart(-2);
const PREVIOUS = monthStart(-1);
const CURRENT = monthStart(0);
const monthOf = (date: Date) => date.toISOString().slice(0, 7);
const partitionOf = (date: Date) => `audit_record_y${date.toISOString().slice(0, 4)}m${date.toISOString().slice(5, 7)}`;
const plus = (date: Date, ms: number) => new Date(date.getTime() + ms).toISOString();
const HOUR = 3_600_000;

/** The log every test starts from (see the layout in beforeAll). */
const N = 56;

function readExportLines(file: string): string[] {
  return zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').trimEnd().split('\n');
}

function writeExportLines(file: string, lines: string[]): void {
  fs.writeFileSync(file, zlib.gzipSync(`${lines.join('\n')}\n`));
}

interface Engine {
  open(): Promise<Database>;
  /** A second platform replica writing to the same log (same database object on PGlite). */
  openReplica(primary: Database): Promise<Database>;
  /** Environment for the CLI to find this database, when a child process can reach it. */
  cliEnv?: NodeJS.ProcessEnv;
  /** Only one process at a time may open the database (PGlite): the CLI gets it while the suite lets go. */
  exclusive?: boolean;
}

function runCli(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT_DIR, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

function auditChainSuite(engine: Engine): void {
  let db: Database;
  let replica: Database;
  let records: AuditRecord[]; // as returned by the appenders, in seq order
  let parallel: AuditRecord[][]; // the results of the 20 concurrent append() calls
  let tmp: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-chain-'));
    db = await engine.open();
    await migrate(db, MIGRATIONS);
    replica = await engine.openReplica(db);
    const a = new AuditAppender(db);
    const b = new AuditAppender(replica);
    let i = 0;
    const older = Array.from({ length: 12 }, (_, k) => makeEntry(i++, plus(OLDER, k * 60 * HOUR + 17_123), 'gw-a'));
    older[11] = { ...older[11], recordedAt: plus(PREVIOUS, -1) }; // the last millisecond of the month
    const first = await a.append(older); // seq 1–12
    // seq 13 at the first millisecond of the next month; appended alone so that partitions exist
    // before the replicas race (see the report: concurrent partition creation fails a batch).
    const boundary = await a.append([makeEntry(i++, PREVIOUS.toISOString(), 'gw-a')]);
    // seq 14: a record of the older month arriving late, from a replica whose clock is behind.
    const late = await b.append([makeEntry(i++, plus(PREVIOUS, -250), 'gw-b')]);
    // seq 15–53: 20 concurrent requests on two replicas, 1–3 entries each (39 entries).
    parallel = await Promise.all(
      Array.from({ length: 20 }, (_, k) => {
        const batch = Array.from({ length: (k % 3) + 1 }, () => makeEntry(i++, plus(PREVIOUS, (k + 1) * 9 * HOUR + i * 1000), k % 2 ? 'gw-b' : 'gw-a'));
        return (k % 2 ? b : a).append(batch);
      }),
    );
    // seq 54–56: the open month.
    const current = await a.append([0, 1, 2].map((k) => makeEntry(i++, plus(CURRENT, k * 1000 + 5), 'gw-a')));
    records = [...first, ...boundary, ...late, ...parallel.flat(), ...current].sort((x, y) => x.seq - y.seq);
    // A clean copy each test is restored from after tampering.
    await db.exec('CREATE TABLE clean_record AS SELECT * FROM audit_record; CREATE TABLE clean_head AS SELECT * FROM audit_chain_head');
  });

  afterEach(async () => {
    await db.exec(`DELETE FROM audit_record; INSERT INTO audit_record SELECT * FROM clean_record;
                   DELETE FROM audit_chain_head; INSERT INTO audit_chain_head SELECT * FROM clean_head;`);
  });

  afterAll(async () => {
    if (replica && replica !== db) await replica.close();
    await db?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const tamper = (sql: string) => db.exec(sql);

  /** Both with the default batch and with small batches, so keyset boundaries fall everywhere. */
  async function expectBroken(expected: ChainProblem): Promise<void> {
    for (const batchSize of [1000, 5, 7]) {
      const result = await verifyAuditStore(db, { batchSize });
      expect(result).toMatchObject({ ok: false, problem: expected });
    }
  }

  describe('appending', () => {
    it('gives concurrent appends from two replicas one gapless sequence 1..N', async () => {
      expect(records.map((r) => r.seq)).toEqual(Array.from({ length: N }, (_, k) => k + 1));
      // Each append() got consecutive seqs for its own entries, in its order (group commit).
      for (const result of parallel) expect(result.map((r) => r.seq)).toEqual(result.map((_, k) => result[0].seq + k));
      const stored = await db.query<{ seq: number }>('SELECT seq::float8 AS seq FROM audit_record ORDER BY seq');
      expect(stored.map((r) => r.seq)).toEqual(records.map((r) => r.seq));
      expect(await db.query('SELECT seq::float8 AS seq, hash FROM audit_chain_head')).toEqual([{ seq: N, hash: records[N - 1].hash }]);
    });

    it('reads every record back exactly as it was hashed (AUDIT_SELECT), across three monthly partitions', async () => {
      const rows = await db.query<AuditRecord>(`SELECT ${AUDIT_SELECT} FROM audit_record ORDER BY seq`);
      expect(rows).toEqual(records); // seq a number, recordedAt the same ISO string, arrays and nulls intact
      for (const row of rows) expect(recordHash(row.seq, row, row.prevHash)).toBe(row.hash);
      const partitions = await db.query<{ partition: string; n: number }>(
        'SELECT tableoid::regclass::text AS partition, count(*)::int AS n FROM audit_record GROUP BY 1 ORDER BY 1',
      );
      expect(partitions).toEqual([
        { partition: partitionOf(OLDER), n: 13 },
        { partition: partitionOf(PREVIOUS), n: 40 },
        { partition: partitionOf(CURRENT), n: 3 },
      ]);
    });
  });

  describe('verifying the store', () => {
    it('verifies a clean chain, in any batch size, reporting progress', async () => {
      for (const batchSize of [1000, 1, 5, N, N + 1]) {
        expect(await verifyAuditStore(db, { batchSize })).toEqual({ ok: true, checked: N, headSeq: N });
      }
      const progress: number[] = [];
      await verifyAuditStore(db, { batchSize: 20, onProgress: (p) => progress.push(p.checked) });
      expect(progress).toEqual([20, 40, N]);
    });

    it('verifies the rest of the log after a given point (older months exported and detached)', async () => {
      await tamper('DELETE FROM audit_record WHERE seq <= 14');
      expect((await verifyAuditStore(db)).ok).toBe(false);
      expect(await verifyAuditStore(db, { after: { seq: 14, hash: records[13].hash } })).toEqual({ ok: true, checked: N - 14, headSeq: N });
    });

    it('sees one snapshot while appends go on', async () => {
      const appender = new AuditAppender(replica);
      const [result] = await Promise.all([
        verifyAuditStore(db, { batchSize: 3 }),
        ...Array.from({ length: 10 }, (_, k) => appender.append([makeEntry(100 + k, plus(CURRENT, 60_000 + k), 'gw-b')])),
      ]);
      expect(result.ok).toBe(true);
      expect(await verifyAuditStore(db)).toEqual({ ok: true, checked: N + 10, headSeq: N + 10 });
    });

    it.each([
      ['a text column', `UPDATE audit_record SET institution = '91530100MA6K000000' WHERE seq = 5`, 5],
      ['a nullable column set to null', `UPDATE audit_record SET operator = NULL WHERE seq = 8`, 8],
      ['an array element', `UPDATE audit_record SET subjects = ARRAY['${'0'.repeat(64)}'] WHERE seq = 20`, 20],
      ['an array order', `UPDATE audit_record SET roles = ARRAY['NULL', 'operator', '', 'a,b', '{"x"}'] WHERE seq = 3`, 3],
      ['the decision', `UPDATE audit_record SET decision = CASE decision WHEN 'allowed' THEN 'denied' ELSE 'allowed' END WHERE seq = 41`, 41],
      ['the latency', 'UPDATE audit_record SET latency_ms = latency_ms + 1 WHERE seq = 56', 56],
      ['the time, by one second', `UPDATE audit_record SET recorded_at = recorded_at + interval '1 second' WHERE seq = 4`, 4],
      ['the time, into another partition', `UPDATE audit_record SET recorded_at = recorded_at + interval '1 month' WHERE seq = 2`, 2],
      ['the stored hash', `UPDATE audit_record SET hash = '${'f'.repeat(64)}' WHERE seq = 9`, 9],
    ])('finds a record altered in place: %s', async (_label, sql, seq) => {
      await tamper(sql);
      await expectBroken({ kind: 'altered', seq });
    });

    it('finds a deleted record, also at the month boundary', async () => {
      await tamper('DELETE FROM audit_record WHERE seq = 13');
      await expectBroken({ kind: 'missing', expectedSeq: 13, foundSeq: 14 });
    });

    it('finds several deleted records in the middle', async () => {
      await tamper('DELETE FROM audit_record WHERE seq BETWEEN 20 AND 22');
      await expectBroken({ kind: 'missing', expectedSeq: 20, foundSeq: 23 });
    });

    it('finds a forged record inserted in the middle with a correct hash of its own', async () => {
      // The forger makes room at seq 30 (shifting the rest up), chains the fake to record 29 and moves the head.
      const [before] = await db.query<AuditRecord>(`SELECT ${AUDIT_SELECT} FROM audit_record WHERE seq = 29`);
      await tamper(`UPDATE audit_record SET seq = -seq - 1 WHERE seq >= 30; UPDATE audit_record SET seq = -seq WHERE seq < 0;
                    CREATE TABLE forged AS SELECT * FROM audit_record WHERE seq = 29;
                    UPDATE forged SET seq = 30, request_id = 'forged', institution = '${INSTITUTIONS[0]}', prev_hash = '${before.hash}';
                    INSERT INTO audit_record SELECT * FROM forged; DROP TABLE forged;`);
      const [forged] = await db.query<AuditRecord>(`SELECT ${AUDIT_SELECT} FROM audit_record WHERE seq = 30`);
      expect(forged.requestId).toBe('forged');
      await db.query('UPDATE audit_record SET hash = $1 WHERE seq = 30', [recordHash(30, forged, before.hash)]);
      await db.query('UPDATE audit_chain_head SET seq = $1', [N + 1]);
      await expectBroken({ kind: 'inserted-or-reordered', seq: 31 });
    });

    it('finds a copy of a record inserted under the same seq, even across a batch boundary', async () => {
      // seq 10 is the last row of a batch of 5: the copy (1 ms later) is the first row of the next one.
      await tamper(`CREATE TABLE copied AS SELECT * FROM audit_record WHERE seq = 10;
                    UPDATE copied SET recorded_at = recorded_at + interval '1 millisecond';
                    INSERT INTO audit_record SELECT * FROM copied; DROP TABLE copied;`);
      expect(await db.query('SELECT 1 FROM audit_record WHERE seq = 10')).toHaveLength(2);
      await expectBroken({ kind: 'inserted-or-reordered', seq: 10 });
    });

    it('finds two records swapped (their seq values exchanged)', async () => {
      await tamper('UPDATE audit_record SET seq = -1 WHERE seq = 25; UPDATE audit_record SET seq = 25 WHERE seq = 27; UPDATE audit_record SET seq = 27 WHERE seq = -1;');
      await expectBroken({ kind: 'inserted-or-reordered', seq: 25 });
    });

    it('finds two neighbours swapped', async () => {
      await tamper('UPDATE audit_record SET seq = -1 WHERE seq = 14; UPDATE audit_record SET seq = 14 WHERE seq = 15; UPDATE audit_record SET seq = 15 WHERE seq = -1;');
      await expectBroken({ kind: 'inserted-or-reordered', seq: 14 });
    });

    it('finds records deleted at the end (the head still counts them)', async () => {
      await tamper(`DELETE FROM audit_record WHERE seq > ${N - 3}`);
      await expectBroken({ kind: 'head-mismatch', seq: N });
    });

    it('finds the whole log deleted', async () => {
      await tamper('DELETE FROM audit_record');
      await expectBroken({ kind: 'head-mismatch', seq: N });
    });

    it('finds a missing chain head row', async () => {
      await tamper('DELETE FROM audit_chain_head');
      const result = await verifyAuditStore(db);
      expect(result).toMatchObject({ ok: false, checked: N, problem: { kind: 'head-mismatch' }, message: expect.stringContaining('head row is missing') });
    });
  });

  describe('monthly export', () => {
    const file = (name: string) => path.join(tmp, name);

    it('exports a closed month as the seq range it spans, which verifies on its own', async () => {
      const out = file('older.jsonl.gz');
      const header = await exportMonth(db, { month: monthOf(OLDER), out, batchSize: 4 });
      expect(header).toEqual<ExportHeader>({
        format: 'pd-audit-export/1',
        month: monthOf(OLDER),
        seqRange: { from: 1, to: 14, rule: expect.stringContaining('lowest to the highest seq') },
        firstSeq: 1,
        lastSeq: 14,
        count: 14,
        inMonth: 13, // seq 13 belongs to the next month but lies inside the range
        prevHash: GENESIS_HASH,
        lastHash: records[13].hash,
        exportedAt: expect.any(String),
      });
      const lines = readExportLines(out);
      expect(JSON.parse(lines[0])).toEqual(header);
      expect(lines.slice(1).map((line) => JSON.parse(line))).toEqual(records.slice(0, 14));
      expect(await verifyExportFile(out)).toEqual({ ok: true, checked: 14, header });
    });

    it('exports a month from the middle of the chain, starting from the hash before it', async () => {
      const out = file('previous.jsonl.gz');
      const header = await exportMonth(db, { month: monthOf(PREVIOUS), out });
      expect(header).toMatchObject({ firstSeq: 13, lastSeq: 53, count: 41, inMonth: 40, prevHash: records[11].hash, lastHash: records[52].hash });
      expect(await verifyExportFile(out)).toMatchObject({ ok: true, checked: 41 }); // from the file alone
    });

    it('fails an export with one field changed in one line', async () => {
      const out = file('edited.jsonl.gz');
      await exportMonth(db, { month: monthOf(PREVIOUS), out });
      const lines = readExportLines(out);
      const record = JSON.parse(lines[5]) as AuditRecord; // seq 17
      writeExportLines(out, [...lines.slice(0, 5), JSON.stringify({ ...record, institution: '91530100MA6K000000' }), ...lines.slice(6)]);
      expect(await verifyExportFile(out)).toMatchObject({ ok: false, problem: { kind: 'altered', seq: 17 } });
    });

    it('fails an export with a line removed, a line added, or a header that lies', async () => {
      const out = file('base.jsonl.gz');
      await exportMonth(db, { month: monthOf(PREVIOUS), out });
      const [headerLine, ...body] = readExportLines(out);
      const header = JSON.parse(headerLine) as ExportHeader;
      const variant = async (name: string, lines: string[]) => {
        writeExportLines(file(name), lines);
        return verifyExportFile(file(name));
      };
      expect(await variant('removed.jsonl.gz', [headerLine, ...body.slice(0, 9), ...body.slice(10)])).toMatchObject({
        ok: false,
        problem: { kind: 'missing', expectedSeq: 22, foundSeq: 23 },
      });
      expect(await variant('truncated.jsonl.gz', [headerLine, ...body.slice(0, -1)])).toMatchObject({ ok: false, problem: { kind: 'head-mismatch' } });
      expect(await variant('extra.jsonl.gz', [headerLine, ...body, JSON.stringify(records[53])])).toMatchObject({ ok: false, problem: { kind: 'head-mismatch' } });
      expect(await variant('count.jsonl.gz', [JSON.stringify({ ...header, count: 40 }), ...body])).toMatchObject({ ok: false, message: expect.stringContaining('claims 40') });
      expect(await variant('prev.jsonl.gz', [JSON.stringify({ ...header, prevHash: GENESIS_HASH }), ...body])).toMatchObject({
        ok: false,
        problem: { kind: 'inserted-or-reordered', seq: 13 },
      });
      expect(await variant('format.jsonl.gz', [JSON.stringify({ ...header, format: 'other' }), ...body])).toMatchObject({ ok: false, message: expect.stringContaining('bad header') });
    });

    it('fails a corrupted gzip file without throwing', async () => {
      const out = file('corrupt.jsonl.gz');
      await exportMonth(db, { month: monthOf(PREVIOUS), out });
      const bytes = fs.readFileSync(out);
      bytes[Math.floor(bytes.length / 2)] ^= 0xff;
      fs.writeFileSync(out, bytes);
      // Depending on where the flip lands, gunzip fails or a record no longer matches its hash: either way, not ok.
      expect(await verifyExportFile(out)).toMatchObject({ ok: false });
    });

    it('refuses the current month, a future month, a malformed month and a month without records', async () => {
      const refused = (month: string) => exportMonth(db, { month, out: file(`refused-${month}.jsonl.gz`) });
      await expect(refused(monthOf(CURRENT))).rejects.toThrow(new ExportRefused(`${monthOf(CURRENT)} is not closed yet: only months before ${monthOf(CURRENT)} can be exported`));
      await expect(refused(monthOf(monthStart(1)))).rejects.toThrow(/not closed yet/);
      await expect(refused('2026-13')).rejects.toThrow(/YYYY-MM/);
      await expect(refused(monthOf(monthStart(-12)))).rejects.toThrow(/no audit records/);
      expect(fs.readdirSync(tmp).filter((name) => name.includes('refused'))).toEqual([]);
    });

    it('refuses to export a broken chain and leaves no file behind', async () => {
      await tamper('UPDATE audit_record SET institution = NULL WHERE seq = 5');
      const out = file('broken.jsonl.gz');
      await expect(exportMonth(db, { month: monthOf(OLDER), out, batchSize: 3 })).rejects.toThrow(/chain is broken.*record 5 was altered/);
      expect(fs.readdirSync(tmp).filter((name) => name.includes('broken'))).toEqual([]);
    });
  });

  if (engine.cliEnv) {
    const env = engine.cliEnv;
    const cli = async (script: string, args: string[], cliEnv: NodeJS.ProcessEnv) => {
      if (!engine.exclusive) return runCli(script, args, cliEnv);
      await db.close();
      try {
        return await runCli(script, args, cliEnv);
      } finally {
        db = await engine.open();
        replica = db;
      }
    };
    describe('npm run audit:verify / audit:export', () => {
      it('exits 0 on a clean chain and 1 with the place and kind of the break after tampering', async () => {
        const clean = await cli('scripts/audit-verify.ts', [], env);
        expect(clean).toEqual({ code: 0, stdout: `audit chain verified: ${N} records, head seq ${N}\n`, stderr: '' });
        await tamper(`UPDATE audit_record SET institution = '91530100MA6K000000' WHERE seq = 5`);
        const broken = await cli('scripts/audit-verify.ts', [], env);
        expect(broken.code).toBe(1);
        expect(broken.stdout).toBe('audit chain BROKEN at seq 5: record 5 was altered (its content no longer matches its hash) / 第5条记录被篡改\n');
      });

      it('reports deleted records at the first missing seq', async () => {
        await tamper('DELETE FROM audit_record WHERE seq IN (30, 31)');
        const broken = await cli('scripts/audit-verify.ts', [], env);
        expect(broken).toMatchObject({ code: 1, stdout: expect.stringMatching(/^audit chain BROKEN at seq 30: records 30–31 are missing/) });
      });

      it('exports a closed month, verifies the file, refuses the open month', async () => {
        const out = path.join(tmp, 'cli-older.jsonl.gz');
        const exported = await cli('scripts/audit-export.ts', ['--month', monthOf(OLDER), '--out', out], env);
        expect(exported).toMatchObject({ code: 0, stdout: expect.stringMatching(/^exported 14 records, seq 1–14 \(13 recorded in /) });
        expect(await cli('scripts/audit-verify.ts', ['--file', out], env)).toMatchObject({
          code: 0,
          stdout: `audit chain verified: 14 records, head seq 14 (export of ${monthOf(OLDER)}, seq 1–14)\n`,
        });
        const lines = readExportLines(out);
        writeExportLines(out, [lines[0], ...lines.slice(1).map((line, k) => (k === 2 ? line.replace('"latencyMs":', '"latencyMs":1') : line))]);
        expect(await cli('scripts/audit-verify.ts', ['--file', out], env)).toMatchObject({ code: 1, stdout: expect.stringMatching(/^audit chain BROKEN at seq 3: record 3 was altered/) });
        expect(await cli('scripts/audit-export.ts', ['--month', monthOf(CURRENT)], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('not closed yet') });
      });

      it('exits 2 when there is no audit log to verify', async () => {
        const result = await cli('scripts/audit-verify.ts', [], { ...env, DB_SCHEMA_PREFIX: `${env.DB_SCHEMA_PREFIX}none_` });
        expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining('no audit log in schema') });
      });
    });
  }
}

describe('audit chain on PGlite', () => {
  // On disk, so that the CLI checks run here too (they ran only on PostgreSQL before).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-chain-pglite-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: dir, DB_SCHEMA_PREFIX: '' };
  delete env.DATABASE_URL;
  auditChainSuite({
    open: () => openDatabase({ schema: 'platform', pgliteDir: path.join(dir, 'platform') }),
    // One PGlite instance belongs to one process: the second "replica" shares it.
    openReplica: async (primary) => primary,
    cliEnv: env,
    exclusive: true,
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
});

describeWithPostgres('audit chain', () => {
  const prefix = uniqueSchemaPrefix('audit');
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: TEST_DATABASE_URL, DB_SCHEMA_PREFIX: prefix };
  delete env.PGLITE_DIR;
  auditChainSuite({
    // The schema the platform subgraph (and the CLI) would use with DB_SCHEMA_PREFIX=prefix.
    open: () => openDatabase({ url: TEST_DATABASE_URL, schema: `${prefix}platform` }),
    openReplica: () => openDatabase({ url: TEST_DATABASE_URL, schema: `${prefix}platform` }),
    cliEnv: env,
  });
  afterAll(() => dropSchemas(prefix));
});

describe('npm run audit:verify on a PGlite directory', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-pglite-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds the platform database under PGLITE_DIR and verifies it', async () => {
    const db = await openDatabase({ schema: 'platform', pgliteDir: path.join(dir, 'platform') });
    await migrate(db, MIGRATIONS);
    await new AuditAppender(db).append(Array.from({ length: 5 }, (_, k) => makeEntry(k, plus(PREVIOUS, k * HOUR), 'gw-a')));
    await db.close();
    const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: dir, DB_SCHEMA_PREFIX: '' };
    delete env.DATABASE_URL;
    expect(await runCli('scripts/audit-verify.ts', [], env)).toEqual({ code: 0, stdout: 'audit chain verified: 5 records, head seq 5\n', stderr: '' });
    expect(await runCli('scripts/audit-verify.ts', [], { ...env, PGLITE_DIR: path.join(dir, 'nothing') })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no platform database at'),
    });
  });
});
