// The add-in's client of the Gatecell API: request and answer shapes from the schemas in
// shared/api (the ones the service validates and answers with, and the OpenAPI document is made
// of), errors as ApiCallError. Types only: the pane bundles no schema.
import type { z } from 'zod';
import type * as A from '../../shared/api/answers.js';
import type { PushBody } from '../../shared/api/schemas.js';

export type Answer<K extends keyof typeof A> = (typeof A)[K] extends z.ZodType
  ? z.infer<(typeof A)[K]>
  : never;
export type WireCell = Answer<'WireCell'>;
export type Lock = Answer<'Lock'>;
export type Person = Answer<'Person'>;
export type WaitingOn = Answer<'WaitingOn'>;
export type AuditEvent = Answer<'AuditEvent'>;
export type ExceptionView = Answer<'ExceptionListed'>;
export type ChangeRequestView = Answer<'AnyChangeRequest'>;
export type GateRequestView = Answer<'GateRequestListed'>;
export type MeasureView = Answer<'MeasureAnswer'>;

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export class GatecellClient {
  readonly base: string;

  /**
   * `token`: the person's token, or where to get a sign-in token for each request (Office single
   * sign-on: Office keeps it and renews it as it expires).
   */
  constructor(
    serviceUrl: string,
    readonly token: string | (() => Promise<string>),
    readonly fetchImpl: Fetch = (input, init) => fetch(input, init),
  ) {
    this.base = `${serviceUrl.replace(/\/+$/, '')}/api/v1`;
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.#send(method, path, body);
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // A gateway's error page, say: the status still tells what happened.
      if (res.ok)
        throw new ApiCallError(
          res.status,
          'BAD_ANSWER',
          `${method} ${path} answered with something that is not JSON.`,
        );
    }
    if (!res.ok) throw this.#refusal(res, json, method, path);
    return json as T;
  }

  /** A file the service answers (an .xlsx), as bytes; its refusals as any call's. */
  async file(path: string): Promise<ArrayBuffer> {
    const res = await this.#send('GET', path);
    if (res.ok) return res.arrayBuffer();
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // Not the service's error shape: the status says enough.
    }
    throw this.#refusal(res, json, 'GET', path);
  }

  #refusal(res: Response, json: unknown, method: string, path: string) {
    const err = (json as { error?: { code: string; message: string; details?: unknown } } | null)
      ?.error;
    return new ApiCallError(
      res.status,
      err?.code ?? 'HTTP_ERROR',
      err?.message ?? `${method} ${path} answered ${res.status}.`,
      err?.details,
    );
  }

  async #send(method: string, path: string, body?: unknown): Promise<Response> {
    const token = typeof this.token === 'string' ? this.token : await this.token();
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiCallError(
        0,
        'UNREACHABLE',
        `The Gatecell service at ${this.base} cannot be reached: ${(e as Error).message}`,
      );
    }
    return res;
  }

  me() {
    return this.call<Answer<'MeAnswer'>>('GET', '/me');
  }
  /** A starter workbook of the scope (GET /workbooks/starter): an .xlsx, already bound. */
  starterWorkbook(scope: string, q: { kinds?: string[]; from?: string; to?: string } = {}) {
    const params = new URLSearchParams({ scope });
    if (q.kinds?.length) params.set('kinds', q.kinds.join(','));
    if (q.from) params.set('from', q.from);
    if (q.to) params.set('to', q.to);
    return this.file(`/workbooks/starter?${params}`);
  }
  cells(
    scope: string,
    q: { kinds?: string[]; from?: string; to?: string; editable?: boolean } = {},
  ) {
    const params = new URLSearchParams({ scope });
    if (q.kinds?.length) params.set('kinds', q.kinds.join(','));
    if (q.from) params.set('from', q.from);
    if (q.to) params.set('to', q.to);
    if (q.editable) params.set('editable', 'true');
    return this.call<Answer<'CellsAnswer'>>('GET', `/cells?${params}`);
  }
  changes(scope: string, since: number) {
    return this.call<Answer<'ChangesAnswer'>>(
      'GET',
      `/sync/changes?${new URLSearchParams({ scope, since: String(since) })}`,
    );
  }
  push(body: PushBody) {
    return this.call<Answer<'PushAnswer'>>('POST', '/sync/push', body);
  }
  measure(code: string) {
    return this.call<MeasureView>('GET', `/measures/${encodeURIComponent(code)}`);
  }
  changeRequests(scope?: string) {
    return this.call<Answer<'ChangeRequestsAnswer'>>(
      'GET',
      `/change-requests${scope ? `?scope=${encodeURIComponent(scope)}` : ''}`,
    );
  }
  gateRequests(scope?: string) {
    return this.call<Answer<'GateRequestsAnswer'>>(
      'GET',
      `/gate-requests${scope ? `?scope=${encodeURIComponent(scope)}` : ''}`,
    );
  }
  decideChange(id: string, approve: boolean, comment: string) {
    return this.call<ChangeRequestView>(
      'POST',
      `/change-requests/${id}/${approve ? 'approve' : 'reject'}`,
      { comment },
    );
  }
  requestGate(code: string, to: string, comment: string) {
    return this.call<Answer<'GateRequestDecidedAnswer'>>(
      'POST',
      `/measures/${encodeURIComponent(code)}/gate`,
      {
        to,
        comment,
      },
    );
  }
  decideGate(id: string, approve: boolean, comment: string) {
    return this.call<Answer<'GateRequestDecidedAnswer'>>(
      'POST',
      `/gate-requests/${id}/${approve ? 'approve' : 'reject'}`,
      { comment },
    );
  }
  /** The latest events of a scope, newest first. */
  audit(scope: string, limit = 50) {
    return this.call<Answer<'AuditAnswer'>>(
      'GET',
      `/audit?scope=${encodeURIComponent(scope)}&order=newest&limit=${limit}`,
    );
  }
  node(code: string) {
    return this.call<Answer<'NodeAnswer'>>('GET', `/nodes/${encodeURIComponent(code)}`);
  }
  setMilestone(id: string, done: boolean) {
    return this.call<Answer<'MilestoneAnswer'>>('PATCH', `/milestones/${encodeURIComponent(id)}`, {
      done,
    });
  }
  hold(code: string, comment: string) {
    return this.call<MeasureView>('POST', `/measures/${encodeURIComponent(code)}/hold`, {
      comment,
    });
  }
  resume(code: string, comment: string) {
    return this.call<MeasureView>('POST', `/measures/${encodeURIComponent(code)}/resume`, {
      comment,
    });
  }
  rollup(scope: string) {
    return this.call<Answer<'RollupAnswer'>>(
      'GET',
      `/reports/rollup?scope=${encodeURIComponent(scope)}`,
    );
  }
  variances(scope: string) {
    return this.call<Answer<'VariancesAnswer'>>(
      'GET',
      `/reports/variances?scope=${encodeURIComponent(scope)}`,
    );
  }
  decisions(scope: string, from: string, to: string) {
    return this.call<Answer<'DecisionsAnswer'>>(
      'GET',
      `/decisions?scope=${encodeURIComponent(scope)}&from=${from}&to=${to}`,
    );
  }
  exceptions(scope: string) {
    return this.call<Answer<'ExceptionsAnswer'>>(
      'GET',
      `/exceptions?scope=${encodeURIComponent(scope)}`,
    );
  }
}
