// 应急授权告知: what a provider is told of emergency grants over its fields (Ganzi Art.38: the purpose,
// the fields and the period), and the authority's review once the grant has expired.
import { useQuery } from '../graphql';
import { useT } from '../i18n';
import { Badge, ErrorBox, Loading } from '../ui';
import { when } from './steps';

interface Notice {
  grantId: string;
  institution: string;
  scenario: string;
  purpose: string | null;
  fields: string[];
  validFrom: string;
  validUntil: string;
  notifiedAt: string;
  reviewOutcome: 'JUSTIFIED' | 'UNJUSTIFIED' | null;
  reviewedAt: string | null;
}

const NOTICES = '{ emergencyNotices { grantId institution scenario purpose fields validFrom validUntil notifiedAt reviewOutcome reviewedAt } }';

export function EmergencyNoticesPage() {
  const t = useT();
  const { data, loading, error } = useQuery<{ emergencyNotices: Notice[] }>(NOTICES);
  const notices = data?.emergencyNotices ?? [];
  return (
    <section>
      <Loading loading={loading} />
      <ErrorBox error={error} />
      {!loading && !notices.length ? <p className="muted">{t('暂无应急授权告知')}</p> : null}
      {notices.map((n) => (
        <article key={n.grantId} className="card" data-testid={`notice-${n.grantId}`}>
          <h3>
            <code>{n.scenario}</code> · {n.institution}
          </h3>
          <dl>
            <dt>{t('用途')}</dt>
            <dd>{n.purpose ?? '—'}</dd>
            <dt>{t('信息项')}</dt>
            <dd>{n.fields.join(', ')}</dd>
            <dt>{t('有效期')}</dt>
            <dd>{when(n.validFrom)} – {when(n.validUntil)}</dd>
            <dt>{t('告知时间')}</dt>
            <dd>{when(n.notifiedAt)}</dd>
            <dt>{t('复核结论')}</dt>
            <dd>
              {n.reviewOutcome ? (
                <>
                  <Badge kind={n.reviewOutcome === 'JUSTIFIED' ? 'ok' : 'bad'}>{t(n.reviewOutcome === 'JUSTIFIED' ? '确属必要' : '不属必要')}</Badge> {n.reviewedAt ? when(n.reviewedAt) : null}
                </>
              ) : (
                t('待期满后复核')
              )}
            </dd>
          </dl>
        </article>
      ))}
    </section>
  );
}
