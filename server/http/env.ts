import type { Logger } from 'pino';
import type { Db } from '../db/db.js';
import type { Actor } from '../../shared/domain/access.js';
import type { ApiError } from './errors.js';
import type { AddinReference } from '../features/workbooks/present.js';

export interface Deps {
  db: Db;
  /** The clock: tests move it to make milestones overdue and exceptions escalate. */
  now: () => Date;
  adminToken?: string | undefined;
  /** Days a user's token is accepted after it was issued (GATECELL_TOKEN_DAYS; default 90). */
  tokenDays?: number | undefined;
  /** Single sign-on: verifies a sign-in JWT and answers its e-mail (ssoVerifier); none: off. */
  sso?: ((token: string) => Promise<string>) | undefined;
  /** Where a line for every request goes (pino); none: not logged (tests, tools). */
  log?: Logger | undefined;
  /** The add-in a starter workbook names (its id, version and catalog); none: from manifest.xml, centralized deployment. */
  addin?: AddinReference | undefined;
  /** Behind a proxy the operator trusts: the client is the first X-Forwarded-For hop. */
  trustProxy?: boolean | undefined;
}

export const DEFAULT_TOKEN_DAYS = 90;

export interface AppEnv {
  /** `clientRequestId`: the X-Request-Id a client sent, kept apart from the service's own. */
  Variables: {
    actor: Actor;
    /** Why the bearer token was refused, until the throttle has counted it (http/auth.ts). */
    authFailure?: ApiError | undefined;
    requestId: string;
    clientRequestId?: string | undefined;
  };
}
