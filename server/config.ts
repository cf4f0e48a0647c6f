// Configuration, read once from the environment and failing fast with a clear message.
import { z } from 'zod';
import { DEFAULT_TOKEN_DAYS } from './http/env.js';

const Config = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  GATECELL_DB_URL: z
    .string()
    .regex(/^(file:|libsql:|https?:|wss?:)/, 'a libSQL URL: file:…, libsql://…, http(s)://…')
    .default('file:data/gatecell.db'),
  GATECELL_DB_AUTH_TOKEN: z.string().optional(),
  /** Read workers for a local database file: long reads run there, never holding writes up. */
  GATECELL_READERS: z.coerce.number().int().min(1).max(16).default(1),
  GATECELL_ADMIN_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  GATECELL_AUDIT_KEY: z.string().min(32, 'at least 32 characters').optional(),
  GATECELL_TLS: z.string().default('dev'),
  GATECELL_SEED: z.enum(['demo', 'none']).default('demo'),
  /** Single sign-on (OpenID Connect): the issuer and audience sign-in tokens must carry. */
  GATECELL_OIDC_ISSUER: z.string().url().optional(),
  GATECELL_OIDC_AUDIENCE: z.string().min(1).optional(),
  /** Office SSO in the pane: the app registration's client id, written into the manifest. */
  GATECELL_OIDC_CLIENT_ID: z.string().uuid('the app registration’s client id (a GUID)').optional(),
  /** The issuer's key set, when not found through its discovery document. */
  GATECELL_OIDC_JWKS_URL: z.string().url().optional(),
  /** Days a user's token is accepted after it was issued (a rotation issues it anew). */
  GATECELL_TOKEN_DAYS: z.coerce.number().int().min(1).max(3650).default(DEFAULT_TOKEN_DAYS),
  /** Behind a reverse proxy: take the client's address from the first X-Forwarded-For hop. */
  GATECELL_TRUST_PROXY: z.enum(['0', '1']).default('0'),
  /** Where Office finds the add-in a starter workbook names: EXCatalog, Registry, or FileSystem:<share>. */
  GATECELL_ADDIN_STORE: z
    .string()
    .regex(
      /^(EXCatalog|Registry|FileSystem:.+)$/,
      'EXCatalog, Registry, or FileSystem:<catalog share>',
    )
    .default('EXCatalog'),
  GATECELL_OFFICE_JS: z.enum(['cdn', 'local']).default('cdn'),
  GATECELL_PANE_DIR: z.string().default('dist/pane'),
  /** Where users reach this service (the manifest's URLs): by default https://localhost:PORT. */
  GATECELL_PUBLIC_URL: z
    .string()
    .url()
    .regex(/^https:\/\/[^/]+$/, 'an https:// origin, without a path')
    .optional(),
});
export type Config = z.infer<typeof Config>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Config.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const tls = parsed.data.GATECELL_TLS;
  if (tls !== 'dev' && tls !== 'off' && !/^[^,]+,[^,]+$/.test(tls))
    throw new Error('Invalid configuration:\n  GATECELL_TLS: "dev", "off", or "cert.pem,key.pem"');
  if (!!parsed.data.GATECELL_OIDC_ISSUER !== !!parsed.data.GATECELL_OIDC_AUDIENCE)
    throw new Error(
      'Invalid configuration:\n  GATECELL_OIDC_ISSUER and GATECELL_OIDC_AUDIENCE go together',
    );
  if (parsed.data.GATECELL_OIDC_CLIENT_ID && !parsed.data.GATECELL_OIDC_ISSUER)
    throw new Error(
      'Invalid configuration:\n  GATECELL_OIDC_CLIENT_ID needs GATECELL_OIDC_ISSUER and GATECELL_OIDC_AUDIENCE',
    );
  return parsed.data;
}
