// `office-addin-manifest validate` needs Microsoft's service; offline, the manifest is checked
// here: it parses, it is an Excel task pane, and every URL in it is HTTPS and served by us.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OfficeAddinManifest } from 'office-addin-manifest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { harness } from '../helpers.js';

describe('manifest.xml', async () => {
  const h = await harness();
  const app = createApp(
    { db: h.db, now: () => new Date() },
    { dir: 'dist/pane', officeJs: 'local' },
  );
  const text = readFileSync('manifest.xml', 'utf8');

  it('is an Excel task-pane add-in with a GUID id', async () => {
    const info = await OfficeAddinManifest.readManifestFile('manifest.xml');
    expect(info.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(info.officeAppType).toBe('TaskPaneApp');
    expect(info.hosts).toEqual(['Workbook']);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(info.defaultSettings?.sourceLocation).toBe('https://localhost:3000/taskpane.html');
    expect(info.permissions).toBe('ReadWriteDocument');
  });

  it('points only at HTTPS URLs the service serves', async () => {
    const urls = [
      ...new Set([...text.matchAll(/DefaultValue="(https?:\/\/[^"]+)"/g)].map((m) => m[1]!)),
    ];
    expect(urls.length).toBeGreaterThanOrEqual(5); // pane, three icon sizes, and the 64 px icon
    for (const url of urls) {
      expect(url).toMatch(/^https:\/\/localhost:3000\//);
      const res = await app.request(new URL(url).pathname);
      expect(res.status, url).toBe(200);
      if (url.endsWith('.png'))
        expect([...new Uint8Array(await res.arrayBuffer()).slice(0, 4)]).toEqual([137, 80, 78, 71]);
    }
    for (const domain of [...text.matchAll(/<AppDomain>([^<]+)<\/AppDomain>/g)].map((m) => m[1]!))
      expect(domain).toBe('https://localhost:3000');
  });

  it('opens the pane with a bound workbook, and its help is a page of its own', () => {
    expect(text).toContain('<TaskpaneId>Office.AutoShowTaskpaneWithDocument</TaskpaneId>');
    expect(text).toContain('<SupportUrl DefaultValue="https://localhost:3000/support.html"/>');
  });

  it('is served for the origin the service is configured with, every URL moved there', async () => {
    const hosted = createApp(
      { db: h.db, now: () => new Date() },
      { dir: 'dist/pane', officeJs: 'local', publicOrigin: 'https://gatecell.acme.example' },
    );
    const served = await (await hosted.request('/manifest.xml')).text();
    expect(served).not.toContain('localhost');
    expect(
      [...served.matchAll(/DefaultValue="(https:\/\/[^"/]+)/g)].every(
        (m) => m[1] === 'https://gatecell.acme.example',
      ),
    ).toBe(true);
    expect(served).toContain('<AppDomain>https://gatecell.acme.example</AppDomain>');
    expect(served.replaceAll('https://gatecell.acme.example', 'https://localhost:3000')).toBe(text);
  });

  it('with single sign-on, names the app registration Office asks for tokens, as the last child of VersionOverrides', async () => {
    const clientId = '0b3c6f0e-52a4-4f7e-9d61-2f4a1c3b5e77';
    const hosted = createApp(
      { db: h.db, now: () => new Date() },
      {
        dir: 'dist/pane',
        officeJs: 'local',
        publicOrigin: 'https://gatecell.acme.example',
        ssoClientId: clientId,
      },
    );
    const served = await (await hosted.request('/manifest.xml')).text();
    expect(served).toMatch(
      new RegExp(
        `<WebApplicationInfo>\\s*<Id>${clientId}</Id>\\s*` +
          `<Resource>api://gatecell\\.acme\\.example/${clientId}</Resource>\\s*` +
          '<Scopes>\\s*<Scope>openid</Scope>\\s*<Scope>profile</Scope>\\s*</Scopes>\\s*' +
          '</WebApplicationInfo>\\s*</VersionOverrides>',
      ),
    );
    // Still a manifest Office reads, and without single sign-on nothing is added.
    const dir = mkdtempSync(join(tmpdir(), 'gatecell-manifest-'));
    writeFileSync(join(dir, 'manifest.xml'), served);
    expect((await OfficeAddinManifest.readManifestFile(join(dir, 'manifest.xml'))).id).toBe(
      (await OfficeAddinManifest.readManifestFile('manifest.xml')).id,
    );
    rmSync(dir, { recursive: true, force: true });
    expect(await (await app.request('/manifest.xml')).text()).not.toContain('WebApplicationInfo');
  });

  it('the pane page loads office.js and the bundle, both served', async () => {
    const page = await (await app.request('/taskpane.html')).text();
    for (const src of [...page.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!))
      expect((await app.request(src)).status, src).toBe(200);
    const cdn = createApp(
      { db: h.db, now: () => new Date() },
      { dir: 'dist/pane', officeJs: 'cdn' },
    );
    const redirect = await cdn.request('/office-js/office.js');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe(
      'https://appsforoffice.microsoft.com/lib/1/hosted/office.js',
    );
  });
});
