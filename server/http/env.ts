import type { Db } from '../db/db.js';
import type { Actor } from '../../shared/domain/access.js';

export interface Deps {
  db: Db;
  /** The clock: tests move it to make milestones overdue and exceptions escalate. */
  now: () => Date;
  adminToken?: string | undefined;
}

export interface AppEnv {
  Variables: { actor: Actor; requestId: string };
}
