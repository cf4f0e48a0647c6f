// Single sign-on (api-v1.md, "Identity and access"): a bearer JWT from the configured OpenID
// Connect issuer — Microsoft Entra ID, as Office SSO gives it to the pane — verified by jose:
// signature against the issuer's published keys, issuer, audience and expiry. jose keeps the
// keys it fetched and fetches them again when a token names a key it does not know (the issuer
// rotated them): a cache of public keys, not of anything in the record. The person is matched by
// e-mail; what they may do is read from the record on every request, as for any token.
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { ApiError } from './errors.js';

export interface OidcConfig {
  /** The `iss` tokens must carry, e.g. https://login.microsoftonline.com/{tenant}/v2.0 */
  issuer: string;
  /** The `aud` tokens must carry: this service's application id (URI). */
  audience: string;
  /** The issuer's key set; by default from its discovery document. */
  jwksUrl?: string | undefined;
}

/** A compact JWS (three base64url parts): a sign-in token, not one of the service's own. */
export const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);

async function discoverJwks(issuer: string): Promise<string> {
  const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  const jwks = res.ok ? ((await res.json()) as { jwks_uri?: unknown }).jwks_uri : undefined;
  if (typeof jwks !== 'string')
    throw new ApiError(503, 'SSO_UNAVAILABLE', 'The sign-in provider could not be reached.');
  return jwks;
}

/** Verifies a sign-in token and answers the e-mail address it is for (lower case). */
export function ssoVerifier(config: OidcConfig): (token: string) => Promise<string> {
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  return async (token) => {
    keys ??= createRemoteJWKSet(new URL(config.jwksUrl ?? (await discoverJwks(config.issuer))));
    let payload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: config.audience,
      }));
    } catch (e) {
      if (e instanceof errors.JOSEError && !(e instanceof errors.JWKSTimeout))
        throw new ApiError(401, 'UNAUTHORIZED', `The sign-in token was refused (${e.code}).`);
      throw new ApiError(503, 'SSO_UNAVAILABLE', 'The sign-in provider could not be reached.');
    }
    // Entra ID puts the address in `email` or, for work accounts, `preferred_username`/`upn`.
    const email = [payload.email, payload.preferred_username, payload.upn].find(
      (v): v is string => typeof v === 'string' && v.includes('@'),
    );
    if (!email) throw new ApiError(401, 'UNAUTHORIZED', 'The sign-in token names no e-mail.');
    return email.toLowerCase();
  };
}
