// 暂停: admins suspend an institution, developer, grant or dataset (share, open or both), and lift a
// suspension saying why; the history keeps lifted ones.
import { useState } from 'react';
import { mutate, useQuery } from '../graphql';
import { useT } from '../i18n';
import { Badge, Checkbox, ErrorBox, Loading, SelectField, TextField, ReasonForm, useAction } from '../ui';
import { when } from './steps';

interface SuspensionRow {
  id: string;
  targetKind: string;
  targetId: string;
  scope: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  liftedAt: string | null;
  liftedBy: string | null;
  liftReason: string | null;
}

const TARGETS: Record<string, string> = { INSTITUTION: '机构', DEVELOPER: '开发者', GRANT: '授权', DATASET: '数据集' };
const SCOPES: Record<string, string> = { BOTH: '共享和开放', SHARE: '共享', OPEN: '开放' };

export function SuspensionsPage() {
  const t = useT();
  const [history, setHistory] = useState(false);
  const { data, loading, error, reload } = useQuery<{ suspensions: SuspensionRow[] }>(
    'query($all: Boolean) { suspensions(includeLifted: $all) { id targetKind targetId scope reason createdBy createdAt liftedAt liftedBy liftReason } }',
    { all: history },
  );
  return (
    <section>
      <SuspendForm onDone={reload} />
      <Checkbox label={t('包括已解除的')} checked={history} onChange={setHistory} />
      <Loading loading={loading} />
      <ErrorBox error={error} />
      <table aria-label={t('暂停')}>
        <thead>
          <tr>
            <th scope="col">{t('对象')}</th>
            <th scope="col">{t('范围')}</th>
            <th scope="col">{t('理由')}</th>
            <th scope="col">{t('决定')}</th>
            <th scope="col">{t('操作')}</th>
          </tr>
        </thead>
        <tbody>
          {(data?.suspensions ?? []).map((s) => (
            <tr key={s.id} data-testid={`suspension-${s.targetId}`}>
              <td>{t(TARGETS[s.targetKind.toUpperCase()] ?? s.targetKind)} <code>{s.targetId}</code></td>
              <td>{t(SCOPES[s.scope.toUpperCase()] ?? s.scope)}</td>
              <td>{s.reason}</td>
              <td>{s.createdBy} · {when(s.createdAt)}</td>
              <td>
                {s.liftedAt ? (
                  <><Badge kind="ok">{t('已解除')}</Badge> {s.liftedBy} · {when(s.liftedAt)} · {s.liftReason}</>
                ) : (
                  <LiftForm id={s.id} onDone={reload} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function SuspendForm({ onDone }: { onDone(): void }) {
  const t = useT();
  const [target, setTarget] = useState('INSTITUTION');
  const [id, setId] = useState('');
  const [scope, setScope] = useState('BOTH');
  const [reason, setReason] = useState('');
  const action = useAction();
  return (
    <form
      className="card stack"
      aria-label={t('新建暂停')}
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          await mutate('mutation($t: SuspensionTarget!, $id: String!, $s: SuspensionScope, $r: String!) { suspend(target: $t, id: $id, scope: $s, reason: $r) { id } }', { t: target, id, s: scope, r: reason });
          setId('');
          setReason('');
          onDone();
          return t('已暂停');
        });
      }}
    >
      <h3>{t('新建暂停')}</h3>
      <div className="row">
        <SelectField label={t('对象类型')} value={target} onChange={setTarget} options={Object.entries(TARGETS).map(([value, label]) => ({ value, label: t(label) }))} />
        <TextField label={t('对象标识')} value={id} onChange={setId} required hint={t('统一社会信用代码、开发者账号、授权编号或数据集代码')} />
        <SelectField label={t('范围')} value={scope} onChange={setScope} options={Object.entries(SCOPES).map(([value, label]) => ({ value, label: t(label) }))} />
      </div>
      <TextField label={t('理由')} value={reason} onChange={setReason} required />
      <ErrorBox error={action.error} />
      {action.done ? <p role="status">{action.done}</p> : null}
      <button type="submit" disabled={action.busy}>{t('暂停')}</button>
    </form>
  );
}

function LiftForm({ id, onDone }: { id: string; onDone(): void }) {
  const t = useT();
  return (
    <ReasonForm label={`${t('解除暂停')} ${id}`} reasonLabel={t('解除理由')} submitLabel={t('解除')} onDone={onDone}
      act={(reason) => mutate('mutation($id: ID!, $r: String) { liftSuspension(id: $id, reason: $r) { id } }', { id, r: reason })} />
  );
}
