// Connecting the pane to a Gatecell service once per computer: the token stays in the add-in's
// storage here, never in the workbook (a workbook is shared; a token is personal). Where Office
// can sign the person in and the service accepts it, signing in with their Microsoft 365 account
// needs no token at all.
import { Body1, Button, Field, Input, makeStyles, tokens } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { Connection } from './connection.js';
import { officeCanSignIn, serviceAcceptsSignIn } from './sso.js';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
});

export function ConnectForm({
  initial,
  onConnect,
  quietSignIn,
  onQuietSignIn,
}: {
  initial: Connection | null;
  onConnect: (c: Connection) => Promise<void>;
  /** Whether to try signing in with Office by itself (not after the person signed out). */
  quietSignIn: boolean;
  /** Signing in with Office without asking the person anything, tried once when SSO is offered. */
  onQuietSignIn: (c: Connection) => Promise<void>;
}) {
  const s = useStyles();
  const [url, setUrl] = useState(initial?.url ?? location.origin);
  const [token, setToken] = useState(initial?.token ?? '');
  const [busy, setBusy] = useState(false);
  // Offered where the service accepts sign-in tokens and Office can give one.
  const [serviceSso, setServiceSso] = useState(false);
  useEffect(() => {
    let current = true;
    setServiceSso(false);
    if (url) void serviceAcceptsSignIn(url.trim()).then((yes) => current && setServiceSso(yes));
    return () => {
      current = false;
    };
  }, [url]);
  const sso = serviceSso && officeCanSignIn();
  // Once, when single sign-on is first offered, nobody chose a token and the person did not sign
  // out here: the person signed in to Office is simply signed in.
  const [triedQuietly, setTriedQuietly] = useState(false);
  useEffect(() => {
    if (!sso || !quietSignIn || triedQuietly || (initial && !initial.sso)) return;
    setTriedQuietly(true);
    setBusy(true);
    void onQuietSignIn({ url: url.trim(), token: '', sso: true }).finally(() => setBusy(false));
  }, [sso, quietSignIn, triedQuietly, initial, onQuietSignIn, url]);
  return (
    <form
      className={s.form}
      aria-label="Connect to Gatecell"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        await onConnect({ url: url.trim(), token: token.trim() });
        setBusy(false);
      }}
    >
      <Body1>
        Connect to your Gatecell service once; the token stays in this add-in on this computer,
        never in the workbook.
      </Body1>
      <Field label="Service URL" required>
        <Input value={url} onChange={(_, d) => setUrl(d.value)} type="url" />
      </Field>
      <Field label="Your token" required>
        <Input value={token} onChange={(_, d) => setToken(d.value)} type="password" />
      </Field>
      <Button appearance="primary" type="submit" disabled={busy || !url || !token}>
        {busy ? 'Connecting…' : 'Connect'}
      </Button>
      {sso && (
        <Button
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            await onConnect({ url: url.trim(), token: '', sso: true });
            setBusy(false);
          }}
        >
          Sign in with your Microsoft 365 account
        </Button>
      )}
    </form>
  );
}
