// Signing in to the pane with Office single sign-on (Office.auth.getAccessToken, stubbed here as
// Office would answer): the person signed in to Office is signed in to Gatecell — by itself when
// the pane opens if Office need ask nothing, else with a click; when Office refuses, the pane
// says why and the token form still works.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { ssoVerifier } from '../../server/http/sso.js';
import { world } from '../helpers.js';
import { paneFixture } from './fixture.js';

const ISSUER = 'https://login.example.com/tenant-1/v2.0';
const AUDIENCE = 'api://gatecell-pane-test';

describe('signing in to the pane', async () => {
  const w = await world();
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
  const keys = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => keys.listen(0, '127.0.0.1', r));
  afterAll(() => new Promise<void>((r) => keys.close(() => r())));
  const jwksUrl = `http://127.0.0.1:${(keys.address() as AddressInfo).port}/keys`;
  const { browser, origin } = await paneFixture(w, {
    sso: ssoVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUrl }),
  });
  const signInToken = await new SignJWT({ preferred_username: 'controller@example.com' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);

  type Answer = { token?: string; failure?: { code: number; message: string } };
  /**
   * The pane, with Office's getAccessToken answering `quietly` when asked not to prompt anyone,
   * and `prompted` when it may ask the person to sign in or consent.
   */
  const open = async (quietly: Answer, prompted: Answer = quietly) => {
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/taskpane.html`);
    await page.waitForFunction(() => !!window.gatecellWorkbook);
    // Office outside Office has no auth API: the stub gives it one, as Office on the web has.
    await page.evaluate(
      ({ quietly, prompted }) => {
        (Office as { auth: unknown }).auth = {
          getAccessToken: (o: { allowSignInPrompt?: boolean }) => {
            const a = o.allowSignInPrompt ? prompted : quietly;
            return a.token ? Promise.resolve(a.token) : Promise.reject(a.failure);
          },
        };
      },
      { quietly, prompted },
    );
    // The form looks again (its URL entered anew): the host can sign people in now. Unless the
    // pane already did, by itself: its first look at the service may end after the stub is in
    // place (then the form is gone, signed in quietly, which only the first test's stub allows).
    const url = page.getByLabel('Service URL');
    await url
      .fill('', { timeout: 2000 })
      .then(() => url.fill(origin, { timeout: 2000 }))
      .catch(async (e: unknown) => {
        if (!(await page.getByLabel('Signed in as').count())) throw e;
      });
    return { page, errors };
  };
  const signedInAs = (page: Awaited<ReturnType<typeof open>>['page']) =>
    page.getByLabel('Signed in as').innerText();

  it('signs in by itself when Office can without asking; after signing out, only by a click', async () => {
    const { page, errors } = await open({ token: signInToken });
    await expect.poll(() => signedInAs(page)).toContain('controller on ORG');
    await page.getByRole('button', { name: 'Sign out' }).click();
    const button = page.getByRole('button', { name: 'Sign in with your Microsoft 365 account' });
    await button.waitFor();
    // Signed out stays signed out: the form waits for the person.
    await page.waitForTimeout(500);
    expect(await page.getByLabel('Signed in as').count()).toBe(0);
    await button.click();
    await expect.poll(() => signedInAs(page)).toContain('controller on ORG');
    expect(errors).toEqual([]);
  });

  it('when Office must ask first, one click signs in, and the quiet attempt said nothing', async () => {
    const { page, errors } = await open(
      { failure: { code: 13001, message: 'sign-in needed' } },
      { token: signInToken },
    );
    const button = page.getByRole('button', { name: 'Sign in with your Microsoft 365 account' });
    await expect.poll(() => button.isEnabled()).toBe(true);
    // The one notice is still the pane's own (outside Excel), not a word of the quiet attempt.
    expect(await page.locator('[data-notice]').allInnerTexts()).toEqual([
      expect.stringContaining('Opened outside Excel'),
    ]);
    await button.click();
    await expect.poll(() => signedInAs(page)).toContain('controller on ORG');
    expect(errors).toEqual([]);
  });

  it('falls back to the token form when Office refuses, saying why', async () => {
    const { page } = await open({ failure: { code: 13001, message: 'not signed in' } });
    const button = page.getByRole('button', { name: 'Sign in with your Microsoft 365 account' });
    await expect.poll(() => button.isEnabled()).toBe(true);
    await button.click();
    await page
      .locator('[data-notice]')
      .filter({ hasText: 'nobody is signed in to Office' })
      .waitFor();
    await page.getByLabel('Your token').fill(w.users.viewer.token);
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => signedInAs(page)).toContain('viewer');
  });
});
