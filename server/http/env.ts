import type { Logger } from 'pino';
import type { Db } from '../db/db.js';
import type { Actor } from '../../shared/domain/access.js';

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
}

export const DEFAULT_TOKEN_DAYS = 90;

export interface AppEnv {
  /** `clientRequestId`: the X-Request-Id a client sent, kept apart from the service's own. */
  Variables: { actor: Actor; requestId: string; clientRequestId?: string | undefined };
}
