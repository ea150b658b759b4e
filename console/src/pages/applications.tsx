// 我的申请: each application with its steps, the current stage's deadline and who acts next.
import { useQuery } from '../graphql';
import { useT } from '../i18n';
import { Badge, ErrorBox, Loading, Notice } from '../ui';
import { actionName, APPLICATION_FIELDS, nextActor, stageName, statusName, when, type ApplicationRow } from './steps';

export function ApplicationsPage() {
  const t = useT();
  const { data, loading, error } = useQuery<{ applications: ApplicationRow[] }>(`{ applications { ${APPLICATION_FIELDS} } }`);
  const filed = new URLSearchParams(window.location.search).get('filed');
  const apps = [...(data?.applications ?? [])].sort((a, b) => b.filedAt.localeCompare(a.filedAt));
  return (
    <section>
      {filed ? <Notice>{t('申请已提交')}: {filed}</Notice> : null}
      <Loading loading={loading} />
      <ErrorBox error={error} />
      {apps.length === 0 && !loading ? <p className="muted">{t('暂无申请')}</p> : null}
      {apps.map((app) => (
        <article key={app.id} className="card" data-testid={`application-${app.id}`} aria-label={`${app.scenarioName} ${app.id}`}>
          <h3>
            {app.scenarioName} <code>{app.scenario}</code>{' '}
            <Badge kind={app.status === 'APPROVED' ? 'ok' : app.status === 'REFUSED' ? 'bad' : 'info'}>{statusName(t, app.status)}</Badge>{' '}
            {app.overdue ? <Badge kind="warn">{t('已逾期')}</Badge> : null}
          </h3>
          <dl className="facts">
            <dt>{t('信息项')}</dt>
            <dd>{app.fields.join(', ')}{app.plain.length ? ` (${t('明文')}: ${app.plain.join(', ')})` : ''}</dd>
            <dt>{t('下一步办理')}</dt>
            <dd data-testid="next-actor">{nextActor(t, app)}</dd>
            {app.status === 'PENDING' ? (<><dt>{t('本环节期限')}</dt><dd>{app.dueOn ?? t('无法定期限')}</dd></>) : null}
            {app.grantId ? (<><dt>{t('授权')}</dt><dd><code>{app.grantId}</code></dd></>) : null}
            {app.refusalBasis ? (<><dt>{t('拒绝依据')}</dt><dd>{app.refusalBasis}</dd></>) : null}
            <dt>{t('有效期')}</dt>
            <dd>{when(app.validFrom)} – {when(app.validUntil)}</dd>
          </dl>
          <ol className="steps" aria-label={t('办理步骤')}>
            {app.steps.map((s, i) => (
              <li key={i}>
                <strong>{actionName(t, s.action)}</strong> · {stageName(t, s.stage)} · {s.actor} · {when(s.at)}
                {s.dueOn ? ` · ${t('期限')} ${s.dueOn}` : ''}
                {s.note ? ` · ${s.note}` : ''}
              </li>
            ))}
            {app.currentStage ? (
              <li className="pending">
                {t('待办')} · {stageName(t, app.currentStage)} · {t('期限')} {app.dueOn ?? t('无法定期限')}
              </li>
            ) : null}
          </ol>
        </article>
      ))}
    </section>
  );
}
