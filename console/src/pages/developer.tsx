// 开发者门户 (issue 15 contract): register an app bound to a legal entity's credit code, read and accept
// the security commitment (安全承诺书) and use agreement (开放利用协议), API keys (shown once when created
// or rotated, stored by the platform only as a hash), usage against quota.
import { useState } from 'react';
import { mutate, useQuery } from '../graphql';
import { useT } from '../i18n';
import { navigate } from '../router';
import { Badge, DailyChart, ErrorBox, Loading, SelectField, TextField, useAction } from '../ui';
import { when } from './steps';

interface DeveloperApp { id: string; name: string; creditCode: string; status: string; createdAt: string }
interface Agreement { kind: string; version: string; title: string; text: string; publishedAt: string; accepted: boolean }
interface ApiKey { id: string; appId: string; name: string; prefix: string; status: string; createdAt: string; lastUsedAt: string | null; expiresAt: string | null; revokedAt: string | null }
interface CreatedApiKey { key: string; apiKey: ApiKey }
interface UsageDay { day: string; requests: number; quota: number }

const KEY_FIELDS = 'id appId name prefix status createdAt lastUsedAt expiresAt revokedAt';
const PORTAL = `{ myApps { id name creditCode status createdAt } agreements { kind version title text publishedAt accepted } apiKeys { ${KEY_FIELDS} } }`;

export function DeveloperPage() {
  const t = useT();
  const portal = useQuery<{ myApps: DeveloperApp[]; agreements: Agreement[]; apiKeys: ApiKey[] }>(PORTAL);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const apps = portal.data?.myApps ?? [];
  return (
    <section className="portal">
      <Loading loading={portal.loading} />
      <ErrorBox error={portal.error} />
      <h3>{t('我的应用')}</h3>
      <ul>
        {apps.map((a) => (
          <li key={a.id}>{a.name} · {a.creditCode} · <Badge kind={a.status === 'active' ? 'ok' : 'info'}>{a.status}</Badge> <span className="muted">{when(a.createdAt)}</span></li>
        ))}
      </ul>
      <RegisterApp onDone={portal.reload} />

      <h3>{t('协议')}</h3>
      {(portal.data?.agreements ?? []).map((a) => <AgreementCard key={`${a.kind}-${a.version}`} agreement={a} onDone={portal.reload} />)}

      <h3>{t('API 密钥')}</h3>
      {created ? (
        <div className="notice" role="status" data-testid="created-key">
          <p>{t('新密钥只显示这一次，请立即妥善保存：')}</p>
          <label htmlFor="created-key-value">{t('密钥')} {created.apiKey.name}</label>
          <input id="created-key-value" readOnly value={created.key} onFocus={(e) => e.target.select()} />
          <button type="button" onClick={() => setCreated(null)}>{t('我已保存')}</button>
        </div>
      ) : null}
      <CreateKey apps={apps} onCreated={(c) => { setCreated(c); portal.reload(); }} />
      <table aria-label={t('API 密钥')}>
        <thead>
          <tr>
            <th scope="col">{t('名称')}</th>
            <th scope="col">{t('前缀')}</th>
            <th scope="col">{t('状态')}</th>
            <th scope="col">{t('创建')}</th>
            <th scope="col">{t('最近使用')}</th>
            <th scope="col">{t('到期')}</th>
            <th scope="col">{t('操作')}</th>
          </tr>
        </thead>
        <tbody>
          {(portal.data?.apiKeys ?? []).map((k) => (
            <tr key={k.id} data-testid={`key-${k.name}`}>
              <td>{k.name}</td>
              <td><code>{k.prefix}…</code></td>
              <td><Badge kind={k.status === 'active' ? 'ok' : 'bad'}>{k.status}</Badge></td>
              <td>{when(k.createdAt)}</td>
              <td>{when(k.lastUsedAt) || '—'}</td>
              <td>{when(k.expiresAt ?? k.revokedAt) || '—'}</td>
              <td>{k.status === 'active' ? <KeyActions apiKey={k} onRotated={(c) => { setCreated(c); portal.reload(); }} onRevoked={portal.reload} /> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>{t('用量')}</h3>
      <Usage />
      <p>
        <button type="button" onClick={() => navigate('apply')}>{t('申请有条件开放数据')}</button>
      </p>
    </section>
  );
}

function RegisterApp({ onDone }: { onDone(): void }) {
  const t = useT();
  const [name, setName] = useState('');
  const [creditCode, setCreditCode] = useState('');
  const action = useAction();
  return (
    <form
      className="card stack"
      aria-label={t('登记应用')}
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          await mutate('mutation($n: String!, $c: String!) { registerApp(name: $n, creditCode: $c) { id } }', { n: name, c: creditCode });
          setName('');
          onDone();
          return t('应用已登记');
        });
      }}
    >
      <div className="row">
        <TextField label={t('应用名称')} value={name} onChange={setName} required />
        <TextField label={t('法人统一社会信用代码')} value={creditCode} onChange={setCreditCode} required />
      </div>
      <ErrorBox error={action.error} />
      {action.done ? <p role="status">{action.done}</p> : null}
      <button type="submit" disabled={action.busy}>{t('登记应用')}</button>
    </form>
  );
}

