// Every error the pane can meet, titled in a planner's words: never a raw code as the headline.
// The service's own message stays the text (it says what to do); the code is kept for support.
import { ApiCallError } from '../api/client.js';
import { WorkbookError } from '../workbook/excel.js';
import { RequestTooLarge } from '../workbook/memory.js';
import { BindingBroken } from '../sync/session.js';

const TITLES: Record<string, string> = {
  UNAUTHORIZED: 'Your sign-in was not accepted',
  FORBIDDEN: 'Not yours to do',
  NOT_FOUND: 'Not found, or not visible to you',
  BAD_REQUEST: 'Something in the request is not right',
  INVALID_REQUEST: 'Something in the request is not right',
  MALFORMED_JSON: 'Something in the request is not right',
  TOO_LARGE: 'Too much at once',
  TOO_DEEP: 'Something in the request is not right',
  TOO_MANY_ROWS: 'Too many rows at once',
  COMMENT_REQUIRED: 'A comment is needed',
  REASON_REQUIRED: 'A reason is needed',
  EXPLANATION_REQUIRED: 'An explanation is needed',
  SEGREGATION_OF_DUTIES: 'Three different people are needed',
  STALE_REQUEST: 'Changed since it was requested',
  NOT_PENDING: 'Already decided',
  NOT_OPEN: 'Already closed',
  STAGE_MOVED: 'The measure moved on meanwhile',
  MEASURE_CHANGED: 'The measure changed meanwhile',
  GATE_REQUEST_OPEN: 'A gate request is already waiting',
  GATE_CRITERIA_NOT_MET: 'Not ready for this gate',
  INVALID_GATE: 'Not the next gate',
  MEASURE_FROZEN: 'The measure is closed or cancelled',
  DUPLICATE_CODE: 'That code is taken',
  DUPLICATE_EMAIL: 'That e-mail is taken',
  UNKNOWN_USER: 'Unknown person',
  ALREADY_ACKNOWLEDGED: 'Already acknowledged',
  BUSY: 'The service is busy',
  INTERNAL: 'The service failed',
  UNREACHABLE: 'Gatecell cannot be reached',
  BAD_ANSWER: 'An unexpected answer',
  HTTP_ERROR: 'The service refused',
};

/** Office's error codes (OfficeExtension.ErrorCodes) that a planner can act on. */
const EXCEL_TITLES: Record<string, string> = {
  InvalidOperationInCellEditMode: 'Excel is busy with a cell: press Enter or Esc, then try again',
  AccessDenied: 'The sheet is protected',
  ItemNotFound: 'The table is gone',
  RequestPayloadSizeLimitExceeded: 'Too much for one request to Excel',
  InsertDeleteConflict: 'A row or column was inserted meanwhile',
  GeneralException: 'Excel could not do it',
};

export interface Notice {
  intent: 'error' | 'warning' | 'success' | 'info';
  title: string;
  text: string;
}

/** A failure as a notice: a readable title, the service's or Office's own message, and the code in small print. */
export function explain(e: unknown): Notice {
  if (e instanceof ApiCallError) {
    const missing = (e.details as { missing?: string[] } | undefined)?.missing;
    return {
      intent: 'error',
      title: TITLES[e.code] ?? 'The service refused',
      text: `${e.message}${missing?.length ? ` Missing: ${missing.join('; ')}.` : ''} (${e.code})`,
    };
  }
  if (e instanceof WorkbookError || e instanceof RequestTooLarge)
    return {
      intent: 'error',
      title: EXCEL_TITLES[e.code] ?? 'Excel could not do it',
      text: `${e.message} (${e.code}). Nothing the service applied is lost: Gatecell saved it first.`,
    };
  if (e instanceof BindingBroken)
    return {
      intent: 'error',
      title: 'The binding no longer fits its table',
      text: e.problems.join(' '),
    };
  return {
    intent: 'error',
    title: 'Something went wrong',
    text: e instanceof Error ? e.message : String(e),
  };
}

/** Why a change request waits for a decision, in words (the service's reason codes). */
export const WAITS_BECAUSE: Record<string, string> = {
  MATERIAL_CHANGE: "Material: it moves the value by more than the organization's threshold.",
  APPROVAL_REQUIRED: 'The plan is fixed from Detailed on: every change to it is approved.',
};
