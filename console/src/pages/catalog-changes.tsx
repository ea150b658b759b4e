// 目录变更审定: the data authority reviews a provider's proposed change of the catalog (Yunnan
// Art.12–13) or an attribute dispute (Yunnan Art.27), seeing first what it would break or widen
// (catalogChangeImpact), then approves, refuses, returns it for amendment or refers it.
import { useState } from 'react';
import { mutate, useQuery } from '../graphql';
import { useT } from '../i18n';
import { Badge, ErrorBox, Loading, SelectField, TextField, useAction } from '../ui';
import { when } from './steps';

interface ChangeRow {
  id: string;
  kind: string;
  coordinate: string | null;
  dataset: string;
  providerCode: string;
  changes: { target: string; fact: string; from: string | null; to: string | null; direction: string }[];
  direction: string;
  reason: string;
  wideningGround: string | null;
  proposedBy: string;
  status: string;
  filedAt: string;
  dueOn: string | null;
  overdue: boolean;
  decisionNote: string | null;
  steps: { action: string; actor: string; at: string; note: string | null }[];
}

interface Impact {
  direction: string;
  summary: string;
  requestCount: number;
  grants: { id: string; granteeId: string; scenario: string; fields: string[]; effect: string }[];
  operations: { hash: string; name: string; fields: string[]; effect: string }[];
  scenarios: { callerKind: string; institution: string | null; scenario: string | null; requests: number; lastSeenAt: string; effect: string }[];
}

const CHANGES = `query($status: String) { catalogChanges(status: $status) {
  id kind coordinate dataset providerCode changes { target fact from to direction } direction reason wideningGround proposedBy
  status filedAt dueOn overdue decisionNote steps { action actor at note } } }`;
const IMPACT = `query($id: ID!) { catalogChangeImpact(id: $id) { direction summary requestCount
  grants { id granteeId scenario fields effect } operations { hash name fields effect }
  scenarios { callerKind institution scenario requests lastSeenAt effect } } }`;
const STATUSES = ['PENDING', 'RETURNED', 'APPROVED', 'REFUSED', 'REFERRED', 'CANCELLED'];
const DIRECTION_KIND: Record<string, 'warn' | 'bad' | 'info'> = { WIDENS: 'warn', NARROWS: 'bad', MIXED: 'warn', NEUTRAL: 'info' };

export function CatalogChangesPage() {
  const t = useT();
  const [status, setStatus] = useState('PENDING');
  const { data, loading, error, reload } = useQuery<{ catalogChanges: ChangeRow[] }>(CHANGES, { status: status || undefined });
  return (
    <section>
      <form className="filters" aria-label={t('筛选')} onSubmit={(e) => e.preventDefault()}>
        <SelectField label={t('状态')} value={status} onChange={setStatus} options={[{ value: '', label: t('全部') }, ...STATUSES.map((s) => ({ value: s, label: s }))]} />
      </form>
      <Loading loading={loading} />
      <ErrorBox error={error} />
      {(data?.catalogChanges ?? []).length === 0 && !loading ? <p className="muted">{t('没有目录变更')}</p> : null}
      {(data?.catalogChanges ?? []).map((c) => (
        <article key={c.id} className={`card${c.overdue ? ' overdue' : ''}`} aria-label={`${t('目录变更')} ${c.id}`}>
          <h3>
            {c.kind} <code>{c.coordinate ?? c.dataset}</code> <Badge kind={DIRECTION_KIND[c.direction] ?? 'info'}>{c.direction}</Badge> <Badge kind="info">{c.status}</Badge>{' '}
            {c.overdue ? <Badge kind="bad">{t('已逾期')}</Badge> : null}
          </h3>
          <p>{c.reason}{c.wideningGround ? ` · ${t('放宽依据')}: ${c.wideningGround}` : ''}</p>
          <p className="muted">{c.proposedBy} · {when(c.filedAt)}{c.dueOn ? ` · ${t('期限')} ${c.dueOn}` : ''}</p>
          <table aria-label={t('变更内容')}>
            <thead>
              <tr><th scope="col">{t('对象')}</th><th scope="col">{t('事项')}</th><th scope="col">{t('原值')}</th><th scope="col">{t('新值')}</th><th scope="col">{t('方向')}</th></tr>
            </thead>
            <tbody>
              {c.changes.map((f, i) => (
                <tr key={i}><td><code>{f.target}</code></td><td>{f.fact}</td><td>{f.from ?? '—'}</td><td>{f.to ?? '—'}</td><td>{f.direction}</td></tr>
              ))}
            </tbody>
          </table>
          {c.status === 'PENDING' ? <ReviewChange id={c.id} onDone={reload} /> : c.decisionNote ? <p>{t('审定意见')}: {c.decisionNote}</p> : null}
        </article>
      ))}
    </section>
  );
}

function ReviewChange({ id, onDone }: { id: string; onDone(): void }) {
  const t = useT();
  const [show, setShow] = useState(false);
  const impact = useQuery<{ catalogChangeImpact: Impact }>(show ? IMPACT : '{ __typename }', show ? { id } : undefined, [show]);
  const [decision, setDecision] = useState('APPROVE');
  const [note, setNote] = useState('');
  const action = useAction();
  const i = impact.data?.catalogChangeImpact;
  return (
    <div>
      <button type="button" aria-expanded={show} onClick={() => setShow(!show)}>{t('影响评估')}</button>
      {show ? (
        <div className="impact" aria-live="polite">
          <Loading loading={impact.loading} />
          <ErrorBox error={impact.error} />
          {i ? (
            <>
              <p><strong>{i.summary}</strong> · {t('近90天受影响请求')}: {i.requestCount}</p>
              <ul>
                {i.grants.map((g) => <li key={g.id}>{t('授权')} <code>{g.id}</code> {g.granteeId} <code>{g.scenario}</code>: {g.effect}</li>)}
                {i.operations.map((o) => <li key={o.hash}>{t('白名单操作')} {o.name}: {o.effect}</li>)}
                {i.scenarios.map((s, k) => <li key={k}>{s.institution ?? s.callerKind} <code>{s.scenario ?? '—'}</code> · {s.requests} · {s.effect}</li>)}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
      <form
        className="decide"
        aria-label={`${t('审定')} ${id}`}
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await mutate('mutation($id: ID!, $d: CatalogDecision!, $n: String!) { decideCatalogChange(id: $id, decision: $d, note: $n) { id status } }', { id, d: decision, n: note });
            onDone();
          });
        }}
      >
        <SelectField
          label={t('决定')}
          value={decision}
          onChange={setDecision}
          options={[
            { value: 'APPROVE', label: t('通过') },
            { value: 'REFUSE', label: t('不予通过') },
            { value: 'RETURN', label: t('退回修改') },
            { value: 'REFER', label: t('提请本级政府') },
          ]}
        />
        <TextField label={t('审定意见')} value={note} onChange={setNote} required />
        <button type="submit" disabled={action.busy}>{t('提交审定')}</button>
        <ErrorBox error={action.error} />
      </form>
    </div>
  );
}
