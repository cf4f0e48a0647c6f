// The service and headless Chromium for a browser test file: the pane served from dist/pane
// against the test's own world, closed after the file.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll } from 'vitest';
import { createApp } from '../../server/app.js';
import type { Deps } from '../../server/http/env.js';
import type { World } from '../helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** How the pane is opened: its width, the colour scheme, and whether the host has cell notes. */
export interface PaneLook {
  width?: number;
  colorScheme?: 'light' | 'dark';
  notes?: boolean;
}

/** `sso`: the service accepts sign-in tokens, verified so (ssoVerifier). */
export async function paneFixture(w: World, options: { sso?: Deps['sso'] } = {}) {
  const app = createApp(
    { db: w.db, now: () => w.clock.now, sso: options.sso },
    { dir: 'dist/pane', officeJs: 'local' },
  );
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  afterAll(async () => {
    await browser.close();
    await new Promise((r) => server.close(r));
  });
  /**
   * A pane signed in with `token`, its in-memory workbook holding one table. `notes: false` is a
   * host without cell notes (Office 2021/2024). A script error while it opens fails the test.
   */
  const openPane = async (
    token: string,
    headers: string[],
    rows: unknown[][],
    look: PaneLook = {},
  ): Promise<Page> => {
    const page = await (
      await browser.newContext({
        viewport: { width: look.width ?? 360, height: 900 },
        colorScheme: look.colorScheme ?? 'light',
      })
    ).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    if (look.notes === false)
      await page.addInitScript(() => {
        window.gatecellHost = { notes: false };
      });
    await page.goto(`${origin}/taskpane.html`);
    await page.waitForFunction(() => !!window.gatecellWorkbook);
    await page.evaluate(
      ([h, r]) =>
        window.gatecellWorkbook!.addTable('Forecast', 'Forecast', h as string[], r as unknown[][]),
      [headers, rows] as const,
    );
    await page.getByLabel('Your token').fill(token);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByLabel('Signed in as').waitFor();
    if (errors.length) throw new Error(`The pane failed while opening: ${errors.join('; ')}`);
    return page;
  };
  /** The same pane, its table bound (scope ORG) and pulled. */
  const boundPane = async (
    token: string,
    headers: string[],
    rows: unknown[][],
    look: PaneLook = {},
  ): Promise<Page> => {
    const page = await openPane(token, headers, rows, look);
    await page.getByRole('button', { name: 'Bind the selected table' }).click();
    await page.getByLabel('Scope (node code)').fill('ORG');
    await page.getByRole('button', { name: 'Confirm binding' }).click();
    await page.getByRole('button', { name: 'Pull', exact: true }).click();
    await page.locator('[data-notice]').last().filter({ hasText: 'Pulled' }).waitFor();
    return page;
  };
  /** The pane's current notice (a status, or an alert for errors). */
  return {
    origin,
    browser,
    openPane,
    boundPane,
    status: (page: Page) => page.locator('[data-notice]').last().innerText(),
  };
}
