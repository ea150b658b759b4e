// The audit (AUDIT=on): one record per request, committed before the response leaves — to this
// replica's journal, shipped to the platform's chain right after (AUDIT_DURABILITY=journal), or
// straight to the chain (store). The plugin always runs: it also counts requests and denials for
// the metrics, with AUDIT=off too.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../lib/log';
import { AUDIT_PATH } from '../../protocol/internal-paths';
import { createAuditClient, type AuditSink } from '../audit/audit-client';
import { openAuditJournal } from '../audit/audit-journal';
import { createAuditPlugin } from '../audit/audit-plugin';
import { createJournalledAuditSink, type JournalledAuditSink } from '../audit/audit-shipper';
import type { GatewayPart, PartContext } from './gateway-part';
import { requireSecret } from './require-secret';

export function auditPart({ settings, metrics, platform }: PartContext): GatewayPart {
  let sink: AuditSink | undefined;
  let journalled: JournalledAuditSink | undefined;
  if (settings.audit) {
    requireSecret(settings, 'auditSubjects');
    requireSecret(settings, 'auditBatches');
    const store = platform('auditBatches');
    const post = (batch: unknown, timeoutMs: number) => store.send('audit', AUDIT_PATH, batch, timeoutMs);
    const onCommit = (seconds: number, entries: number) => {
      metrics.auditCommitSeconds.observe(seconds);
      metrics.auditEntriesTotal.inc(entries);
    };
    if (settings.auditDurability === 'journal') {
      const journal = openAuditJournal({ dir: settings.auditJournalDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pd-audit-journal-')) });
      const log = createLogger('gateway');
      journalled = createJournalledAuditSink({
        journal,
        post,
        onShipped: (seconds, entries) => {
          onCommit(seconds, entries);
          metrics.auditJournalBacklog.set(journalled!.status().backlog);
        },
        onStateChange: (healthy, reason) => {
          if (healthy) log.info({ journal: journal.dir }, 'audit journal reaches the store again: requests are answered');
          else log.warn({ journal: journal.dir, reason }, 'audit journal cannot reach the store: requests are refused (AUDIT_UNAVAILABLE) until it can');
        },
      });
      sink = journalled;
    } else {
      sink = createAuditClient({ post, onCommit });
    }
  }
  const shipper = journalled;
  return {
    name: 'audit',
    plugins: [createAuditPlugin({ sink, settled: shipper && ((ms) => shipper.settled(ms)), instance: settings.instance, subjectKey: settings.auditSubjectKey ?? '', metrics })],
    // The platform's URL is known now: ship what a previous run left, learn the journal's mark.
    start: async () => {
      await shipper?.start(3000);
    },
    close: async () => {
      await shipper?.close();
    },
  };
}
