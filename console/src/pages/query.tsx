// 查询: a plain query panel (no GraphiQL): the document, its variables and the scenario the request
// carries in x-scenario-id; the answer is shown as the gateway gives it, masks and denials included.
import { useState, type FormEvent } from 'react';
import { graphql } from '../graphql';
import { useT } from '../i18n';
import { ErrorBox, TextArea, TextField } from '../ui';

const EXAMPLE = 'query Person($id: ID!) {\n  person(idNumber: $id) { name gender }\n}';

export function QueryPage() {
  const t = useT();
  const [query, setQuery] = useState(EXAMPLE);
  const [variables, setVariables] = useState('{\n  "id": ""\n}');
  const [scenario, setScenario] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = variables.trim() ? JSON.parse(variables) : undefined;
    } catch {
      setError('变量不是合法的JSON / variables are not valid JSON');
      return;
    }
    setBusy(true);
    try {
      const answer = await graphql(query, parsed, scenario ? { 'x-scenario-id': scenario } : {});
      setResult(JSON.stringify({ data: answer.data, errors: answer.errors, extensions: (answer as any).extensions }, null, 2));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <form onSubmit={run} className="stack" aria-label={t('查询')}>
        <TextField label={t('场景编号（x-scenario-id）')} value={scenario} onChange={setScenario} name="scenario" />
        <TextArea label={t('查询文档')} value={query} onChange={setQuery} rows={6} name="query" />
        <TextArea label={t('变量（JSON）')} value={variables} onChange={setVariables} rows={3} name="variables" />
        <button type="submit" disabled={busy}>{t('执行')}</button>
      </form>
      <ErrorBox error={error} />
      {result ? (
        <>
          <h3>{t('结果')}</h3>
          <pre data-testid="query-result" tabIndex={0} aria-label={t('结果')}>{result}</pre>
        </>
      ) : null}
    </section>
  );
}
