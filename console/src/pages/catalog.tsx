// 数据目录: every caller may browse it. Filters by provider, share/open attribute and level run on the
// server (the catalog query's arguments); the text search runs here over names and coordinates.
import { Fragment, useMemo, useState } from 'react';
import { useQuery } from '../graphql';
import { useT } from '../i18n';
import { ErrorBox, Loading, SelectField, TextField } from '../ui';

export const CATALOG = `query Catalog($provider: String, $share: String, $open: String, $level: String) {
  catalog(provider: $provider, share: $share, open: $open, level: $level) {
    code name provider providerCode level summary updateFrequency resourceKind
    fields { coordinate name share shareCondition legalBasis open openCondition mask level provider providerCode }
  }
}`;

export interface CatalogFieldRow {
  coordinate: string;
  name: string;
  share: string;
  shareCondition: string | null;
  legalBasis: string | null;
  open: string;
  openCondition: string | null;
  mask: string | null;
  level: string | null;
  provider: string;
  providerCode: string;
}

export interface CatalogDatasetRow {
  code: string;
  name: string;
  provider: string;
  providerCode: string;
  level: string;
  summary: string | null;
  updateFrequency: string;
  resourceKind: string;
  fields: CatalogFieldRow[];
}

export const ATTRIBUTES = ['UNCONDITIONAL', 'CONDITIONAL', 'NONE'];
export const ATTRIBUTE_NAMES: Record<string, string> = { UNCONDITIONAL: '无条件', CONDITIONAL: '有条件', NONE: '不予' };
const LEVELS = ['L1', 'L2', 'L3', 'L4', 'IMPORTANT', 'CORE'];

export function CatalogPage() {
  const t = useT();
  const [provider, setProvider] = useState('');
  const [attribute, setAttribute] = useState('');
  const [level, setLevel] = useState('');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [kind, value] = attribute ? attribute.split(':') : [];
  const all = useQuery<{ catalog: CatalogDatasetRow[] }>(CATALOG, {});
  const filtered = useQuery<{ catalog: CatalogDatasetRow[] }>(CATALOG, {
    provider: provider || undefined,
    share: kind === 'share' ? value : undefined,
    open: kind === 'open' ? value : undefined,
    level: level || undefined,
  });
  const providers = useMemo(() => {
    const seen = new Map<string, string>();
    for (const d of all.data?.catalog ?? []) seen.set(d.providerCode, d.provider);
    return [...seen].map(([code, name]) => ({ value: code, label: `${name} (${code})` }));
  }, [all.data]);
  const needle = search.trim().toLowerCase();
  const datasets = (filtered.data?.catalog ?? [])
    .map((d) => ({
      ...d,
      fields: d.fields.filter((f) => !needle || [d.name, d.code, f.name, f.coordinate].some((s) => s.toLowerCase().includes(needle))),
    }))
    .filter((d) => d.fields.length > 0);
  const detail = datasets.flatMap((d) => d.fields).find((f) => f.coordinate === selected);

  return (
    <section>
      <form className="filters" role="search" aria-label={t('目录筛选')} onSubmit={(e) => e.preventDefault()}>
        <TextField label={t('搜索')} value={search} onChange={setSearch} placeholder={t('名称或字段，如 Person.name')} />
        <SelectField label={t('提供方')} value={provider} onChange={setProvider} options={[{ value: '', label: t('全部') }, ...providers]} />
        <SelectField
          label={t('共享/开放属性')}
          value={attribute}
          onChange={setAttribute}
          options={[
            { value: '', label: t('全部') },
            ...ATTRIBUTES.map((a) => ({ value: `share:${a}`, label: `${t('共享')}: ${t(ATTRIBUTE_NAMES[a])}` })),
            ...ATTRIBUTES.map((a) => ({ value: `open:${a}`, label: `${t('开放')}: ${t(ATTRIBUTE_NAMES[a])}` })),
          ]}
        />
        <SelectField label={t('分级')} value={level} onChange={setLevel} options={[{ value: '', label: t('全部') }, ...LEVELS.map((l) => ({ value: l, label: l }))]} />
      </form>
      <Loading loading={filtered.loading} />
      <ErrorBox error={filtered.error} />
      <div className="split">
        <table aria-label={t('目录')}>
          <thead>
            <tr>
              <th scope="col">{t('信息项')}</th>
              <th scope="col">{t('共享')}</th>
              <th scope="col">{t('开放')}</th>
              <th scope="col">{t('分级')}</th>
            </tr>
          </thead>
          <tbody>
            {datasets.map((d) => (
              <Fragment key={d.code}>
                <tr className="group">
                  <th colSpan={4} scope="rowgroup">
                    {d.name} <span className="muted">{d.code} · {d.provider} · {d.level}</span>
                  </th>
                </tr>
                {d.fields.map((f) => (
                  <tr key={f.coordinate} className={selected === f.coordinate ? 'selected' : undefined}>
                    <td>
                      <button type="button" className="link" aria-pressed={selected === f.coordinate} onClick={() => setSelected(f.coordinate)}>
                        {f.name} <code>{f.coordinate}</code>
                      </button>
                    </td>
                    <td>{t(ATTRIBUTE_NAMES[f.share] ?? f.share)}</td>
                    <td>{t(ATTRIBUTE_NAMES[f.open] ?? f.open)}</td>
                    <td>{f.level ?? d.level}</td>
                  </tr>
                ))}
              </Fragment>
            ))}
          </tbody>
        </table>
        <aside aria-live="polite" aria-label={t('字段详情')} className="detail">
          {detail ? (
            <dl data-testid="field-detail">
              <dt>{t('信息项')}</dt>
              <dd>{detail.name} <code>{detail.coordinate}</code></dd>
              <dt>{t('提供方')}</dt>
              <dd>{detail.provider} ({detail.providerCode})</dd>
              <dt>{t('共享')}</dt>
              <dd>{t(ATTRIBUTE_NAMES[detail.share] ?? detail.share)}</dd>
              {detail.shareCondition ? (<><dt>{t('共享条件')}</dt><dd>{detail.shareCondition}</dd></>) : null}
              {detail.legalBasis ? (<><dt>{t('不予共享的法律依据')}</dt><dd>{detail.legalBasis}</dd></>) : null}
              <dt>{t('开放')}</dt>
              <dd>{t(ATTRIBUTE_NAMES[detail.open] ?? detail.open)}</dd>
              {detail.openCondition ? (<><dt>{t('开放条件')}</dt><dd>{detail.openCondition}</dd></>) : null}
              <dt>{t('脱敏')}</dt>
              <dd>{detail.mask ?? t('无')}</dd>
              <dt>{t('分级')}</dt>
              <dd>{detail.level ?? t('同数据集')}</dd>
            </dl>
          ) : (
            <p className="muted">{t('选择一个信息项查看其条件或法律依据')}</p>
          )}
        </aside>
      </div>
    </section>
  );
}
