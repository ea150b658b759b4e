// 数据使用情况: what auditUsage says about the provider's datasets (admins: all), as bars by dataset,
// by institution and by scenario, requests per day (auditUsagePerDay: in all, and for the busiest
// institutions and scenarios), and the rows themselves.
import { useState } from 'react';
import { useQuery } from '../graphql';
import { useT } from '../i18n';
import { BarChart, DailyChart, ErrorBox, Loading, TextField } from '../ui';
import { when } from './steps';

interface UsageRow {
  dataset: string;
  institution: string | null;
  scenario: string | null;
  requests: number;
  lastUsedAt: string;
}

interface DailyRow {
  day: string;
  dataset: string;
  institution: string | null;
  scenario: string | null;
  requests: number;
}

const PER_DAY = 'query($from: String!, $to: String!) { auditUsagePerDay(from: $from, to: $to) { day dataset institution scenario requests } }';
/** Charts per institution and per scenario: the busiest few (the table holds the rest). */
const SERIES_SHOWN = 3;

/** Every day from..to (YYYY-MM-DD), so days without requests show as 0. */
function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`) && days.length <= 92; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

function perDay(rows: DailyRow[], days: string[]): { day: string; value: number }[] {
  const sums = new Map<string, number>();
  for (const r of rows) sums.set(r.day, (sums.get(r.day) ?? 0) + r.requests);
  return days.map((day) => ({ day, value: sums.get(day) ?? 0 }));
}

/** The busiest `count` values of `key`, each with its per-day series. */
function busiest(rows: DailyRow[], days: string[], key: (r: DailyRow) => string, count: number) {
  return sumBy(rows, key)
    .slice(0, count)
    .map(({ label }) => ({ label, days: perDay(rows.filter((r) => key(r) === label), days) }));
}

function sumBy<R extends { requests: number }>(rows: R[], key: (r: R) => string): { label: string; value: number }[] {
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
  // Beijing days; the range ends today unless a day is picked.
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const range = { from: from || today, to: to || today };
  const daily = useQuery<{ auditUsagePerDay: DailyRow[] }>(PER_DAY, range);
  const dailyRows = daily.data?.auditUsagePerDay ?? [];
  const days = daysBetween(range.from, range.to);
  return (
    <section>
      <form className="filters" aria-label={t('时间范围')} onSubmit={(e) => e.preventDefault()}>
        <TextField label={t('自')} type="date" value={from} onChange={setFrom} />
        <TextField label={t('至')} type="date" value={to} onChange={setTo} />
      </form>
      <Loading loading={loading} />
      <ErrorBox error={error} />
      <ErrorBox error={daily.error} />
      <div className="charts" data-testid="usage-per-day">
        <DailyChart title={t('每日请求数')} days={perDay(dailyRows, days)} />
        {busiest(dailyRows, days, (r) => r.institution ?? t('（无机构）'), SERIES_SHOWN).map((s) => (
          <DailyChart key={`i-${s.label}`} title={`${t('每日请求数')} · ${t('机构')} ${s.label}`} days={s.days} />
        ))}
        {busiest(dailyRows, days, (r) => r.scenario ?? t('（无场景）'), SERIES_SHOWN).map((s) => (
          <DailyChart key={`s-${s.label}`} title={`${t('每日请求数')} · ${t('场景')} ${s.label}`} days={s.days} />
        ))}
      </div>
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
