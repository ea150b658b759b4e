// The gateway's local audit journal (as X-Road's message log): every audit entry is appended to a
// file and fsynced before the response leaves, in groups — entries of requests finishing while one
// write-and-sync runs go together in the next — so a record costs a line and a share of one fsync.
// A shipper carries the entries to the platform's chain in the background; entries the platform
// has confirmed are pruned segment by segment. After a crash, the journal is read back on start and
// whatever the platform has not confirmed is shipped again (the platform skips what it already has,
// by the entry's number, so nothing is recorded twice).
//
// One directory per gateway replica, held with a lock file: two processes never write one journal.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AuditEntry } from '../../protocol/audit-entry';

/** An entry with its number in this journal (1, 2, 3 … without gaps, across restarts). */
export interface JournalEntry {
  n: number;
  entry: AuditEntry;
}

export interface AuditJournal {
  /** This journal's identity (kept in the directory): the platform tracks what it has confirmed per journal. */
  readonly id: string;
  readonly dir: string;
  /** Entries on disk but not yet confirmed by the platform, oldest first (read back on open). */
  unconfirmed(): JournalEntry[];
  /** Appends `entry`; resolves with its number once it is on disk (fsynced). */
  append(entry: AuditEntry): Promise<JournalEntry>;
  /** The platform holds every entry up to `n`: drop them from memory, delete segments wholly confirmed. */
  confirm(n: number): void;
  /** The highest number written so far. */
  last(): number;
  close(): Promise<void>;
}

export interface AuditJournalOptions {
  dir: string;
  /** A new segment is started once the current one is this large (default 16 MiB). */
  segmentBytes?: number;
}

export class AuditJournalError extends Error {}

const SEGMENT = /^segment-(\d{16})\.jsonl$/;
const segmentName = (firstN: number) => `segment-${String(firstN).padStart(16, '0')}.jsonl`;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's lock; a lock left by a process that is gone is taken over. */
function lock(dir: string): string {
  const file = path.join(dir, 'journal.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(file, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && pidAlive(holder)) {
        throw new AuditJournalError(`audit journal ${dir} is in use by process ${holder}: each gateway replica needs a directory of its own (AUDIT_JOURNAL_DIR)`);
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new AuditJournalError(`could not lock the audit journal ${dir}`);
}

/** Reads one segment's complete lines; a line torn by a crash mid-write (the last one) is cut off. */
function readSegment(file: string): JournalEntry[] {
  const text = fs.readFileSync(file, 'utf8');
  const entries: JournalEntry[] = [];
  let good = 0;
  let start = 0;
  for (let end = text.indexOf('\n'); end !== -1; start = end + 1, end = text.indexOf('\n', start)) {
    try {
      entries.push(JSON.parse(text.slice(start, end)) as JournalEntry);
      good = end + 1;
    } catch {
      break;
    }
  }
  if (good < Buffer.byteLength(text)) fs.truncateSync(file, Buffer.byteLength(text.slice(0, good)));
  return entries;
}

export function openAuditJournal(options: AuditJournalOptions): AuditJournal {
  const dir = path.resolve(options.dir);
  const segmentBytes = options.segmentBytes ?? 16 * 1024 * 1024;
  fs.mkdirSync(dir, { recursive: true });
  const lockFile = lock(dir);
  const idFile = path.join(dir, 'journal.id');
  if (!fs.existsSync(idFile)) fs.writeFileSync(idFile, crypto.randomUUID());
  const id = fs.readFileSync(idFile, 'utf8').trim();

  // Segments in order, each with the numbers it holds; everything in them is unconfirmed until the
  // platform says otherwise (it skips what it has).
  const segments: { file: string; first: number; last: number }[] = [];
  let pending: JournalEntry[] = [];
  for (const name of fs.readdirSync(dir).filter((f) => SEGMENT.test(f)).sort()) {
    const file = path.join(dir, name);
    const entries = readSegment(file);
    if (!entries.length) {
      fs.rmSync(file);
      continue;
    }
    segments.push({ file, first: entries[0].n, last: entries[entries.length - 1].n });
    pending = pending.concat(entries);
  }
  let lastN = segments.length ? segments[segments.length - 1].last : 0;
  let synced = lastN;
  let fd: number | undefined;
  let current: { file: string; first: number; last: number; bytes: number } | undefined;

  function openSegment(firstN: number): void {
    if (fd !== undefined) fs.closeSync(fd);
    const file = path.join(dir, segmentName(firstN));
    fd = fs.openSync(file, 'a');
    current = { file, first: firstN, last: firstN - 1, bytes: fs.fstatSync(fd).size };
    segments.push(current);
  }

  // Group write: entries waiting while a write-and-sync runs leave together in the next one.
  let waiting: { line: JournalEntry; resolve: (e: JournalEntry) => void; reject: (e: Error) => void }[] = [];
  let writing = false;
  let broken: Error | undefined;

  function writeGroup(): void {
    if (writing || !waiting.length) return;
    writing = true;
    const group = waiting;
    waiting = [];
    const done = (error: Error | null) => {
      writing = false;
      if (error) {
        // A journal that failed a write is not trusted again: every later append is refused.
        broken = new AuditJournalError(`audit journal write failed: ${error.message}`);
        for (const item of group) item.reject(broken);
        for (const item of waiting) item.reject(broken);
        waiting = [];
        return;
      }
      synced = group[group.length - 1].line.n;
      for (const item of group) item.resolve(item.line);
      writeGroup();
    };
    try {
      if (!current || current.bytes >= segmentBytes) openSegment(group[0].line.n);
      const text = group.map((item) => JSON.stringify(item.line)).join('\n') + '\n';
      const buffer = Buffer.from(text);
      current!.bytes += buffer.length;
      current!.last = group[group.length - 1].line.n;
      fs.write(fd!, buffer, 0, buffer.length, null, (writeError) => {
        if (writeError) return done(writeError);
        fs.fdatasync(fd!, done);
      });
    } catch (error) {
      done(error as Error);
    }
  }

  function prune(upTo: number): void {
    while (segments.length && segments[0].last <= upTo && segments[0] !== current) {
      fs.rmSync(segments.shift()!.file, { force: true });
    }
  }

  return {
    id,
    dir,
    unconfirmed: () => pending.filter((line) => line.n <= synced),
    append(entry) {
      if (broken) return Promise.reject(broken);
      const line: JournalEntry = { n: ++lastN, entry };
      pending.push(line);
      return new Promise((resolve, reject) => {
        waiting.push({ line, resolve, reject });
        writeGroup();
      });
    },
    confirm(n) {
      let drop = 0;
      while (drop < pending.length && pending[drop].n <= n) drop++;
      if (drop) pending = pending.slice(drop);
      prune(n);
    },
    last: () => lastN,
    async close() {
      while (writing || waiting.length) await new Promise((r) => setTimeout(r, 5));
      if (fd !== undefined) fs.closeSync(fd);
      fd = undefined;
      fs.rmSync(lockFile, { force: true });
    },
  };
}
