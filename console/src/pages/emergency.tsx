// 应急授权: time-boxed access in an emergency (突发事件), flagged and reviewed once it has expired
// (Ganzi Art.38): the admin records whether it was justified, with a note; reviewed grants leave the list.
import { useState } from 'react';
import { mutate, useQuery } from '../graphql';
import { useT } from '../i18n';
import { ErrorBox, Loading, SelectField, TextArea, TextField, useAction } from '../ui';
import { GRANT_FIELDS } from './grants';
import { when } from './steps';

const REVIEW = 'mutation($g: ID!, $o: EmergencyReviewOutcome!, $n: String!) { reviewEmergencyGrant(grant: $g, outcome: $o, note: $n) { grantId outcome } }';

function ReviewForm({ grant, onReviewed }: { grant: string; onReviewed: () => void }) {
  const t = useT();
  const [outcome, setOutcome] = useState('JUSTIFIED');
  const [note, setNote] = useState('');
  const action = useAction();
  return (
    <form
      className="stack"
      aria-label={`${t('复核应急授权')} ${grant}`}
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          await mutate(REVIEW, { g: grant, o: outcome, n: note });
          onReviewed();
        });
      }}
    >
      <SelectField label={t('复核结论')} value={outcome} onChange={setOutcome} options={[{ value: 'JUSTIFIED', label: t('确属必要') }, { value: 'UNJUSTIFIED', label: t('不属必要') }]} />
      <TextArea label={t('复核意见')} value={note} onChange={setNote} rows={2} required />
      <ErrorBox error={action.error} />
      <button type="submit" disabled={action.busy}>{t('提交复核')}</button>
    </form>
  );
}

export function EmergencyPage() {
  const t = useT();
  const review = useQuery<{ emergencyGrantsForReview: { id: string; granteeId: string; scenario: string; fields: string[]; validFrom: string; validUntil: string }[] }>(
    `{ emergencyGrantsForReview { ${GRANT_FIELDS} } }`,
  );
  const [institution, setInstitution] = useState('');
  const [scenario, setScenario] = useState('');
  const [fields, setFields] = useState('');
  const [hours, setHours] = useState('24');
  const [reason, setReason] = useState('');
  const action = useAction();
  return (
    <section>
      <form
        className="card stack"
        aria-label={t('授予应急访问')}
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const data = await mutate<{ grantEmergencyAccess: { id: string; validUntil: string } }>(
              'mutation($i: String!, $s: String!, $f: [String!]!, $h: Int!, $r: String!) { grantEmergencyAccess(institution: $i, scenario: $s, fields: $f, hours: $h, reason: $r) { id validUntil } }',
              { i: institution, s: scenario, f: fields.split(/[\s,，]+/).filter(Boolean), h: Number(hours), r: reason },
            );
            review.reload();
            return `${t('已授予')} ${data.grantEmergencyAccess.id} (${t('至')} ${when(data.grantEmergencyAccess.validUntil)})`;
          });
        }}
      >
        <h3>{t('授予应急访问')}</h3>
        <div className="row">
          <TextField label={t('机构统一社会信用代码')} value={institution} onChange={setInstitution} required />
          <TextField label={t('场景编号')} value={scenario} onChange={setScenario} required />
          <TextField label={t('时长（小时）')} type="number" value={hours} onChange={setHours} required />
        </div>
        <TextField label={t('信息项（逗号分隔）')} value={fields} onChange={setFields} required placeholder="Person.name, Person.householdAddress" />
        <TextField label={t('理由（突发事件）')} value={reason} onChange={setReason} required />
        <ErrorBox error={action.error} />
        {action.done ? <p role="status">{action.done}</p> : null}
        <button type="submit" disabled={action.busy}>{t('授予')}</button>
      </form>
      <h3>{t('待复核的应急授权')}</h3>
      <Loading loading={review.loading} />
      <ErrorBox error={review.error} />
      <ul>
        {(review.data?.emergencyGrantsForReview ?? []).map((g) => (
          <li key={g.id} className="card" data-testid={`review-${g.id}`}>
            <code>{g.id}</code> · {g.granteeId} · <code>{g.scenario}</code> · {g.fields.join(', ')} · {when(g.validFrom)} – {when(g.validUntil)}
            <ReviewForm grant={g.id} onReviewed={() => review.reload()} />
          </li>
        ))}
      </ul>
    </section>
  );
}
