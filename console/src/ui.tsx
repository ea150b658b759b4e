// Form pieces that are labelled by construction: every control has a <label for> with its id, so
// screen readers name it and a click on the label focuses it.
import { useId, useState, type ReactNode } from 'react';
import { useT } from './i18n';

interface FieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  required?: boolean;
  type?: string;
  placeholder?: string;
  hint?: string;
  name?: string;
}

export function TextField({ label, value, onChange, required, type = 'text', placeholder, hint, name }: FieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}{required ? ' *' : ''}</label>
      <input id={id} name={name} type={type} value={value} required={required} placeholder={placeholder} aria-describedby={hint ? `${id}-hint` : undefined} onChange={(e) => onChange(e.target.value)} />
      {hint ? <small id={`${id}-hint`}>{hint}</small> : null}
    </div>
  );
}

export function TextArea({ label, value, onChange, required, rows = 4, name }: FieldProps & { rows?: number }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}{required ? ' *' : ''}</label>
      <textarea id={id} name={name} value={value} required={required} rows={rows} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

export function SelectField({ label, value, onChange, options, name }: Omit<FieldProps, 'type'> & { options: { value: string; label: string }[] }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>{o.label}</option>
        ))}
      </select>
    </div>
  );
}

export function Checkbox({ label, checked, onChange, disabled, name }: { label: ReactNode; checked: boolean; onChange(checked: boolean): void; disabled?: boolean; name?: string }) {
  const id = useId();
  return (
    <div className="check">
      <input id={id} name={name} type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

export function ErrorBox({ error }: { error: string | null | undefined }) {
  return error ? <div className="error" role="alert">{error}</div> : null;
}

export function Notice({ children }: { children: ReactNode }) {
  return <div className="notice" role="status">{children}</div>;
}

export function Loading({ loading }: { loading: boolean }) {
  const t = useT();
  return loading ? <p aria-live="polite">{t('加载中…')}</p> : null;
}

/** A submit handler that shows the server's message on failure and a notice on success. */
export function useAction() {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<string | void>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const message = await action();
      if (message) setDone(message);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return { error, done, busy, run };
}

export function Badge({ kind, children }: { kind: 'ok' | 'warn' | 'bad' | 'info'; children: ReactNode }) {
  return <span className={`badge badge-${kind}`}>{children}</span>;
}

/** Bars for a few numbers: an inline SVG (the CSP allows no chart library from elsewhere). */
export function BarChart({ title, rows }: { title: string; rows: { label: string; value: number }[] }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const height = 22;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg role="img" aria-label={title} width="600" height={Math.max(1, rows.length) * height + 4} viewBox={`0 0 600 ${Math.max(1, rows.length) * height + 4}`}>
        {rows.map((r, i) => (
          <g key={r.label} transform={`translate(0 ${i * height})`}>
            <text x="0" y="15" fontSize="12">{r.label.length > 40 ? r.label.slice(0, 39) + '…' : r.label}</text>
            <rect x="260" y="3" height="16" width={(r.value / max) * 300} className="bar" />
            <text x={266 + (r.value / max) * 300} y="15" fontSize="12">{r.value}</text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

/** One column per day, with the day's limit as a line where one is given (usage against quota). */
export function DailyChart({ title, days, limit }: { title: string; days: { day: string; value: number }[]; limit?: number }) {
  // Scaled to the busiest day: a quota far above use would flatten every column (its line then not drawn).
  const max = Math.max(1, ...days.map((d) => d.value));
  const column = 18;
  const height = 120;
  const width = Math.max(1, days.length) * column + 40;
  const y = (v: number) => height - (v / max) * height + 10;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg role="img" aria-label={title} width={width} height={height + 40} viewBox={`0 0 ${width} ${height + 40}`}>
        {days.map((d, i) => (
          <g key={d.day}>
            <title>{`${d.day}: ${d.value}`}</title>
            <rect x={i * column + 2} y={y(d.value)} width={column - 4} height={height + 10 - y(d.value)} className={limit !== undefined && d.value > limit ? 'bar over' : 'bar'} />
            {i % 7 === 0 || i === days.length - 1 ? <text x={i * column} y={height + 28} fontSize="10">{d.day.slice(5)}</text> : null}
          </g>
        ))}
        {limit !== undefined && limit <= max ? <line x1="0" x2={width} y1={y(limit)} y2={y(limit)} className="limit" /> : null}
        <text x={days.length * column + 4} y="20" fontSize="10">{max}</text>
      </svg>
    </figure>
  );
}

/** One action that needs a stated reason (revoke, lift, retire …): a labelled reason field and a button. */
export function ReasonForm({ label, reasonLabel, submitLabel, act, onDone }: { label: string; reasonLabel: string; submitLabel: string; act(reason: string): Promise<unknown>; onDone(): void }) {
  const [reason, setReason] = useState('');
  const action = useAction();
  return (
    <form
      className="inline"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          await act(reason);
          onDone();
        });
      }}
    >
      <TextField label={reasonLabel} value={reason} onChange={setReason} required />
      <button type="submit" disabled={action.busy}>{submitLabel}</button>
      <ErrorBox error={action.error} />
    </form>
  );
}
