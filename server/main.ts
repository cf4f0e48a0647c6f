// `npm start`: migrate, seed the demo organization into an empty database, serve API and pane.
import { mkdir, readFile, writeFile, access } from 'node:fs/promises';
import { createServer } from 'node:https';
import { dirname, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { readConfig, type Config } from './config.js';
import { ssoVerifier } from './http/sso.js';
import { Db } from './db/db.js';
import { migrate } from './db/migrate.js';
import { keyId, loadAuditKey } from './features/audit/keys.js';
import { keyingPoint } from './features/audit/store.js';
import { createApp, manifestFor } from './app.js';
import { sweep as keepWithTime } from './features/reporting/keep.js';
import { forgetEndedWindows } from './db/auth-failures.js';
import { deliverDue } from './features/notifications/deliver.js';
import { addinReference } from './features/workbooks/routes.js';
import { forgetIdempotencyKeys } from './features/sync/routes.js';
import { isEmpty, seedDemo } from './seed/demo.js';

// Reads never write: what time alone changes (statuses, exceptions aging) is kept by this sweep.
const SWEEP_MS = 60_000;
/** How often due webhook deliveries are posted. */
const DELIVERY_MS = 5_000;

async function tls(config: Config): Promise<{ cert: Buffer; key: Buffer } | null> {
  if (config.GATECELL_TLS === 'off') return null;
  if (config.GATECELL_TLS === 'dev') {
    // Office's localhost development certificates: generated offline if missing. Trusting the CA
    // is the user's explicit step (`npx office-addin-dev-certs install`), never done here.
    const certs = await import('office-addin-dev-certs');
    const { localhostCertificatePath: cert, localhostKeyPath: key } =
      await import('office-addin-dev-certs/lib/defaults.js');
    const exists = await access(cert).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await mkdir(dirname(cert), { recursive: true });
      await certs.generateCertificates();
      console.log(`Generated Office development certificates in ${dirname(cert)}.`);
      console.log('To trust them (once, needs admin rights): npx office-addin-dev-certs install');
    }
    return { cert: await readFile(cert), key: await readFile(key) };
  }
  const [cert, key] = config.GATECELL_TLS.split(',') as [string, string];
  return { cert: await readFile(cert), key: await readFile(key) };
}

