// Who is asking. Identity is established by the gateway (JWT or API key); the core only reads it.

export type Caller =
  | { kind: 'anonymous' }
  | {
      kind: 'institution';
      /** The named operator (a person) making the request, as the token's subject. */
      operator: string;
      /** 统一社会信用代码 of the operator's institution. */
      institution: string;
      /** 行政区划代码 of the institution. */
      division: string;
      /** institution, provider, admin … (control-plane rights; data rights come from grants). */
      roles: readonly string[];
    }
  | { kind: 'developer'; developer: string; name?: string }
  /** A data subject (数据主体) authenticated as themselves, e.g. through a real-name identity provider. */
  | { kind: 'subject'; idNumber: string };

export type CallerKind = Caller['kind'];

/** Who holds grants: an institution or an app developer (others hold none). */
export interface Grantee {
  kind: 'institution' | 'developer';
  id: string;
}

export function granteeOf(caller: Caller): Grantee | undefined {
  if (caller.kind === 'institution') return { kind: 'institution', id: caller.institution };
  if (caller.kind === 'developer') return { kind: 'developer', id: caller.developer };
  return undefined;
}

/** The key a grantee's policy state is cached under. */
export function granteeKey(grantee: Grantee | undefined): string {
  return grantee ? `${grantee.kind}:${grantee.id}` : 'public';
}
