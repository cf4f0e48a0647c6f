// A push body is capped at 64 MB: declared by Content-Length (refused before anything is read) or
// counted as it streams in. Over Node's HTTP server too, where the declared case must leave the
// body to @hono/node-server's direct read of the socket.
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, describe, expect, it } from 'vitest';
import { key, measure, push, world } from '../helpers.js';

const LIMIT = 64 * 1024 * 1024;

describe('push body limit', async () => {
  const w = await world();
  const owner = w.users.owner.token;
  await measure(w, 'M-L');
  const revision = async () => (await w.call(owner, 'GET', '/cells?scope=M-L')).body.revision;
  const server = serve({ fetch: w.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('a declared size over 64 MB is 413 TOO_LARGE and writes nothing', async () => {
    const before = await revision();
    const res = await w.app.request('/api/v1/sync/push', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${owner}`,
        'content-type': 'application/json',
        'content-length': String(LIMIT + 1),
      },
      body: JSON.stringify({
        idempotencyKey: key(),
        changes: [{ measure: 'M-L', kind: 'forecast', period: '2027-01', value: 1 }],
      }),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('TOO_LARGE');
    expect(await revision()).toBe(before);
  });

  it('a streamed body without a declared size is counted and refused past 64 MB', async () => {
    const before = await revision();
    const megabyte = new Uint8Array(1024 * 1024).fill(0x20);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ === 0)
          controller.enqueue(
            new TextEncoder().encode(`{"idempotencyKey":"${key()}","changes":[],"pad":"`),
          );
        else if (sent < 70) controller.enqueue(megabyte);
        else controller.close();
      },
    });
    const res = await w.app.request('/api/v1/sync/push', {
      method: 'POST',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('TOO_LARGE');
    expect(await revision()).toBe(before);
  });

  it("over Node's HTTP server a push is read and applied, and a declared size over 64 MB is refused unread", async () => {
    const ok = await fetch(`${base}/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        idempotencyKey: key(),
        changes: [{ measure: 'M-L', kind: 'forecast', period: '2027-02', value: 12.5 }],
      }),
    });
    expect(ok.status).toBe(200);
    expect((await ok.json()).results).toEqual([
      { index: 0, outcome: 'applied', value: 12.5, version: 1 },
    ]);

    const before = await revision();
    const { port } = server.address() as AddressInfo;
    // Only the head and a few bytes are sent: the answer must come without waiting for the rest.
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          `POST /api/v1/sync/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${owner}\r\nContent-Type: application/json\r\nContent-Length: ${LIMIT + 1}\r\n\r\n{"idempotencyKey":`,
        );
      });
      let text = '';
      socket.on('data', (d) => {
        text += d.toString('utf8');
        if (text.includes('}}')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
      socket.setTimeout(5000, () =>
        reject(new Error('no answer within 5 s: the server waited for the body')),
      );
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('"code":"TOO_LARGE"');
    expect(await revision()).toBe(before);
    expect(
      (
        await push(w, owner, [
          { measure: 'M-L', kind: 'forecast', period: '2027-02', value: 13, baseVersion: 1 },
        ])
      ).results[0].outcome,
    ).toBe('applied');
  });
  it('a body is read as UTF-8 whether or not it is all ASCII, with or without a byte order mark', async () => {
    const sent = async (note: string, bom: boolean, period: string) => {
      const cells = (await w.call(owner, 'GET', '/cells?scope=M-L')).body.cells as {
        kind: string;
        period: string;
        version: number;
      }[];
      const baseVersion =
        cells.find((c) => c.kind === 'forecast' && c.period === period)?.version ?? 0;
      const json = JSON.stringify({
        idempotencyKey: key(),
        changes: [
          { measure: 'M-L', kind: 'forecast', period, value: note.length, note, baseVersion },
        ],
      });
      const res = await w.app.request('/api/v1/sync/push', {
        method: 'POST',
        headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
        body: Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(json)]),
      });
      expect(res.status).toBe(200);
      expect((await res.json()).results[0].outcome).toBe('applied');
      const events = (await w.call(owner, 'GET', '/audit?scope=M-L')).body.events as {
        seq: number;
        action: string;
        after: { note?: string };
      }[];
      const changed = events.filter((e) => e.action === 'cell.changed');
      return changed.reduce((a, b) => (a.seq > b.seq ? a : b)).after.note;
    };
    expect(await sent('plain ascii', false, '2027-04')).toBe('plain ascii');
    expect(await sent('Zürich — “late” 😀', false, '2027-05')).toBe('Zürich — “late” 😀');
    expect(await sent('with a mark', true, '2027-06')).toBe('with a mark');
  });
});
