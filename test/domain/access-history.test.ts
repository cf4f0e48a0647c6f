import { describe, expect, it } from 'vitest';
import { type AccessEvent, replayAccess } from '../../shared/domain/access-history.js';

const e = (action: string, subject: string, at: string, extra: Partial<AccessEvent> = {}) => ({
  action,
  subject,
  before: null,
  after: null,
  at,
  actor: 'a',
  node: 'N',
  ...extra,
});

describe('access replayed from the trail', () => {
  it('a grant holds from its last granting until revoked; deactivation is followed too', () => {
    const { grants, inactive } = replayAccess([
      e('role.granted', 'u', 't1', { after: { role: 'controller' } }),
      e('role.granted', 'u', 't1', { after: { role: 'viewer' } }),
      e('role.revoked', 'u', 't2', { before: { role: 'controller' } }),
      e('role.granted', 'u', 't3', { after: { role: 'controller' }, actor: 'b' }),
      e('user.deactivated', 'v', 't4', { node: null }),
      e('user.deactivated', 'w', 't4', { node: null }),
      e('user.reactivated', 'w', 't5', { node: null }),
      e('cell.changed', 'forecast 2027-01', 't6'),
    ]);
    expect(grants).toEqual([
      { userId: 'u', role: 'viewer', node: 'N', since: 't1', grantedBy: 'a' },
      { userId: 'u', role: 'controller', node: 'N', since: 't3', grantedBy: 'b' },
    ]);
    expect([...inactive]).toEqual(['v']);
  });
});
