// Office single sign-on: the person signed in to Office is signed in to Gatecell, with the token
// Office gives the add-in for them (Microsoft Entra ID), when the host has it (IdentityAPI) and the
// service accepts such tokens (its /health says `sso`): at once when the pane opens, if Office
// can do it without asking; else with one click. Otherwise, and whenever it fails, the pane
// falls back to the token form.

/** Whether this host can give the add-in a sign-in token at all. */
export const officeCanSignIn = () =>
  typeof Office !== 'undefined' && typeof Office.auth?.getAccessToken === 'function';

/**
 * The sign-in token Office holds for the person: asking them to sign in or consent if needed, or
 * — `quietly`, when the pane opens — only if Office can give it without asking anything.
 */
export const officeSignInToken = (quietly = false) =>
  Office.auth.getAccessToken({ allowSignInPrompt: !quietly, allowConsentPrompt: !quietly });

/** Whether the service at `url` accepts sign-in tokens (false when it cannot be asked). */
export async function serviceAcceptsSignIn(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url.replace(/\/+$/, '')}/api/v1/health`);
    return res.ok && ((await res.json()) as { sso?: boolean }).sso === true;
  } catch {
    return false;
  }
}

/** What a failed Office sign-in means, in a sentence (Office's codes: 13xxx). */
export function signInFailure(e: unknown): string {
  const code = (e as { code?: number })?.code;
  const why =
    code === 13001
      ? 'nobody is signed in to Office'
      : code === 13002
        ? 'the sign-in was cancelled'
        : code === 13006 || code === 13007
          ? 'Office could not reach the sign-in service'
          : code === 13012
            ? 'this Office does not offer single sign-on to add-ins'
            : (e as { message?: string })?.message || 'Office refused';
  return `Single sign-on did not work (${why}${code ? `, ${code}` : ''}): connect with your token instead.`;
}