function AgreementCard({ agreement, onDone }: { agreement: Agreement; onDone(): void }) {
  const t = useT();
  const action = useAction();
  return (
    <article className="card" aria-label={agreement.title}>
      <h4>{agreement.title} <span className="muted">v{agreement.version} · {when(agreement.publishedAt)}</span> {agreement.accepted ? <Badge kind="ok">{t('已接受')}</Badge> : null}</h4>
      <div className="agreement-text" tabIndex={0} aria-label={`${agreement.title} ${t('全文')}`}>{agreement.text}</div>
      {agreement.accepted ? null : (
        <button
          type="button"
          disabled={action.busy}
          onClick={() =>
            void action.run(async () => {
              await mutate('mutation($k: String!, $v: String!) { acceptAgreement(kind: $k, version: $v) { accepted } }', { k: agreement.kind, v: agreement.version });
              onDone();
            })
          }
        >
          {t('我已阅读并接受')}
        </button>
      )}
      <ErrorBox error={action.error} />
    </article>
  );
}

const CREATED_FIELDS = `key apiKey { ${KEY_FIELDS} }`;

function CreateKey({ apps, onCreated }: { apps: DeveloperApp[]; onCreated(created: CreatedApiKey): void }) {
  const t = useT();
  const [appId, setAppId] = useState('');
  const [name, setName] = useState('');
  const action = useAction();
  const chosen = appId || apps[0]?.id || '';
  return (
    <form
      className="card stack"
      aria-label={t('创建密钥')}
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          const data = await mutate<{ createApiKey: CreatedApiKey }>(`mutation($a: ID!, $n: String!) { createApiKey(appId: $a, name: $n) { ${CREATED_FIELDS} } }`, { a: chosen, n: name });
          setName('');
          onCreated(data.createApiKey);
        });
      }}
    >
      <div className="row">
        <SelectField label={t('应用')} value={chosen} onChange={setAppId} options={apps.map((a) => ({ value: a.id, label: a.name }))} />
        <TextField label={t('密钥名称')} value={name} onChange={setName} required />
      </div>
      <ErrorBox error={action.error} />
      <button type="submit" disabled={action.busy || !chosen}>{t('创建密钥')}</button>
    </form>
  );
}

function KeyActions({ apiKey, onRotated, onRevoked }: { apiKey: ApiKey; onRotated(created: CreatedApiKey): void; onRevoked(): void }) {
  const t = useT();
  const [overlap, setOverlap] = useState('24');
  const [reason, setReason] = useState('');
  const action = useAction();
  return (
    <div className="row">
      <form
        className="inline"
        aria-label={`${t('轮换密钥')} ${apiKey.name}`}
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const data = await mutate<{ rotateApiKey: CreatedApiKey }>(`mutation($id: ID!, $h: Int) { rotateApiKey(id: $id, overlapHours: $h) { ${CREATED_FIELDS} } }`, { id: apiKey.id, h: Number(overlap) });
            onRotated(data.rotateApiKey);
          });
        }}
      >
        <TextField label={t('新旧并行（小时）')} type="number" value={overlap} onChange={setOverlap} required />
        <button type="submit" disabled={action.busy}>{t('轮换')}</button>
      </form>
      <form
        className="inline"
        aria-label={`${t('吊销密钥')} ${apiKey.name}`}
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await mutate(`mutation($id: ID!, $r: String!) { revokeApiKey(id: $id, reason: $r) { id status } }`, { id: apiKey.id, r: reason });
            onRevoked();
          });
        }}
      >
        <TextField label={t('吊销理由')} value={reason} onChange={setReason} required />
        <button type="submit" className="danger" disabled={action.busy}>{t('吊销')}</button>
      </form>
      <ErrorBox error={action.error} />
    </div>
  );
}

function Usage() {
  const t = useT();
  const [days, setDays] = useState('30');
  const { data, loading, error } = useQuery<{ myUsage: UsageDay[] }>('query($d: Int) { myUsage(days: $d) { day requests quota } }', { d: Number(days) || 30 });
  const rows = data?.myUsage ?? [];
  const quota = rows[0]?.quota;
  return (
    <div>
      <form className="filters" aria-label={t('用量范围')} onSubmit={(e) => e.preventDefault()}>
        <SelectField label={t('天数')} value={days} onChange={setDays} options={['7', '30', '90'].map((d) => ({ value: d, label: d }))} />
      </form>
      <Loading loading={loading} />
      <ErrorBox error={error} />
      {quota !== undefined ? <p>{t('每日配额')}: {quota}</p> : null}
      <DailyChart title={t('每日请求数')} days={rows.map((r) => ({ day: r.day, value: r.requests }))} limit={quota} />
      <p className="muted">{t('合计')}: {rows.reduce((sum, r) => sum + r.requests, 0)}</p>
    </div>
  );
}
