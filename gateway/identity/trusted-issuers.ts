// Bearer tokens from more than one issuer: the gateway's own key (JWT_PUBLIC_KEY_FILE / JWT_JWKS_URL:
// development tokens, `npm run token`) and an OpenID Connect issuer's key set (sign-in in production).
// The token's unverified `iss` only picks which verifier checks it; each verifier then demands its own
// issuer, audience and signature, so a token can never be checked against keys of an issuer it does
// not name. Claims become callers the same way for both (jwt-verifier.ts).
import { decodeJwt } from 'jose';
import { InvalidToken, type VerifyToken } from './jwt-verifier';

export interface TrustedIssuer {
  issuer: string;
  verify: VerifyToken;
}

/** A token naming none of `issuers` is refused as from an untrusted issuer, whoever signed it. */
export function verifyByIssuer(issuers: readonly TrustedIssuer[]): VerifyToken {
  const byIssuer = new Map(issuers.map((entry) => [entry.issuer, entry.verify]));
  return async (token) => {
    let iss: unknown;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      throw new InvalidToken('MALFORMED', 'malformed token');
    }
    const verify = typeof iss === 'string' ? byIssuer.get(iss) : undefined;
    if (!verify) throw new InvalidToken('ISSUER', 'token from an untrusted issuer');
    return verify(token);
  };
}
