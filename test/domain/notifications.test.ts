import { describe, expect, it } from 'vitest';
import { notificationOf, retryDelayMs } from '../../shared/domain/notifications.js';

describe('which events are told', () => {
  it('an exception reaching level 2 or 3; a request opened; a decision made; nothing else', () => {
    expect(notificationOf({ action: 'exception.escalated', after: { level: 2 } })).toBe(
      'exception.escalated',
    );
    expect(notificationOf({ action: 'exception.raised', after: { level: 3 } })).toBe(
      'exception.escalated',
    );
    expect(notificationOf({ action: 'exception.raised', after: { level: 1 } })).toBeNull();
    for (const action of ['change_request.opened', 'window_request.opened', 'gate.requested'])
      expect(notificationOf({ action })).toBe('request.waiting');
    for (const action of ['gate.approved', 'change_request.rejected', 'exception.decided'])
      expect(notificationOf({ action })).toBe('decision.made');
    for (const action of [
      'cell.changed',
      'exception.cleared',
      'exception.resolved',
      'role.granted',
    ])
      expect(notificationOf({ action })).toBeNull();
  });
  it('retries after 30 s, doubling, at most an hour apart', () => {
    expect([1, 2, 3, 4, 8, 20].map(retryDelayMs)).toEqual([
      30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000,
    ]);
  });
});
