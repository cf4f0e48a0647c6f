// Where the pane keeps its connection: the add-in's own storage on this machine, never the
// workbook (a workbook is shared; a token is personal).
const KEY = 'gatecell.connection';

export interface Connection {
  url: string;
  /** The person's own token; empty when they sign in through Office (`sso`). */
  token: string;
  sso?: boolean;
}

export function loadConnection(): Connection | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Connection) : null;
  } catch {
    return null;
  }
}

export function saveConnection(c: Connection | null) {
  if (c) localStorage.setItem(KEY, JSON.stringify(c));
  else localStorage.removeItem(KEY);
}

const SIGNED_OUT = 'gatecell.signedOut';

/**
 * Whether the pane may sign the person in with Office by itself when it opens: not after they
 * signed out here, until they connect again by their own hand.
 */
export const mayConnectQuietly = () => localStorage.getItem(SIGNED_OUT) === null;

export function rememberSignedOut(signedOut: boolean) {
  if (signedOut) localStorage.setItem(SIGNED_OUT, '1');
  else localStorage.removeItem(SIGNED_OUT);
}
