// 审核队列: applications waiting for this reviewer, the nearest deadline first, overdue marked. A
// refusal must cite its legal basis (the platform refuses one without).
import { useState } from 'react';
import { mutate, useQuery } from '../graphql';
import { useT } from '../i18n';
import { Badge, ErrorBox, Loading, TextField, useAction } from '../ui';
import { APPLICATION_FIELDS, nextActor, stageName, when, type ApplicationRow } from './steps';

const DECIDE = `mutation Decide($id: ID!, $approve: Boolean!, $legalBasis: String, $note: String) {
  decideApplication(id: $id, approve: $approve, legalBasis: $legalBasis, note: $note) { id status currentStage grantId }
}`;

export function ReviewQueuePage() {
  const t = useT();
  const { data, loading, error, reload } = useQuery<{ applications: ApplicationRow[] }>(`{ applications(status: "PENDING") { ${APPLICATION_FIELDS} } }`);
  const queue = [...(data?.applications ?? [])].sort((a, b) => (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999') || a.filedAt.localeCompare(b.filedAt));
  return (
    <section>
      <Loading loading={loading} />
      <ErrorBox error={error} />
      {queue.length === 0 && !loading ? <p className="muted">{t('没有待审核的申请')}</p> : null}
      {queue.map((app) => (
        <article key={app.id} className={`card${app.overdue ? ' overdue' : ''}`} data-testid={`review-${app.id}`} aria-label={`${app.scenarioName} ${app.id}`}>
          <h3>
            {app.scenarioName} <code>{app.scenario}</code> {app.overdue ? <Badge kind="bad">{t('已逾期')}</Badge> : null}
          </h3>
          <dl className="facts">
            <dt>{t('申请方')}</dt>
            <dd>{app.applicantId} ({app.applicantKind}) · {app.operator}</dd>
            <dt>{t('信息项')}</dt>
            <dd>{app.fields.join(', ')}{app.plain.length ? ` (${t('明文')}: ${app.plain.join(', ')})` : ''}</dd>
            {app.highLevelFields.length ? (<><dt>{t('L4及以上信息项')}</dt><dd>{app.highLevelFields.join(', ')}{app.plainReason ? ` — ${app.plainReason}` : ''}</dd></>) : null}
            <dt>{t('用途说明')}</dt>
            <dd>{app.description}</dd>
            <dt>{t('法律依据')}</dt>
            <dd>{app.legalBasis ?? '—'}</dd>
            <dt>{t('当前环节')}</dt>
            <dd>{nextActor(t, app)}</dd>
            <dt>{t('期限')}</dt>
            <dd>{app.dueOn ?? t('无法定期限')}</dd>
            <dt>{t('有效期')}</dt>
            <dd>{when(app.validFrom)} – {when(app.validUntil)}</dd>
          </dl>
          <DecideForm id={app.id} onDone={reload} />
        </article>
      ))}
    </section>
  );
}

function DecideForm({ id, onDone }: { id: string; onDone(): void }) {
  const t = useT();
  const [legalBasis, setLegalBasis] = useState('');
  const [note, setNote] = useState('');
  const action = useAction();
  const decide = (approve: boolean) =>
    action.run(async () => {
      await mutate(DECIDE, { id, approve, legalBasis: legalBasis || undefined, note: note || undefined });
      onDone();
    });
  return (
    <form
      className="decide"
      aria-label={`${t('审核决定')} ${id}`}
      onSubmit={(e) => {
        e.preventDefault();
        void decide(true);
      }}
    >
      <TextField label={t('法律依据（拒绝时必填）')} value={legalBasis} onChange={setLegalBasis} name="legalBasis" />
      <TextField label={t('备注')} value={note} onChange={setNote} name="note" />
      <div className="buttons">
        <button type="submit" disabled={action.busy}>{t('批准')}</button>
        <button type="button" className="danger" disabled={action.busy} onClick={() => void decide(false)}>{t('拒绝')}</button>
      </div>
      <ErrorBox error={action.error} />
    </form>
  );
}