async function main() {
  // Garbage-collection policy for a service of bursty, large requests: after a full collection V8
  // lets the heap grow up to about four times what survived, so the garbage of one
  // 100,000-change push was still held when the next arrived (peak ≈ 600 MB for a live set of
  // ≈ 50 MB). Growing by 30 % collects sooner; the push measured no slower (decision 004).
  setFlagsFromString('--heap-growing-percent=30');
  const config = readConfig();
  const url = config.GATECELL_DB_URL;
  const local = url.startsWith('file:') ? resolve(url.slice('file:'.length)) : null;
  if (local) await mkdir(dirname(local), { recursive: true });
  // The audit key lives outside the database: from the environment, or a file beside a file
  // database (made on first start).
  const audit = await loadAuditKey(
    config.GATECELL_AUDIT_KEY,
    local ? resolve(dirname(local), 'audit.key') : null,
  );
  if (audit.generated)
    console.log(
      `Generated the audit key into ${audit.source} (owner-readable only). It belongs somewhere safer than beside the database: ` +
        'move it to a secret store and pass it as GATECELL_AUDIT_KEY; whoever holds the database and this key can rewrite the trail undetected.',
    );
  else if (audit.source !== 'GATECELL_AUDIT_KEY')
    console.log(`Audit key: ${audit.source} (set GATECELL_AUDIT_KEY to keep it somewhere safer).`);
  const db = new Db({
    url,
    authToken: config.GATECELL_DB_AUTH_TOKEN,
    auditKey: audit.key.toString('utf8'),
    readers: config.GATECELL_READERS,
  });
  const applied = await migrate(db);
  if (applied.length) console.log(`Migrated: ${applied.join(', ')}`);
  const keying = await keyingPoint(db.client);
  if (keying && keying.key_id !== keyId(db.auditKey))
    throw new Error(
      `The audit trail was keyed with another key than ${audit.source} holds (key ${keying.key_id}, given ${keyId(db.auditKey)}): start with the key it was keyed with.`,
    );

  const tokensFile = local ? resolve(dirname(local), 'demo-users.json') : null;
  if (config.GATECELL_SEED === 'demo' && (await isEmpty(db))) {
    console.log('Empty database: seeding the demo organization ACME (a few seconds)…');
    const users = await seedDemo(db);
    if (tokensFile) await writeFile(tokensFile, JSON.stringify(users, null, 2), { mode: 0o600 });
    console.log('\nDemo users (role, name, id, token):');
    for (const u of users)
      console.log(`  ${u.role.padEnd(10)} ${u.name.padEnd(17)} ${u.id}  ${u.token}`);
    if (tokensFile) console.log(`(also saved in ${tokensFile})`);
  } else if (
    tokensFile &&
    (await access(tokensFile).then(
      () => true,
      () => false,
    ))
  ) {
    console.log(`Demo users and their tokens: ${tokensFile}`);
  }

  const deps = {
    db,
    now: () => new Date(),
    adminToken: config.GATECELL_ADMIN_TOKEN,
    tokenDays: config.GATECELL_TOKEN_DAYS,
    log: pino(),
    trustProxy: config.GATECELL_TRUST_PROXY === '1',
    addin: addinReference(config.GATECELL_ADDIN_STORE),
    sso:
      config.GATECELL_OIDC_ISSUER && config.GATECELL_OIDC_AUDIENCE
        ? ssoVerifier({
            issuer: config.GATECELL_OIDC_ISSUER,
            audience: config.GATECELL_OIDC_AUDIENCE,
            jwksUrl: config.GATECELL_OIDC_JWKS_URL,
          })
        : undefined,
  };
  const certs = await tls(config);
  const publicOrigin = config.GATECELL_PUBLIC_URL ?? `https://localhost:${config.PORT}`;
  const app = createApp(deps, {
    dir: config.GATECELL_PANE_DIR,
    officeJs: config.GATECELL_OFFICE_JS,
    publicOrigin,
    ssoClientId: config.GATECELL_OIDC_CLIENT_ID,
  });
  // The manifest for this service's own origin, to sideload (also served at /manifest.xml).
  await mkdir('dist', { recursive: true });
  await writeFile(
    'dist/manifest.xml',
    manifestFor(
      await readFile('manifest.xml', 'utf8'),
      publicOrigin,
      config.GATECELL_OIDC_CLIENT_ID,
    ),
  );
  const server = serve(
    {
      fetch: app.fetch,
      port: config.PORT,
      ...(certs ? { createServer, serverOptions: certs } : {}),
    },
    (info) => {
      const origin = `${certs ? 'https' : 'http'}://localhost:${info.port}`;
      console.log(`Gatecell API ${origin}/api/v1 (database ${url})`);
      console.log(
        `Task pane ${origin}/taskpane.html · manifest for ${publicOrigin}: dist/manifest.xml (and ${origin}/manifest.xml)`,
      );
    },
  );

  // Exceptions escalate with time even when nobody looks: sweep every minute. Idempotent, so
  // several instances sweeping the same database agree.
  const sweep = setInterval(() => {
    keepWithTime(deps).catch((e) => console.error('status and exception sweep failed:', e));
    forgetIdempotencyKeys(deps).catch((e) => console.error('idempotency sweep failed:', e));
    forgetEndedWindows(db, deps.now()).catch((e) =>
      console.error('failed-authentication sweep failed:', e),
    );
  }, SWEEP_MS);
  sweep.unref();
  // Webhook deliveries: what is due, every few seconds, one round at a time on this instance
  // (other instances claim theirs: a delivery is claimed by one only).
  let delivering = false;
  const deliveries = setInterval(() => {
    if (delivering) return;
    delivering = true;
    deliverDue(deps)
      .catch((e) => console.error('webhook delivery failed:', e))
      .finally(() => (delivering = false));
  }, DELIVERY_MS);
  deliveries.unref();

  // Keep idle connections longer than the proxies and clients in front of the service do (load
  // balancers commonly 60 s): a connection the service closes just as a client reuses it fails
  // that client's request, a push of many megabytes included.
  const http = server as unknown as { keepAliveTimeout: number; headersTimeout: number };
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;

  const stop = () => {
    clearInterval(sweep);
    clearInterval(deliveries);
    server.close(() => {
      db.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
