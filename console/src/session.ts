// The signed-in user's token, kept in sessionStorage under `pd.token` (the contract of issue 15): it
// lives as long as the tab and is sent as `authorization: Bearer <token>` to /graphql. The claims are
// read here only to choose which pages to show; the gateway verifies the token on every call.
export const TOKEN_KEY = 'pd.token';

export type Role = 'admin' | 'provider' | 'institution' | 'subject' | 'developer' | 'anonymous';

export interface Session {
  token: string;
  role: Role;
  sub?: string;
  org?: string;
  div?: string;
  name?: string;
  expiresAt?: number;
}

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

function decodePayload(token: string): Record<string, unknown> | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

/** The most powerful role the token names decides the pages (the gateway's own mapping is authoritative). */
export function roleOf(roles: unknown, org: unknown): Role {
  const list = Array.isArray(roles) ? roles : [];
  for (const role of ['admin', 'provider', 'developer', 'subject', 'institution'] as const) if (list.includes(role)) return role;
  return typeof org === 'string' ? 'institution' : 'anonymous';
}

export function currentSession(): Session | null {
  const token = getToken();
  if (!token) return null;
  const claims = decodePayload(token);
  if (!claims) return null;
  const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  if (expiresAt !== undefined && expiresAt < Date.now()) {
    signOut();
    return null;
  }
  return {
    token,
    role: roleOf(claims.roles, claims.org),
    sub: typeof claims.sub === 'string' ? claims.sub : undefined,
    org: typeof claims.org === 'string' ? claims.org : undefined,
    div: typeof claims.div === 'string' ? claims.div : undefined,
    name: typeof claims.name === 'string' ? claims.name : undefined,
    expiresAt,
  };
}
