// 我的授权 (institutions and developers: their own; admins: all, and may revoke or scope one).
import { useState } from 'react';
import { mutate, useQuery } from '../graphql';
import { useT } from '../i18n';
import type { Session } from '../session';
import { Badge, ErrorBox, Loading, TextField, ReasonForm, useAction } from '../ui';
import { when } from './steps';

interface GrantRow {
  id: string;
  granteeKind: string;
  granteeId: string;
  scenario: string;
  fields: string[];
  plain: string[];
  validFrom: string;
  validUntil: string;
  status: string;
  emergency: boolean;
  divisionScope: string | null;
  maskNotes: string[];
}

export const GRANT_FIELDS = 'id granteeKind granteeId scenario fields plain validFrom validUntil status emergency divisionScope maskNotes';

const STATUS_NAMES: Record<string, string> = { active: '有效', notYetValid: '未生效', expired: '已过期', suspended: '已暂停', revoked: '已撤销' };

export function GrantsPage({ session }: { session: Session | null }) {
  const t = useT();
  const admin = session?.role === 'admin';
  const { data, loading, error, reload } = useQuery<{ grants: GrantRow[] }>(`{ grants { ${GRANT_FIELDS} } }`);
  return (
    <section>
      <Loading loading={loading} />
      <ErrorBox error={error} />
      <table aria-label={t('授权')}>
        <thead>
          <tr>
            <th scope="col">{t('授权')}</th>
            {admin ? <th scope="col">{t('被授权方')}</th> : null}
            <th scope="col">{t('场景')}</th>
            <th scope="col">{t('信息项')}</th>
            <th scope="col">{t('有效期')}</th>
            <th scope="col">{t('状态')}</th>
            {admin ? <th scope="col">{t('操作')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {(data?.grants ?? []).map((g) => (
            <tr key={g.id}>
              <td><code>{g.id}</code>{g.emergency ? <> <Badge kind="warn">{t('应急')}</Badge></> : null}</td>
              {admin ? <td>{g.granteeId}</td> : null}
              <td><code>{g.scenario}</code></td>
              <td>
                {g.fields.join(', ')}
                {g.plain.length ? <div className="muted">{t('明文')}: {g.plain.join(', ')}</div> : null}
                {g.divisionScope ? <div className="muted">{t('限于区划')} {g.divisionScope}</div> : null}
                {g.maskNotes.map((n) => <div key={n} className="muted">{n}</div>)}
              </td>
              <td>{when(g.validFrom)} – {when(g.validUntil)}</td>
              <td><Badge kind={g.status === 'active' ? 'ok' : 'bad'}>{t(STATUS_NAMES[g.status] ?? g.status)}</Badge></td>
              {admin ? <td>{g.status === 'active' ? <RevokeGrant id={g.id} onDone={reload} /> : null}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function RevokeGrant({ id, onDone }: { id: string; onDone(): void }) {
  const t = useT();
  return (
    <ReasonForm label={`${t('撤销授权')} ${id}`} reasonLabel={t('撤销理由')} submitLabel={t('撤销')} onDone={onDone}
      act={(reason) => mutate('mutation($id: ID!, $reason: String!) { revokeGrant(id: $id, reason: $reason) { id status } }', { id, reason })} />
  );
}
