// The audit key (api-v1.md, "Audit that holds against an insider"): a secret held outside the
// database that keys the chain's hashes (HMAC-SHA256), so that nobody with only the database file
// can rewrite or append a batch that verifies, and that signs checkpoints of the head.
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';

export const MIN_AUDIT_KEY_LENGTH = 32;

/** A name for the key that reveals nothing of it: which key a trail was keyed with. */
export const keyId = (key: Buffer) =>
  createHmac('sha256', key).update('gatecell:key-id').digest('hex').slice(0, 16);

/** The MAC of a statement under the key (the keying record of a trail). */
export const mac = (key: Buffer, statement: string) =>
  createHmac('sha256', key).update(statement).digest('hex');

// Checkpoints are signed with Ed25519, its seed derived from the audit key: auditors can check a
// checkpoint's signature with the public key alone, and only the key's holder can make one.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const signingKeys = new WeakMap<Buffer, { privateKey: KeyObject; publicKey: KeyObject }>();
function signingKey(key: Buffer) {
  let pair = signingKeys.get(key);
  if (!pair) {
    const seed = createHmac('sha256', key).update('gatecell:checkpoint-signing').digest();
    const privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
    pair = { privateKey, publicKey: createPublicKey(privateKey) };
    signingKeys.set(key, pair);
  }
  return pair;
}

export interface Checkpoint {
  seq: number;
  hash: string;
  at: string;
  signature: string;
}

const checkpointText = (c: Omit<Checkpoint, 'signature'>) =>
  `gatecell-checkpoint:v1:${c.seq}:${c.hash}:${c.at}`;

/** A signed statement that the trail's head was `hash` at event `seq`, at time `at`. */
export function signCheckpoint(
  key: Buffer,
  head: Omit<Checkpoint, 'signature'>,
): Checkpoint & { publicKey: string } {
  const { privateKey, publicKey } = signingKey(key);
  return {
    ...head,
    signature: sign(null, Buffer.from(checkpointText(head)), privateKey).toString('base64url'),
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64url'),
  };
}

export function checkpointSigned(key: Buffer, c: Checkpoint): boolean {
  try {
    return verify(
      null,
      Buffer.from(checkpointText(c)),
      signingKey(key).publicKey,
      Buffer.from(c.signature, 'base64url'),
    );
  } catch {
    return false;
  }
}

/**
 * The key from GATECELL_AUDIT_KEY, or else from `file` (beside a file database), made there on
 * first start, readable by its owner only. `generated` says the key was just made.
 */
export async function loadAuditKey(
  fromEnv: string | undefined,
  file: string | null,
): Promise<{ key: Buffer; generated: boolean; source: string }> {
  if (fromEnv)
    return { key: Buffer.from(fromEnv, 'utf8'), generated: false, source: 'GATECELL_AUDIT_KEY' };
  if (!file)
    throw new Error(
      'GATECELL_AUDIT_KEY must be set (at least 32 characters) when the database is a libSQL server: the audit key is kept outside the database.',
    );
  const existing = await readFile(file, 'utf8').then(
    (t) => t.trim(),
    () => null,
  );
  if (existing) return { key: Buffer.from(existing, 'utf8'), generated: false, source: file };
  const made = randomBytes(32).toString('base64url');
  try {
    await writeFile(file, `${made}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another instance starting beside this one made it first: theirs is the key.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return {
      key: Buffer.from((await readFile(file, 'utf8')).trim(), 'utf8'),
      generated: false,
      source: file,
    };
  }
  return { key: Buffer.from(made, 'utf8'), generated: true, source: file };
}
