// 协议发布: a province authority publishes a new version of the security commitment or the use
// agreement (Yunnan Art.35). It is in force at once: developers accept it again before new keys or
// open-data applications; their acceptances of older versions stay recorded.
import { useState } from 'react';
import { mutate } from '../graphql';
import { useT } from '../i18n';
import { ErrorBox, SelectField, TextArea, TextField, useAction } from '../ui';

const PUBLISH = 'mutation($k: String!, $v: String!, $t: String!, $x: String!) { publishAgreement(kind: $k, version: $v, title: $t, text: $x) { kind version publishedAt } }';

export function AgreementsPage() {
  const t = useT();
  const [kind, setKind] = useState('use-agreement');
  const [version, setVersion] = useState('');
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const action = useAction();
  return (
    <form
      className="card stack"
      aria-label={t('发布协议新版本')}
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          const data = await mutate<{ publishAgreement: { kind: string; version: string } }>(PUBLISH, { k: kind, v: version, t: title, x: text });
          return `${t('已发布')} ${data.publishAgreement.kind} v${data.publishAgreement.version}`;
        });
      }}
    >
      <h3>{t('发布协议新版本')}</h3>
      <SelectField label={t('协议种类')} value={kind} onChange={setKind} options={[{ value: 'security-commitment', label: t('安全承诺书') }, { value: 'use-agreement', label: t('开放利用协议') }]} />
      <div className="row">
        <TextField label={t('版本号')} value={version} onChange={setVersion} required />
        <TextField label={t('标题')} value={title} onChange={setTitle} required />
      </div>
      <TextArea label={t('正文')} value={text} onChange={setText} rows={8} required />
      <p className="muted">{t('发布后即生效：开发者须重新接受，方可申请密钥和有条件开放数据。')}</p>
      <ErrorBox error={action.error} />
      {action.done ? <p role="status">{action.done}</p> : null}
      <button type="submit" disabled={action.busy}>{t('发布')}</button>
    </form>
  );
}
