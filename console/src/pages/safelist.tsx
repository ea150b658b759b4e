// 操作白名单: the persisted-query safelist (OPERATION_SAFELIST=on runs only these operations).
import { useState } from 'react';
import { mutate, useQuery } from '../graphql';
import { useT } from '../i18n';
import { Checkbox, ErrorBox, Loading, TextArea, TextField, ReasonForm, useAction } from '../ui';
import { when } from './steps';

interface OperationRow {
  hash: string;
  name: string;
  document: string;
  registeredBy: string;
  registeredAt: string;
  retiredAt: string | null;
  retireReason: string | null;
}

export function SafelistPage() {
  const t = useT();
  const [retired, setRetired] = useState(false);
  const { data, loading, error, reload } = useQuery<{ registeredOperations: OperationRow[] }>(
    'query($r: Boolean) { registeredOperations(includeRetired: $r) { hash name document registeredBy registeredAt retiredAt retireReason } }',
    { r: retired },
  );
  const [name, setName] = useState('');
  const [document, setDocument] = useState('');
  const action = useAction();
  return (
    <section>
      <form
        className="card stack"
        aria-label={t('登记操作')}
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await mutate('mutation($n: String!, $d: String!) { registerOperation(name: $n, document: $d) { hash } }', { n: name, d: document });
            reload();
            return t('已登记');
          });
        }}
      >
        <h3>{t('登记操作')}</h3>
        <TextField label={t('操作名')} value={name} onChange={setName} required />
        <TextArea label={t('GraphQL 文档（一个具名操作）')} value={document} onChange={setDocument} required rows={5} />
        <ErrorBox error={action.error} />
        {action.done ? <p role="status">{action.done}</p> : null}
        <button type="submit" disabled={action.busy}>{t('登记')}</button>
      </form>
      <Checkbox label={t('包括已停用的')} checked={retired} onChange={setRetired} />
      <Loading loading={loading} />
      <ErrorBox error={error} />
      {(data?.registeredOperations ?? []).map((op) => (
        <article className="card" key={op.hash} aria-label={op.name}>
          <h3>{op.name} <code className="muted">{op.hash.slice(0, 16)}…</code></h3>
          <pre>{op.document}</pre>
          <p className="muted">{op.registeredBy} · {when(op.registeredAt)}{op.retiredAt ? ` · ${t('已停用')} ${when(op.retiredAt)} ${op.retireReason ?? ''}` : ''}</p>
          {op.retiredAt ? null : <RetireForm hash={op.hash} onDone={reload} />}
        </article>
      ))}
    </section>
  );
}

function RetireForm({ hash, onDone }: { hash: string; onDone(): void }) {
  const t = useT();
  return (
    <ReasonForm label={`${t('停用操作')} ${hash.slice(0, 8)}`} reasonLabel={t('停用理由')} submitLabel={t('停用')} onDone={onDone}
      act={(reason) => mutate('mutation($h: String!, $r: String!) { retireOperation(hash: $h, reason: $r) { hash } }', { h: hash, r: reason })} />
  );
}
