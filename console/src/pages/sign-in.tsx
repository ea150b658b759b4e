// Sign-in (issue 15 contract): GET /console/config.json says the mode. In development the user picks a
// demo identity and POST /auth/dev-token gives its JWT; with OIDC the authorization-code flow with PKCE
// (console/src/auth/oidc.ts) goes to the identity provider and comes back to /console/callback.
// A token from `npm run token` can also be pasted (local use).
import { useEffect, useState, type FormEvent } from 'react';
import { useT } from '../i18n';
import { setToken } from '../session';
import { ErrorBox, TextArea } from '../ui';

interface DevIdentity {
  id: string;
  label: string;
  labelEn: string;
  kind: string;
  roles: string[];
}

export interface ConsoleConfig {
  mode: 'development' | 'oidc';
  identities?: DevIdentity[];
  oidc?: { issuer: string; authorizationEndpoint: string; tokenEndpoint: string; clientId: string; redirectUri: string; scope: string };
}

interface OidcModule {
  startSignIn(config: NonNullable<ConsoleConfig['oidc']> | ConsoleConfig): Promise<string>;
  finishSignIn(config: NonNullable<ConsoleConfig['oidc']> | ConsoleConfig, callbackUrl: string): Promise<{ token: string; expiresIn: number }>;
}

// The OIDC client is its own module (the sign-in part of issue 15); a build without it offers the
// other ways to sign in. import.meta.glob resolves at build time to {} when the file is absent.
const oidcModules = import.meta.glob<OidcModule>('../auth/oidc.ts');
async function loadOidc(): Promise<OidcModule | null> {
  const load = Object.values(oidcModules)[0];
  return load ? load() : null;
}

async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/console/config.json', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`登录配置不可用 (${response.status}) / sign-in configuration unavailable (${response.status})`);
  return response.json();
}

export function SignInPage({ onSignedIn }: { onSignedIn(): void }) {
  const t = useT();
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [configError, setConfigError] = useState<string | null>(null);
  const [identity, setIdentity] = useState('');
  const [pasted, setPasted] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    loadConfig().then(
      (c) => {
        setConfig(c);
        setIdentity(c.identities?.[0]?.id ?? '');
      },
      (e) => setConfigError((e as Error).message),
    );
  }, []);

  const devSignIn = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const response = await fetch('/auth/dev-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity }) });
    const body = await response.json().catch(() => null);
    if (!response.ok || typeof body?.token !== 'string') {
      setError(body?.errors?.[0]?.message ?? `登录失败 (${response.status}) / sign-in failed (${response.status})`);
      return;
    }
    setToken(body.token);
    onSignedIn();
  };

  const oidcSignIn = async () => {
    setError(null);
    const oidc = await loadOidc();
    if (!oidc || !config) {
      setError('此版本未包含OIDC登录 / this build has no OIDC sign-in');
      return;
    }
    try {
      window.location.assign(await oidc.startSignIn(config));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const pasteSignIn = (event: FormEvent) => {
    event.preventDefault();
    const token = pasted.trim();
    if (token.split('.').length !== 3) {
      setError('这不是JWT / this is not a JWT');
      return;
    }
    setToken(token);
    onSignedIn();
  };

  return (
    <section aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{t('登录')}</h2>
      <ErrorBox error={error} />
      {configError ? <p className="muted">{configError}</p> : null}
      {config?.mode === 'development' && config.identities?.length ? (
        <form onSubmit={devSignIn} aria-label={t('以演示身份登录')}>
          <fieldset>
            <legend>{t('以演示身份登录（仅开发环境）')}</legend>
            {config.identities.map((i) => (
              <div className="check" key={i.id}>
                <input type="radio" id={`identity-${i.id}`} name="identity" value={i.id} checked={identity === i.id} onChange={() => setIdentity(i.id)} />
                <label htmlFor={`identity-${i.id}`}>
                  {t.lang === 'zh' ? i.label : i.labelEn} <span className="muted">({i.roles.join(', ')})</span>
                </label>
              </div>
            ))}
          </fieldset>
          <button type="submit" disabled={!identity}>{t('登录')}</button>
        </form>
      ) : null}
      {config?.mode === 'oidc' ? (
        <p>
          <button type="button" onClick={oidcSignIn}>{t('通过统一身份认证登录')}</button>
        </p>
      ) : null}
      <details>
        <summary>{t('粘贴令牌（本地使用）')}</summary>
        <form onSubmit={pasteSignIn} aria-label={t('粘贴令牌')}>
          <TextArea label={t('令牌 (JWT)')} value={pasted} onChange={setPasted} rows={3} />
          <button type="submit">{t('使用此令牌')}</button>
        </form>
      </details>
    </section>
  );
}

/** /console/callback: the identity provider sends the browser back here with the code. */
export function CallbackPage({ onSignedIn }: { onSignedIn(): void }) {
  const t = useT();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    (async () => {
      const oidc = await loadOidc();
      if (!oidc) throw new Error('此版本未包含OIDC登录 / this build has no OIDC sign-in');
      const { token } = await oidc.finishSignIn(await loadConfig(), window.location.href);
      setToken(token);
      window.history.replaceState(null, '', '/console/');
      onSignedIn();
      window.dispatchEvent(new PopStateEvent('popstate'));
    })().catch((e) => setError((e as Error).message));
  }, []);
  return (
    <main id="main">
      <h2>{t('登录')}</h2>
      {error ? <ErrorBox error={error} /> : <p aria-live="polite">{t('正在完成登录…')}</p>}
      {error ? <a href="/console/sign-in">{t('返回登录')}</a> : null}
    </main>
  );
}
