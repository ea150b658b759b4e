// 申请数据: one scenario, one application (一场景一申请): pick fields of one provider's datasets from the
// catalog, say which are needed plain, the scenario, its legal basis and the validity. Developers
// apply for conditional open data the same way, under the agreements they accepted in the portal
// (the platform checks its record of the acceptance, Yunnan Art.35).
import { useState, type FormEvent } from 'react';
import { mutate, useQuery } from '../graphql';
import { useT } from '../i18n';
import { BASE, navigate } from '../router';
import type { Session } from '../session';
import { Checkbox, ErrorBox, Loading, Notice, TextArea, TextField, useAction } from '../ui';
import { ATTRIBUTE_NAMES, CATALOG, type CatalogDatasetRow } from './catalog';

const APPLY = `mutation Apply($input: ApplicationInput!) { applyForAccess(input: $input) { id status currentStage dueOn } }`;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

export function ApplyPage({ session }: { session: Session | null }) {
  const t = useT();
  const developer = session?.role === 'developer';
  const catalog = useQuery<{ catalog: CatalogDatasetRow[] }>(CATALOG, {});
  const [fields, setFields] = useState<string[]>([]);
  const [plain, setPlain] = useState<string[]>([]);
  const [scenario, setScenario] = useState('');
  const [scenarioName, setScenarioName] = useState('');
  const [description, setDescription] = useState('');
  const [legalBasis, setLegalBasis] = useState('');
  const [plainReason, setPlainReason] = useState('');
  const [validFrom, setValidFrom] = useState(day(0));
  const [validUntil, setValidUntil] = useState(day(90));
  const action = useAction();
  const attribute = (f: { share: string; open: string }) => (developer ? f.open : f.share);

  const toggle = (list: string[], set: (l: string[]) => void, coordinate: string, on: boolean) => set(on ? [...list, coordinate] : list.filter((c) => c !== coordinate));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      // Validity runs from the start of the first day (or now, for today) to the end of the last.
      const from = validFrom === day(0) ? new Date(Date.now() - 60_000) : new Date(`${validFrom}T00:00:00`);
      const input = {
        purpose: developer ? 'OPEN' : 'SHARE',
        scenario,
        scenarioName,
        description,
        legalBasis: legalBasis || undefined,
        fields,
        plain: plain.filter((p) => fields.includes(p)),
        plainReason: plainReason || undefined,
        validFrom: from.toISOString(),
        validUntil: new Date(`${validUntil}T23:59:59`).toISOString(),
      };
      const data = await mutate<{ applyForAccess: { id: string; dueOn: string } }>(APPLY, { input });
      navigate(`applications?filed=${encodeURIComponent(data.applyForAccess.id)}`);
    });
  };

  return (
    <form onSubmit={submit} aria-label={t('申请数据')} className="stack">
      <Loading loading={catalog.loading} />
      <ErrorBox error={catalog.error} />
      <fieldset>
        <legend>{t('选择信息项（同一提供方）')}</legend>
        {(catalog.data?.catalog ?? []).map((d) => (
          <div key={d.code} className="dataset-pick">
            <h3>{d.name} <span className="muted">{d.provider}</span></h3>
            {d.fields.map((f) => {
              const refused = attribute(f) === 'NONE';
              return (
                <div key={f.coordinate} className="pick-row">
                  <Checkbox
                    name="field"
                    label={<>{f.name} <code>{f.coordinate}</code> <span className="muted">{t(ATTRIBUTE_NAMES[attribute(f)])}</span></>}
                    checked={fields.includes(f.coordinate)}
                    disabled={refused}
                    onChange={(on) => toggle(fields, setFields, f.coordinate, on)}
                  />
                  {fields.includes(f.coordinate) ? (
                    <Checkbox name="plain" label={`${t('需要明文')}: ${f.coordinate}`} checked={plain.includes(f.coordinate)} onChange={(on) => toggle(plain, setPlain, f.coordinate, on)} />
                  ) : null}
                </div>
              );
            })}
          </div>
        ))}
      </fieldset>
      <TextField label={t('场景编号（请求头 x-scenario-id）')} value={scenario} onChange={setScenario} required name="scenario" />
      <TextField label={t('场景名称')} value={scenarioName} onChange={setScenarioName} required name="scenarioName" />
      <TextArea label={t('用途说明')} value={description} onChange={setDescription} required name="description" />
      <TextField label={t('法律依据')} value={legalBasis} onChange={setLegalBasis} name="legalBasis" />
      <TextArea label={t('需要明文的理由（L4及以上必填）')} value={plainReason} onChange={setPlainReason} rows={2} name="plainReason" />
      <div className="row">
        <TextField label={t('有效期自')} type="date" value={validFrom} onChange={setValidFrom} required name="validFrom" />
        <TextField label={t('有效期至')} type="date" value={validUntil} onChange={setValidUntil} required name="validUntil" />
      </div>
      {developer ? (
        <p>
          {t('有条件开放申请须先在开发者门户接受现行的安全承诺书和开放利用协议。')} <a href={`${BASE}developer`} onClick={(e) => { e.preventDefault(); navigate('developer'); }}>{t('开发者门户')}</a>
        </p>
      ) : null}
      <ErrorBox error={action.error} />
      {action.done ? <Notice>{action.done}</Notice> : null}
      <button type="submit" disabled={action.busy || fields.length === 0}>{t('提交申请')}</button>
    </form>
  );
}
