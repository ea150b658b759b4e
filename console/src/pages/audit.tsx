// 审计查询: records of the hash-chained audit log, newest first, filtered; admins see all, a provider
// those touching its datasets (Yunnan Art.43(6), Ganzi Art.36–37 for L4+ reads). Admins also have the
// hash chain verified on demand (the platform's walk, as npm run audit:verify) and see where it breaks.
import { useState, type FormEvent } from 'react';
import { graphql, errorText } from '../graphql';
import { useT } from '../i18n';
import { Badge, ErrorBox, SelectField, TextField } from '../ui';
import { when } from './steps';

interface AuditRow {
  seq: number;
  recordedAt: string;
  kind: string;
  callerKind: string;
  operator: string | null;
  institution: string | null;
  scenario: string | null;
  operationName: string | null;
  fieldsReturned: string[];
  fieldsMasked: string[];
  fieldsDenied: string[];
  datasets: string[];
  subjectCount: number;
  decision: string;
  errorCodes: string[];
  targets: string[];
  reason: string | null;
  highLevel: boolean;
  hash: string;
}

const AUDIT = `query($filter: AuditFilter, $after: String) { auditRecords(filter: $filter, first: 50, after: $after) {
  nextCursor records { seq recordedAt kind callerKind operator institution scenario operationName fieldsReturned fieldsMasked fieldsDenied
  datasets subjectCount decision errorCodes targets reason highLevel hash } } }`;

const CHAIN_STATUS = '{ auditChainStatus { verified checkedAt checked verifiedThroughSeq headSeq brokenAtSeq problem } }';

interface ChainStatus {
  verified: boolean;
  checkedAt: string;
  checked: number;
  verifiedThroughSeq: number;
  headSeq: number | null;
  brokenAtSeq: number | null;
  problem: string | null;
}

const fill = (text: string, values: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name]));

/** Verifies the whole chain when asked (a walk of every record: not on every page load). */
function ChainStatusPanel() {
  const t = useT();
  const [status, setStatus] = useState<ChainStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const verify = async () => {
    setBusy(true);
    const answer = await graphql<{ auditChainStatus: ChainStatus }>(CHAIN_STATUS, {});
    setBusy(false);
    setError(errorText(answer.errors));
    setStatus(answer.data?.auditChainStatus ?? null);
  };
  return (
    <section aria-label={t('哈希链校验')} className="stack">
      <button type="button" onClick={() => void verify()} disabled={busy}>{busy ? t('校验中…') : t('校验哈希链')}</button>
      <ErrorBox error={error} />
      <div aria-live="polite" data-testid="chain-status">
        {status?.verified ? (
          <p>
            <Badge kind="ok">{t('哈希链完整')}</Badge> {fill(t('已校验至第{seq}条记录（共校验{checked}条）'), { seq: status.verifiedThroughSeq, checked: status.checked })} · {when(status.checkedAt)}
          </p>
        ) : null}
        {status && !status.verified ? (
          <p>
            <Badge kind="bad">{t('哈希链断裂')}</Badge> {fill(t('首个断点在第{seq}条记录，此前至第{through}条完整'), { seq: status.brokenAtSeq ?? '?', through: status.verifiedThroughSeq })} · {status.problem} · {when(status.checkedAt)}
          </p>
        ) : null}
      </div>
    </section>
  );
}

export function AuditPage({ admin = false }: { admin?: boolean }) {
  const t = useT();
  const [institution, setInstitution] = useState('');
  const [scenario, setScenario] = useState('');
  const [dataset, setDataset] = useState('');
  const [decision, setDecision] = useState('');
  const [highLevel, setHighLevel] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [records, setRecords] = useState<AuditRow[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const search = async (after?: string) => {
    const filter = {
      institution: institution || undefined,
      scenario: scenario || undefined,
      dataset: dataset || undefined,
      decision: decision || undefined,
      highLevel: highLevel === '' ? undefined : highLevel === 'true',
      from: from ? new Date(`${from}T00:00:00`).toISOString() : undefined,
      to: to ? new Date(`${to}T23:59:59`).toISOString() : undefined,
    };
    const answer = await graphql<{ auditRecords: { records: AuditRow[]; nextCursor: string | null } }>(AUDIT, { filter, after });
    setError(errorText(answer.errors));
    const page = answer.data?.auditRecords;
    setRecords(after ? [...(records ?? []), ...(page?.records ?? [])] : page?.records ?? []);
    setCursor(page?.nextCursor ?? null);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void search();
  };

  return (
    <section>
      {admin ? <ChainStatusPanel /> : null}
      <form className="filters" aria-label={t('审计查询条件')} onSubmit={submit}>
        <TextField label={t('机构')} value={institution} onChange={setInstitution} />
        <TextField label={t('场景')} value={scenario} onChange={setScenario} />
        <TextField label={t('数据集')} value={dataset} onChange={setDataset} placeholder="530000-GA-0001" />
        <SelectField label={t('结果')} value={decision} onChange={setDecision} options={['', 'allowed', 'partial', 'denied', 'error'].map((d) => ({ value: d, label: d || t('全部') }))} />
        <SelectField label={t('L4及以上')} value={highLevel} onChange={setHighLevel} options={[{ value: '', label: t('全部') }, { value: 'true', label: t('是') }, { value: 'false', label: t('否') }]} />
        <TextField label={t('自')} type="date" value={from} onChange={setFrom} />
        <TextField label={t('至')} type="date" value={to} onChange={setTo} />
        <button type="submit">{t('查询')}</button>
      </form>
      <ErrorBox error={error} />
      {records ? (
        <table aria-label={t('审计记录')}>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('时间')}</th>
              <th scope="col">{t('调用方')}</th>
              <th scope="col">{t('场景')}</th>
              <th scope="col">{t('内容')}</th>
              <th scope="col">{t('结果')}</th>
              <th scope="col">{t('哈希')}</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <tr key={r.seq}>
                <td>{r.seq}</td>
                <td>{when(r.recordedAt)}</td>
                <td>{r.callerKind} {r.institution ?? ''} {r.operator ? <span className="muted">{r.operator}</span> : null}</td>
                <td><code>{r.scenario ?? '—'}</code></td>
                <td>
                  {r.kind === 'control' ? `${r.operationName ?? ''} ${r.targets.join(', ')} ${r.reason ?? ''}` : null}
                  {r.fieldsReturned.length ? <div>{t('返回')}: {r.fieldsReturned.join(', ')}</div> : null}
                  {r.fieldsMasked.length ? <div>{t('脱敏')}: {r.fieldsMasked.join(', ')}</div> : null}
                  {r.fieldsDenied.length ? <div>{t('拒绝')}: {r.fieldsDenied.join(', ')}</div> : null}
                  {r.highLevel ? <Badge kind="warn">L4+</Badge> : null}
                </td>
                <td>
                  <Badge kind={r.decision === 'allowed' ? 'ok' : r.decision === 'partial' ? 'warn' : 'bad'}>{r.decision}</Badge> {r.errorCodes.join(', ')}
                </td>
                <td><code title={r.hash}>{r.hash.slice(0, 12)}…</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {cursor ? <button type="button" onClick={() => void search(cursor)}>{t('更早的记录')}</button> : null}
    </section>
  );
}
