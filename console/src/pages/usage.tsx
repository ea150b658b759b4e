// 数据使用情况: what auditUsage says about the provider's datasets (admins: all), as bars by dataset,
// by institution and by scenario, and the rows themselves.
import { useState } from 'react';
import { useQuery } from '../graphql';
import { useT } from '../i18n';
import { BarChart, ErrorBox, Loading, TextField } from '../ui';
import { when } from './steps';

interface UsageRow {
  dataset: string;
  institution: string | null;
  scenario: string | null;
  requests: number;
  lastUsedAt: string;
}

function sumBy(rows: UsageRow[], key: (r: UsageRow) => string): { label: string; value: number }[] {
  const sums = new Map<string, number>();
  for (const r of rows) sums.set(key(r), (sums.get(key(r)) ?? 0) + r.requests);
  return [...sums].map(([label, value]) => ({ label, value })).sort((a, b) => b.value - a.value);
}

export function UsagePage() {
  const t = useT();
  const [from, setFrom] = useState(new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10));
  const [to, setTo] = useState('');
  const { data, loading, error } = useQuery<{ auditUsage: UsageRow[] }>('query($from: String, $to: String) { auditUsage(from: $from, to: $to) { dataset institution scenario requests lastUsedAt } }', {
    from: from ? new Date(`${from}T00:00:00`).toISOString() : undefined,
    to: to ? new Date(`${to}T23:59:59`).toISOString() : undefined,
  });
  const rows = data?.auditUsage ?? [];
  return (
    <section>
      <form className="filters" aria-label={t('时间范围')} onSubmit={(e) => e.preventDefault()}>
        <TextField label={t('自')} type="date" value={from} onChange={setFrom} />
        <TextField label={t('至')} type="date" value={to} onChange={setTo} />
      </form>
      <Loading loading={loading} />
      <ErrorBox error={error} />
      <div className="charts">
        <BarChart title={t('按数据集的请求数')} rows={sumBy(rows, (r) => r.dataset)} />
        <BarChart title={t('按机构的请求数')} rows={sumBy(rows, (r) => r.institution ?? t('（无机构）'))} />
        <BarChart title={t('按场景的请求数')} rows={sumBy(rows, (r) => r.scenario ?? t('（无场景）'))} />
      </div>
      <table aria-label={t('使用明细')}>
        <thead>
          <tr>
            <th scope="col">{t('数据集')}</th>
            <th scope="col">{t('机构')}</th>
            <th scope="col">{t('场景')}</th>
            <th scope="col">{t('请求数')}</th>
            <th scope="col">{t('最近使用')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td>{r.dataset}</td>
              <td>{r.institution ?? '—'}</td>
              <td>{r.scenario ?? '—'}</td>
              <td>{r.requests}</td>
              <td>{when(r.lastUsedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
