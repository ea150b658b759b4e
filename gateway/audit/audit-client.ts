// Sends audit entries to the platform's append endpoint with group commit: entries of concurrent
// requests travel together (one signed POST, one transaction), and each request waits for the
// commit of its own entry. Any failure rejects, so the caller can fail closed.
import type { AuditEntry } from '../../protocol/audit-entry';

export class AuditUnavailable extends Error {}

export interface AuditSink {
  record(entry: AuditEntry): Promise<void>;
}

export interface AuditClientOptions {
  /** Sends a batch to the platform's append endpoint (the gateway's platform client, signed). */
  post: (batch: { entries: AuditEntry[] }, timeoutMs: number) => Promise<unknown>;
  maxBatch?: number;
  timeoutMs?: number;
  /** Batches on the wire at once (default 2: fewer, larger commits measured best). */
  maxInFlight?: number;
  onCommit?: (seconds: number, entries: number) => void;
}

interface Pending {
  entry: AuditEntry;
  resolve: () => void;
  reject: (error: Error) => void;
}

export function createAuditClient(options: AuditClientOptions): AuditSink {
  const maxBatch = options.maxBatch ?? 256;
  const timeoutMs = options.timeoutMs ?? 3000;
  let queue: Pending[] = [];
  // At most this many batches on the wire: entries arriving meanwhile wait and leave together, which
  // is what makes the commit a group commit under load (one transaction for many requests).
  const maxInFlight = options.maxInFlight ?? 2;
  let inFlight = 0;
  let scheduled = false;

  async function send(batch: Pending[]): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      await options.post({ entries: batch.map((p) => p.entry) }, timeoutMs);
      options.onCommit?.(Number(process.hrtime.bigint() - started) / 1e9, batch.length);
      for (const pending of batch) pending.resolve();
    } catch (error) {
      const failure = error instanceof AuditUnavailable ? error : new AuditUnavailable((error as Error).message);
      for (const pending of batch) pending.reject(failure);
    }
  }

  function flush(): void {
    scheduled = false;
    while (queue.length && inFlight < maxInFlight) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(maxBatch);
      inFlight += 1;
      void send(batch).finally(() => {
        inFlight -= 1;
        if (queue.length) flush();
      });
    }
  }

  return {
    record(entry) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ entry, resolve, reject });
        if (queue.length >= maxBatch) flush();
        // A free slot: leave once this turn of the event loop is over (entries of requests finishing
        // in the same turn travel together); otherwise the batch leaves when a slot frees.
        else if (inFlight < maxInFlight && !scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
