// Calls the gateway's /graphql with the signed-in user's token; a hook for pages that load data.
import { useCallback, useEffect, useRef, useState } from 'react';
import { getToken, signOut } from './session';

export interface GraphQLError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GraphQLAnswer<T> {
  status: number;
  data?: T | null;
  errors?: GraphQLError[];
}

export const GRAPHQL_URL = '/graphql';
/** Fired when the gateway refused the session's token; detail is its message. */
export const SIGNED_OUT_EVENT = 'pd:signed-out';

export async function graphql<T = any>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLAnswer<T>> {
  const token = getToken();
  const response = await fetch(GRAPHQL_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  try {
    const answer: GraphQLAnswer<T> = { status: response.status, ...JSON.parse(text) };
    const refused = answer.errors?.find((e) => e.extensions?.code === 'UNAUTHENTICATED');
    // The token itself is refused (expired, revoked issuer key, …): drop it and ask the user to sign in
    // again, rather than showing every page failing.
    if (token && refused) {
      signOut();
      window.dispatchEvent(new CustomEvent(SIGNED_OUT_EVENT, { detail: refused.message }));
    }
    return answer;
  } catch {
    return { status: response.status, errors: [{ message: `网关返回了非JSON应答 (${response.status}) / non-JSON answer from the gateway (${response.status})` }] };
  }
}

/** Messages of a failed answer, one per error ("中文 / English" as the gateway writes them, with the code). */
export function errorText(errors: GraphQLError[] | undefined): string | null {
  if (!errors?.length) return null;
  return errors.map((e) => (e.extensions?.code ? `${e.message} [${e.extensions.code}]` : e.message)).join('\n');
}

/** Loads a query on mount and when `deps` change; `reload` runs it again (after a mutation). */
export function useQuery<T = any>(query: string, variables?: Record<string, unknown>, deps: unknown[] = []) {
  const [state, setState] = useState<{ loading: boolean; data?: T | null; error: string | null }>({ loading: true, error: null });
  // Only the latest request's answer is shown: an earlier one (older filters) may arrive after it.
  const latest = useRef(0);
  const run = useCallback(async () => {
    const request = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const answer = await graphql<T>(query, variables);
      if (request === latest.current) setState({ loading: false, data: answer.data, error: errorText(answer.errors) });
    } catch (error) {
      if (request === latest.current) setState({ loading: false, error: `网络错误 / network error: ${(error as Error).message}` });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query, JSON.stringify(variables), ...deps]);
  useEffect(() => {
    void run();
  }, [run]);
  return { ...state, reload: run };
}

/** Runs a mutation, returning its data or throwing the bilingual message. */
export async function mutate<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const answer = await graphql<T>(query, variables);
  const error = errorText(answer.errors);
  if (error) throw new Error(error);
  return answer.data as T;
}
