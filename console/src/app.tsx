// The console's shell: header (who is signed in, language switch, sign-out), the pages the role may
// use, and the page itself. Pages call the same /graphql as any client; the gateway decides.
import { useEffect, useState, type ReactElement } from 'react';
import { LanguageProvider, useLanguage, useT } from './i18n';
import { SIGNED_OUT_EVENT } from './graphql';
import { navigate, usePage } from './router';
import { currentSession, signOut, type Role, type Session } from './session';
import { SignInPage, CallbackPage } from './pages/sign-in';
import { CatalogPage } from './pages/catalog';
import { ApplyPage } from './pages/apply';
import { ApplicationsPage } from './pages/applications';
import { GrantsPage } from './pages/grants';
import { ReviewQueuePage } from './pages/review-queue';
import { ObjectionsPage } from './pages/objections';
import { UsagePage } from './pages/usage';
import { SuspensionsPage } from './pages/suspensions';
import { EmergencyPage } from './pages/emergency';
import { SafelistPage } from './pages/safelist';
import { CatalogChangesPage } from './pages/catalog-changes';
import { AgreementsPage } from './pages/agreements';
import { AuditPage } from './pages/audit';
import { EmergencyNoticesPage } from './pages/emergency-notices';
import { MyAccessesPage } from './pages/my-accesses';
import { DeveloperPage } from './pages/developer';
import { QueryPage } from './pages/query';

interface PageEntry {
  path: string;
  title: string;
  roles: Role[] | 'all';
  render(session: Session | null): ReactElement;
}

const ALL: Role[] = ['admin', 'provider', 'institution', 'subject', 'developer', 'anonymous'];

export const PAGES: PageEntry[] = [
  { path: 'catalog', title: '数据目录', roles: 'all', render: () => <CatalogPage /> },
  { path: 'apply', title: '申请数据', roles: ['institution', 'developer'], render: (s) => <ApplyPage session={s} /> },
  { path: 'applications', title: '我的申请', roles: ['institution', 'developer'], render: () => <ApplicationsPage /> },
  { path: 'grants', title: '我的授权', roles: ['institution', 'developer', 'admin'], render: (s) => <GrantsPage session={s} /> },
  { path: 'query', title: '查询', roles: ['institution', 'developer', 'provider', 'admin', 'subject'], render: () => <QueryPage /> },
  { path: 'review', title: '审核队列', roles: ['provider', 'admin'], render: () => <ReviewQueuePage /> },
  { path: 'objections', title: '异议', roles: ['provider', 'admin', 'subject', 'institution'], render: (s) => <ObjectionsPage session={s} /> },
  { path: 'usage', title: '数据使用情况', roles: ['provider', 'admin'], render: () => <UsagePage /> },
  { path: 'emergency-notices', title: '应急授权告知', roles: ['provider'], render: () => <EmergencyNoticesPage /> },
  { path: 'suspensions', title: '暂停', roles: ['admin'], render: () => <SuspensionsPage /> },
  { path: 'emergency', title: '应急授权', roles: ['admin'], render: () => <EmergencyPage /> },
  { path: 'agreements', title: '协议发布', roles: ['admin'], render: () => <AgreementsPage /> },
  { path: 'safelist', title: '操作白名单', roles: ['admin'], render: () => <SafelistPage /> },
  { path: 'catalog-changes', title: '目录变更审定', roles: ['admin', 'provider'], render: () => <CatalogChangesPage /> },
  { path: 'audit', title: '审计查询', roles: ['admin', 'provider'], render: (s) => <AuditPage admin={s?.role === 'admin'} /> },
  { path: 'my-accesses', title: '谁查询了我', roles: ['subject'], render: () => <MyAccessesPage /> },
  { path: 'developer', title: '开发者门户', roles: ['developer'], render: () => <DeveloperPage /> },
];

export function pagesFor(role: Role): PageEntry[] {
  return PAGES.filter((p) => p.roles === 'all' || p.roles.includes(role));
}

/** The page a role lands on after signing in. */
export function homeOf(role: Role): string {
  return ({ admin: 'suspensions', provider: 'review', institution: 'applications', subject: 'my-accesses', developer: 'developer', anonymous: 'catalog' } as const)[role];
}

const ROLE_NAMES: Record<Role, string> = {
  admin: '数据主管部门',
  provider: '数据提供方',
  institution: '公共机构经办人',
  subject: '数据主体',
  developer: '开发者',
  anonymous: '访客',
};

/** A data subject's identity number is not put on screen whole (shoulder-surfing, screenshots): first 6, last 4. */
function maskIdNumber(id: string): string {
  return id.length > 10 ? `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}` : id;
}

function Shell() {
  const t = useT();
  const { lang, setLang } = useLanguage();
  const page = usePage();
  const [session, setSession] = useState<Session | null>(currentSession());
  const [signedOutReason, setSignedOutReason] = useState<string | null>(null);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  useEffect(() => {
    const onSignedOut = (event: Event) => {
      setSignedOutReason((event as CustomEvent<string>).detail);
      setSession(null);
      navigate('sign-in');
    };
    window.addEventListener(SIGNED_OUT_EVENT, onSignedOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, onSignedOut);
  }, []);

  const refresh = () => setSession(currentSession());
  if (page === 'callback') return <CallbackPage onSignedIn={refresh} />;
  const role: Role = session?.role ?? 'anonymous';
  const available = pagesFor(role);
  const entry = page === 'sign-in' ? undefined : available.find((p) => p.path === (page || (session ? homeOf(role) : 'sign-in')));
  const showSignIn = page === 'sign-in' || (!entry && !session);

  return (
    <>
      <a className="skip" href="#main">{t('跳到正文')}</a>
      <header>
        <h1>{t('公共数据查询通道 · 控制台')}</h1>
        <div className="who">
          {session ? (
            <span data-testid="who">
              {t(ROLE_NAMES[role])} · {session.name ?? session.org ?? (role === 'subject' ? maskIdNumber(session.sub ?? '') : session.sub)}
            </span>
          ) : (
            <span>{t('未登录')}</span>
          )}
          <button type="button" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} aria-label={lang === 'zh' ? 'Switch to English' : '切换到中文'}>
            {lang === 'zh' ? 'English' : '中文'}
          </button>
          {session ? (
            <button type="button" onClick={() => { signOut(); refresh(); navigate('sign-in'); }}>{t('退出')}</button>
          ) : (
            <button type="button" onClick={() => navigate('sign-in')}>{t('登录')}</button>
          )}
        </div>
      </header>
      <nav aria-label={t('导航')}>
        <ul>
          {available.map((p) => (
            <li key={p.path}>
              <a href={`/console/${p.path}`} aria-current={entry?.path === p.path ? 'page' : undefined} onClick={(e) => { e.preventDefault(); navigate(p.path); }}>
                {t(p.title)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {showSignIn ? (
          <>
            {signedOutReason ? <p role="alert" className="error">{t('登录已失效，请重新登录')}: {signedOutReason}</p> : null}
            <SignInPage onSignedIn={() => { const s = currentSession(); setSession(s); setSignedOutReason(null); navigate(homeOf(s?.role ?? 'anonymous')); }} />
          </>
        ) : entry ? (
          <>
            <h2>{t(entry.title)}</h2>
            {entry.render(session)}
          </>
        ) : (
          <p role="alert">{t('此页面不存在或您的角色无权使用')}</p>
        )}
      </main>
    </>
  );
}

export function App() {
  return (
    <LanguageProvider>
      <Shell />
    </LanguageProvider>
  );
}
