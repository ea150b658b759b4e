// 谁查询了我: a data subject's record accesses as a timeline (who, when, which scenario, which fields),
// verifications of their identity included; an objection is raised from the objections page.
import { useQuery } from '../graphql';
import { useT } from '../i18n';
import { navigate } from '../router';
import { ErrorBox, Loading } from '../ui';
import { when } from './steps';

interface AccessRow {
  recordedAt: string;
  callerKind: string;
  institution: string | null;
  developer: string | null;
  scenario: string | null;
  datasets: string[];
  fields: string[];
}

const KINDS: Record<string, string> = { institution: '公共机构', provider: '数据提供方', admin: '数据主管部门', developer: '开发者' };

export function MyAccessesPage() {
  const t = useT();
  const { data, loading, error } = useQuery<{ myAccesses: AccessRow[] }>('{ myAccesses(first: 100) { recordedAt callerKind institution developer scenario datasets fields } }');
  const rows = data?.myAccesses ?? [];
  return (
    <section>
      <Loading loading={loading} />
      <ErrorBox error={error} />
      {rows.length === 0 && !loading ? <p className="muted">{t('尚无对您记录的访问')}</p> : null}
      <ol className="timeline" aria-label={t('访问时间线')}>
        {rows.map((a, i) => (
          <li key={i} data-testid="access">
            <time dateTime={a.recordedAt}>{when(a.recordedAt)}</time>
            <div>
              <strong>{a.institution ?? a.developer ?? '—'}</strong> <span className="muted">({t(KINDS[a.callerKind] ?? a.callerKind)})</span>
            </div>
            <div>{t('场景')}: <code>{a.scenario ?? '—'}</code></div>
            <div>{t('信息项')}: {a.fields.join(', ') || '—'} <span className="muted">{a.datasets.join(', ')}</span></div>
          </li>
        ))}
      </ol>
      <p>
        <button type="button" onClick={() => navigate('objections')}>{t('对我的记录提出异议')}</button>
      </p>
    </section>
  );
}
