// How cells look on the wire (shared/api/answers.ts): from the pull's and the changes' rows, with
// the value waiting for approval, or the decision taken since (changes), on each.
import type { WireCell } from '../../../shared/api/answers.js';
import { fromMinorOrNull } from '../../../shared/money.js';
import type { CellQueryRow } from './store.js';

/** `digitsOf`: the minor digits of an organization's currency. */
export function presentCells(
  found: readonly CellQueryRow[],
  digitsOf: (orgId: number) => number,
): WireCell[] {
  return found.map(
    ([
      measure,
      orgId,
      kind,
      period,
      value,
      version,
      requestId,
      requested,
      decidedId,
      status,
      comment,
      by,
    ]) => {
      const d = digitsOf(orgId);
      const cell: WireCell = { measure, kind, period, value: fromMinorOrNull(value, d), version };
      if (requestId)
        cell.pending = { changeRequestId: requestId, value: fromMinorOrNull(requested, d)! };
      else if (decidedId && status)
        cell.decided = {
          changeRequestId: decidedId,
          status,
          comment: comment ?? null,
          by: by ?? null,
        };
      return cell;
    },
  );
}
