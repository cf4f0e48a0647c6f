// Governed dependencies (api-v1.md, "Decisions, exceptions raised by people, dependencies"): what
// a measure waits on from outside its own plan, with an owner, a due date, a status and a risk
// level. Stored as two flags (done, and at risk as its owner says); the status is read from them.
import type { DependencyStatus } from '../model.js';

export const dependencyStatus = (d: { done: boolean; atRisk: boolean }): DependencyStatus =>
  d.done ? 'done' : d.atRisk ? 'at_risk' : 'open';

export const dependencyFlags = (status: DependencyStatus) => ({
  done: status === 'done',
  atRisk: status === 'at_risk',
});
