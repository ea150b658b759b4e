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

/** `fallback` checks every token no listed issuer claims (its refusal names the reason: wrong issuer, signature …). */
export function verifyByIssuer(issuers: readonly TrustedIssuer[], fallback: VerifyToken | undefined): VerifyToken {
  const byIssuer = new Map(issuers.map((entry) => [entry.issuer, entry.verify]));
  return async (token) => {
    let iss: unknown;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      throw new InvalidToken('MALFORMED', 'malformed token');
    }
    const verify = (typeof iss === 'string' && byIssuer.get(iss)) || fallback;
    if (!verify) throw new InvalidToken('ISSUER', 'token from an untrusted issuer');
    return verify(token);
  };
}
