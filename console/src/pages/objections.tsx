// 异议: data subjects and institutions raise one about a record; the dataset's provider answers it
// (corrected or not, and why) within the profile's deadline, extended once at most.
import { useState } from 'react';
import { mutate, useQuery } from '../graphql';
import { useT } from '../i18n';
import type { Session } from '../session';
import { Badge, Checkbox, ErrorBox, Loading, TextArea, TextField, useAction } from '../ui';
import { when } from './steps';

interface ObjectionRow {
  id: string;
  raisedByKind: string;
  dataset: string;
  recordRef: string;
  field: string | null;
  description: string;
  status: string;
  filedAt: string;
  dueOn: string;
  extended: boolean;
  overdue: boolean;
  corrected: boolean | null;
  answer: string | null;
  answeredAt: string | null;
}

const OBJECTIONS = `{ objections { id raisedByKind dataset recordRef field description status filedAt dueOn extended overdue corrected answer answeredAt } }`;
/** 人口基础信息, the dataset a data subject's own record is in. */
const PERSON_DATASET = '530000-GA-0001';

export function ObjectionsPage({ session }: { session: Session | null }) {
  const t = useT();
  const { data, loading, error, reload } = useQuery<{ objections: ObjectionRow[] }>(OBJECTIONS);
  const answering = session?.role === 'provider' || session?.role === 'admin';
  const raising = session?.role === 'subject' || session?.role === 'institution';
  const rows = [...(data?.objections ?? [])].sort((a, b) => a.dueOn.localeCompare(b.dueOn));
  return (
    <section>
      {raising ? <RaiseObjection session={session} onDone={reload} /> : null}
      <Loading loading={loading} />
      <ErrorBox error={error} />
      {rows.length === 0 && !loading ? <p className="muted">{t('暂无异议')}</p> : null}
      {rows.map((o) => (
        <article key={o.id} className={`card${o.overdue ? ' overdue' : ''}`} aria-label={`${t('异议')} ${o.id}`}>
          <h3>
            <code>{o.recordRef}</code>{o.field ? <> · <code>{o.field}</code></> : null}{' '}
            <Badge kind={o.status === 'open' ? 'info' : 'ok'}>{o.status === 'open' ? t('待答复') : t('已答复')}</Badge>{' '}
            {o.overdue ? <Badge kind="bad">{t('已逾期')}</Badge> : null}
          </h3>
          <p>{o.description}</p>
          <p className="muted">
            {t('提出')} {when(o.filedAt)} · {t('期限')} {o.dueOn}{o.extended ? ` (${t('已延期')})` : ''} · {o.dataset}
          </p>
          {o.answer ? <p>{o.corrected ? t('已更正') : t('未更正')}: {o.answer} ({when(o.answeredAt)})</p> : null}
          {answering && o.status === 'open' ? <AnswerObjection id={o.id} field={o.field} extended={o.extended} onDone={reload} /> : null}
        </article>
      ))}
    </section>
  );
}

function RaiseObjection({ session, onDone }: { session: Session | null; onDone(): void }) {
  const t = useT();
  const subject = session?.role === 'subject';
  const [dataset, setDataset] = useState(PERSON_DATASET);
  const [recordRef, setRecordRef] = useState(subject && session?.sub ? `Person:${session.sub}` : '');
  const [field, setField] = useState('');
  const [description, setDescription] = useState('');
  const action = useAction();
  return (
    <form
      className="card stack"
      aria-label={t('提出异议')}
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          await mutate('mutation($d: String!, $r: String!, $f: String, $desc: String!) { raiseObjection(dataset: $d, recordRef: $r, field: $f, description: $desc) { id } }', {
            d: dataset,
            r: recordRef,
            f: field || undefined,
            desc: description,
          });
          setDescription('');
          onDone();
          return t('异议已提交');
        });
      }}
    >
      <h3>{t('提出异议')}</h3>
      <TextField label={t('数据集代码')} value={dataset} onChange={setDataset} required />
      <TextField label={t('记录')} value={recordRef} onChange={setRecordRef} required hint={t('如 Person:<身份证号>')} />
      <TextField label={t('信息项（可选）')} value={field} onChange={setField} placeholder="householdAddress" />
      <TextArea label={t('异议内容')} value={description} onChange={setDescription} required />
      <ErrorBox error={action.error} />
      {action.done ? <p role="status">{action.done}</p> : null}
      <button type="submit" disabled={action.busy}>{t('提交异议')}</button>
    </form>
  );
}

function AnswerObjection({ id, field, extended, onDone }: { id: string; field: string | null; extended: boolean; onDone(): void }) {
  const t = useT();
  const [answer, setAnswer] = useState('');
  const [corrected, setCorrected] = useState(false);
  // A correction is written into the record (Yunnan Art.22): the new value of the field objected to.
  const [correctedField, setCorrectedField] = useState(field ?? '');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const action = useAction();
  return (
    <div className="row">
      <form
        className="stack"
        aria-label={`${t('答复异议')} ${id}`}
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await mutate('mutation($id: ID!, $c: Boolean!, $a: String!, $v: [FieldCorrectionInput!]) { answerObjection(id: $id, corrected: $c, answer: $a, corrections: $v) { id } }',
              { id, c: corrected, a: answer, v: corrected ? [{ field: correctedField, value }] : [] });
            onDone();
          });
        }}
      >
        <Checkbox label={t('已更正')} checked={corrected} onChange={setCorrected} />
        {corrected ? (
          <>
            {field ? null : <TextField label={t('更正的信息项')} value={correctedField} onChange={setCorrectedField} required placeholder="householdAddress" />}
            <TextField label={t('更正后的值')} value={value} onChange={setValue} required />
          </>
        ) : null}
        <TextArea label={t('答复')} value={answer} onChange={setAnswer} required rows={2} />
        <button type="submit" disabled={action.busy}>{t('答复')}</button>
      </form>
      {extended ? null : (
        <form
          className="stack"
          aria-label={`${t('延期')} ${id}`}
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(async () => {
              await mutate('mutation($id: ID!, $r: String!) { extendObjection(id: $id, reason: $r) { id } }', { id, r: reason });
              onDone();
            });
          }}
        >
          <TextField label={t('延期理由')} value={reason} onChange={setReason} required />
          <button type="submit" disabled={action.busy}>{t('延期')}</button>
        </form>
      )}
      <ErrorBox error={action.error} />
    </div>
  );
}
