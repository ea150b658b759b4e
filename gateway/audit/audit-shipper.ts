// Carries the local journal's entries to the platform's chain, in batches, one on the wire at a
// time (so the journal's numbers arrive in order), and says whether the channel may answer:
// requests are refused (AUDIT_UNAVAILABLE) while the platform cannot be reached — the first failed
// shipment turns the gate, a successful one (retried with back-off, an empty batch when there is
// nothing to ship) opens it again — and while the backlog exceeds its bound. The gate starts closed:
// a gateway answers nothing until the platform has confirmed its journal's mark once.
import type { AuditEntry } from '../../protocol/audit-entry';
import type { AuditJournal } from './audit-journal';
import { AuditUnavailable, type AuditSink } from './audit-client';

export interface AuditShipperOptions {
  journal: AuditJournal;
  /** Sends a batch to the platform's append endpoint (the gateway's platform client, signed); resolves with its answer. */
  post: (batch: { journal: string; entries: (AuditEntry & { n: number })[] }, timeoutMs: number) => Promise<unknown>;
  maxBatch?: number;
  timeoutMs?: number;
  /** Unconfirmed entries beyond which requests are refused (memory and lag stay bounded). */
  maxBacklog?: number;
  /**
   * How long entries wait for company before a batch leaves (unless a full batch is ready): the
   * responses do not wait for the shipment, so a short wait costs them nothing and turns a commit
   * per handful of requests into one per this interval.
   */
  lingerMs?: number;
  onShipped?: (seconds: number, entries: number) => void;
  onStateChange?: (healthy: boolean, reason?: string) => void;
}

export interface JournalledAuditSink extends AuditSink {
  /**
   * Starts shipping (the platform's URL must be resolvable by then); resolves once the platform has
   * confirmed the journal's mark or after `waitMs`, whichever comes first (requests are refused until then).
   */
  start(waitMs?: number): Promise<void>;
  /** Resolves once every entry written so far is in the platform's chain; rejects after `timeoutMs`. */
  settled(timeoutMs: number): Promise<void>;
  status(): { journal: string; healthy: boolean; written: number; confirmed: number; backlog: number };
  /** Ships what is left (bounded by `timeoutMs`), then closes the journal. */
  close(timeoutMs?: number): Promise<void>;
}

export function createJournalledAuditSink(options: AuditShipperOptions): JournalledAuditSink {
  const { journal } = options;
  const maxBatch = options.maxBatch ?? 2000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBacklog = options.maxBacklog ?? 100_000;
  const lingerMs = options.lingerMs ?? 50;
  let lingerTimer: NodeJS.Timeout | undefined;
  /** A batch leaves after the linger, or at once when a full one is ready. */
  const schedule = () => {
    if (shipping || closed) return;
    if (journal.unconfirmed().length >= maxBatch) return void ship();
    if (lingerTimer) return;
    lingerTimer = setTimeout(() => {
      lingerTimer = undefined;
      void ship();
    }, lingerMs);
    lingerTimer.unref();
  };
  let healthy = false;
  let confirmed = 0;
  let shipping = false;
  let started = false;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let backoffMs = 100;
  const waiters: { upTo: number; resolve: () => void }[] = [];

  const setHealthy = (value: boolean, reason?: string) => {
    if (value !== healthy) options.onStateChange?.(value, reason);
    healthy = value;
  };

  async function post(batch: { n: number; entry: AuditEntry }[]): Promise<number> {
    const answer = (await options.post({ journal: journal.id, entries: batch.map(({ n, entry }) => ({ ...entry, n })) }, timeoutMs)) as { mark?: unknown };
    if (typeof answer?.mark !== 'number') throw new AuditUnavailable('audit store answered without a mark');
    return answer.mark;
  }

  async function ship(): Promise<void> {
    if (shipping || closed) return;
    shipping = true;
    try {
      // At least one round: an empty batch asks for the mark (start, recovery after a failure).
      do {
        const batch = journal.unconfirmed().slice(0, maxBatch);
        const began = process.hrtime.bigint();
        const mark = await post(batch);
        if (batch.length) options.onShipped?.(Number(process.hrtime.bigint() - began) / 1e9, batch.length);
        journal.confirm(mark);
        confirmed = Math.max(confirmed, mark);
        backoffMs = 100;
        setHealthy(journal.unconfirmed().length <= maxBacklog, 'backlog');
        for (let i = waiters.length - 1; i >= 0; i--) {
          if (waiters[i].upTo <= confirmed) waiters.splice(i, 1)[0].resolve();
        }
      } while (journal.unconfirmed().length >= maxBatch && !closed);
    } catch (error) {
      setHealthy(false, (error as Error).message);
      if (!closed) {
        clearTimeout(retryTimer);
        retryTimer = setTimeout(() => void ship(), backoffMs);
        retryTimer.unref();
        backoffMs = Math.min(backoffMs * 2, 2000);
      }
    } finally {
      shipping = false;
    }
    if (healthy && journal.unconfirmed().length) schedule();
  }

  return {
    async start(waitMs = 5000) {
      started = true;
      void ship();
      const deadline = Date.now() + waitMs;
      while (!healthy && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    },
    async record(entry) {
      if (!healthy) throw new AuditUnavailable('audit store unreachable or behind');
      await journal.append(entry);
      schedule();
    },
    settled(waitMs) {
      const upTo = journal.last();
      if (confirmed >= upTo) return Promise.resolve();
      void ship(); // a reader is waiting: no linger
      return new Promise<void>((resolve, reject) => {
        const waiter = { upTo, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          const at = waiters.indexOf(waiter);
          if (at === -1) return;
          waiters.splice(at, 1);
          reject(new AuditUnavailable('the audit journal has not reached the store in time'));
        }, waitMs).unref();
      });
    },
    status: () => ({ journal: journal.id, healthy, written: journal.last(), confirmed, backlog: journal.unconfirmed().length }),
    async close(waitMs = 3000) {
      const deadline = Date.now() + waitMs;
      while (started && journal.unconfirmed().length && Date.now() < deadline) {
        if (!shipping) void ship();
        await new Promise((r) => setTimeout(r, 20));
      }
      closed = true;
      clearTimeout(retryTimer);
      clearTimeout(lingerTimer);
      while (shipping && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await journal.close();
    },
  };
}
