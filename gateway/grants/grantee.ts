// Who holds grants, and the key their policy state is cached under.

export interface Grantee {
  kind: 'institution' | 'developer';
  id: string;
}

export function granteeKey(grantee: Grantee | undefined): string {
  return grantee ? `${grantee.kind}:${grantee.id}` : 'public';
}

