// The add-in's client of the Gatecell API: request shapes from shared/api, errors as ApiCallError.
import type { PushBody, PushResult } from '../../shared/api/schemas.js';
import type { OrgSettings } from '../../shared/domain/settings.js';

export interface WireCell {
  measure: string;
  kind: string;
  period: string;
  value: number | null;
  version: number;
  pending?: { changeRequestId: string; value: number };
  /** In changes: the cell's request was decided since (so the sheet can say how, and by whom). */
  decided?: {
    changeRequestId: string;
    status: 'approved' | 'rejected' | 'withdrawn';
    comment: string | null;
    by: string | null;
  };
}

/** A cell the signed-in user may not change, and why (the service's own rule). */
export interface Lock {
  measure: string;
  kind: string;
  period: string;
  reason: string;
  message: string;
}

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

  constructor(
    serviceUrl: string,
    readonly token: string,
    readonly fetchImpl: Fetch = (input, init) => fetch(input, init),
  ) {
    this.base = `${serviceUrl.replace(/\/+$/, '')}/api/v1`;
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
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
    if (!res.ok) {
      const err = (json as { error?: { code: string; message: string; details?: unknown } } | null)
        ?.error;
      throw new ApiCallError(
        res.status,
        err?.code ?? 'HTTP_ERROR',
        err?.message ?? `${method} ${path} answered ${res.status}.`,
        err?.details,
      );
    }
    return json as T;
  }

  me() {
    return this.call<{
      user: { id: string; name: string; email: string | null };
      superAdmin: boolean;
      grants: { node: string; level: string; name: string; role: string }[];
    }>('GET', '/me');
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
    return this.call<{ revision: number; cells: WireCell[]; locks?: Lock[] }>(
      'GET',
      `/cells?${params}`,
    );
  }
  changes(scope: string, since: number) {
    return this.call<{
      revision: number;
      cells: WireCell[];
      measures: {
        code: string;
        stage: string;
        onHold: boolean;
        implementationStatus: string;
        potentialStatus: string;
      }[];
    }>('GET', `/sync/changes?${new URLSearchParams({ scope, since: String(since) })}`);
  }
  push(body: PushBody) {
    return this.call<{ revision: number; results: PushResult[] }>('POST', '/sync/push', body);
  }
  measure(code: string) {
    return this.call<MeasureView>('GET', `/measures/${encodeURIComponent(code)}`);
  }
  changeRequests(scope?: string) {
    return this.call<{ changeRequests: ChangeRequestView[] }>(
      'GET',
      `/change-requests${scope ? `?scope=${encodeURIComponent(scope)}` : ''}`,
    );
  }
  gateRequests(scope?: string) {
    return this.call<{ gateRequests: GateRequestView[] }>(
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
    return this.call<{ id: string }>('POST', `/measures/${encodeURIComponent(code)}/gate`, {
      to,
      comment,
    });
  }
  decideGate(id: string, approve: boolean, comment: string) {
    return this.call<{ id: string }>(
      'POST',
      `/gate-requests/${id}/${approve ? 'approve' : 'reject'}`,
      { comment },
    );
  }
  /** The latest events of a scope, newest first. */
  audit(scope: string, limit = 50) {
    return this.call<{ events: AuditEvent[] }>(
      'GET',
      `/audit?scope=${encodeURIComponent(scope)}&order=newest&limit=${limit}`,
    );
  }
  node(code: string) {
    return this.call<{ code: string; level: string; name: string; settings: OrgSettings }>(
      'GET',
      `/nodes/${encodeURIComponent(code)}`,
    );
  }
  setMilestone(id: string, done: boolean) {
    return this.call<unknown>('PATCH', `/milestones/${encodeURIComponent(id)}`, { done });
  }
  hold(code: string, comment: string) {
    return this.call<unknown>('POST', `/measures/${encodeURIComponent(code)}/hold`, { comment });
  }
  resume(code: string, comment: string) {
    return this.call<unknown>('POST', `/measures/${encodeURIComponent(code)}/resume`, { comment });
  }
  exceptions(scope: string) {
    return this.call<{ exceptions: ExceptionView[] }>(
      'GET',
      `/exceptions?scope=${encodeURIComponent(scope)}`,
    );
  }
}

export interface Person {
  id: string;
  name: string;
}

export interface AuditEvent {
  seq: number;
  at: string;
  actor: string;
  actorName: string;
  action: string;
  subject: string | null;
  before: unknown;
  after: unknown;
}

export interface ExceptionView {
  id: string;
  type: string;
  measure: string;
  decisionNeeded: string;
  valueAtStake: number;
  level: number;
  openedAt: string;
  waitingOn: (string | null)[];
}

export interface ChangeRequestView {
  /** A cell's kind, or "window": a window change from Detailed on (period null, `window` says from and to; values are the committed target). */
  id: string;
  measure: string;
  title?: string;
  kind: string;
  period: string | null;
  oldValue: number | null;
  value: number;
  baseVersion?: number;
  /** The month's target in the record: the change is shown as a share of it. */
  periodTarget?: number | null;
  window?: {
    from: { startPeriod: string; endPeriod: string };
    to: { startPeriod: string; endPeriod: string };
  };
  note: string | null;
  reason: string;
  status: string;
  requestedBy: Person | null;
  requestedAt: string;
  waitingOn: { role: string; user: Person | null } | null;
  source: { workbook?: string; sheet?: string; cell?: string } | null;
  /** Whether the signed-in user may decide it (the service's own rule). */
  mayDecide?: boolean;
}

export interface GateRequestView {
  id: string;
  measure: string;
  title: string;
  from: string;
  to: string;
  comment: string | null;
  status: string;
  requestedBy: Person | null;
  requestedAt: string;
  waitingOn: { role: string; user: Person | null } | null;
  mayDecide: boolean;
}

export interface MeasureView {
  code: string;
  title: string;
  stage: string;
  doi: number | null;
  onHold: boolean;
  holdReason: string | null;
  startPeriod: string | null;
  endPeriod: string | null;
  currency: string;
  owner: Person | null;
  sponsor: Person | null;
  controller: Person | null;
  implementationStatus: string;
  potentialStatus: string;
  declaredStatus: string | null;
  figures: {
    baseline: number;
    target: number;
    forecast: number;
    actual: number;
    forecastVariance: number;
    actualVariance: number;
    realization: number | null;
  };
  milestones: { id: string; title: string; due: string; done: boolean }[];
  risks?: { id: string; title: string; severity: string; open: boolean }[];
  openRequests: {
    changeRequests: ChangeRequestView[];
    gateRequest: {
      id: string;
      to: string;
      waitingOn: { role: string; user: Person | null } | null;
    } | null;
  };
  /** What the signed-in user may do with it (the service's own policies). */
  may?: { requestGate: boolean; hold: boolean; editPlan: boolean };
}
