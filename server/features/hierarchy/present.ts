// How nodes, invitations, access reviews and the people answers name look on the wire
// (shared/api/answers.ts).
import { stringify } from 'csv-stringify/sync';
import type {
  AccessReviewEntry,
  InvitationAnswer,
  NodeAnswer,
  Totals,
} from '../../../shared/api/answers.js';
import { APPROVES } from '../../../shared/domain/access.js';
import type { HeldGrant } from '../../../shared/domain/access-history.js';
import type { OrgSettings } from '../../../shared/domain/settings.js';
import type { Level } from '../../../shared/model.js';
import type { AccessGrantRow, NodeRow, People } from './store.js';

/** A person an answer names, by id (an id no longer known is shown as itself). */
export const person = (people: People, id: string | null) =>
  id ? (people.get(id) ?? { id, name: id }) : null;

export const presentNode = (
  node: NodeRow,
  parentCode: string | null,
  children: readonly { code: string; level: Level; name: string }[],
  totals: Totals,
  settings: OrgSettings,
): NodeAnswer => ({
  code: node.code,
  level: node.level,
  name: node.name,
  parentCode,
  children: children.map(({ code, level, name }) => ({ code, level, name })),
  totals,
  settings,
});

export const presentInvitation = (
  id: string,
  person: { email: string; name: string },
  node: NodeRow,
  invitedAt: string,
): InvitationAnswer['invitation'] => ({
  id,
  email: person.email,
  name: person.name,
  node: node.code,
  status: 'pending',
  invitedAt,
});

/** An access review's entries, each grant with what it lets its holder approve. */
export function presentAccessReview(
  grants: readonly AccessGrantRow[],
  named: ReadonlyMap<string, { controller: number; sponsor: number }>,
  people: People,
): AccessReviewEntry[] {
  return grants.map((g) => ({
    user: { id: g.user_id, name: g.name },
    email: g.email,
    active: !!g.active,
    role: g.role,
    node: g.node,
    since: g.granted_at,
    grantedBy: person(people, g.granted_by),
    namedOn: named.get(g.user_id) ?? { controller: 0, sponsor: 0 },
    mayApprove: [...APPROVES[g.role]],
  }));
}

/**
 * A past date's access review, from the grants the trail replays (replayAccess): whom it names as
 * they are now named, as active as they were then.
 */
export function presentPastAccess(
  held: readonly HeldGrant[],
  inactive: ReadonlySet<string>,
  users: ReadonlyMap<string, { name: string; email: string | null }>,
  people: People,
): AccessReviewEntry[] {
  return held
    .map((g) => ({
      user: { id: g.userId, name: users.get(g.userId)?.name ?? g.userId },
      email: users.get(g.userId)?.email ?? null,
      active: !inactive.has(g.userId),
      role: g.role,
      node: g.node,
      since: g.since,
      grantedBy: person(people, g.grantedBy),
      namedOn: null,
      mayApprove: [...APPROVES[g.role]],
    }))
    .sort(
      (a, b) =>
        a.user.name.localeCompare(b.user.name) ||
        a.user.id.localeCompare(b.user.id) ||
        a.node.localeCompare(b.node) ||
        a.role.localeCompare(b.role),
    );
}

/** The same as CSV, for a spreadsheet: formulas escaped (a name like "=HYPERLINK(…)" stays text). */
export const accessReviewCsv = (entries: readonly AccessReviewEntry[]) =>
  stringify(
    entries.map((e) => [
      e.user.id,
      e.user.name,
      e.email ?? '',
      e.active ? 'yes' : 'no',
      e.role,
      e.node,
      e.since ?? '',
      e.grantedBy?.name ?? '',
      e.namedOn?.controller ?? '',
      e.namedOn?.sponsor ?? '',
      e.mayApprove.join('; '),
    ]),
    {
      header: true,
      columns: [
        'user id',
        'name',
        'e-mail',
        'active',
        'role',
        'granted on',
        'since',
        'granted by',
        'named controller of',
        'named sponsor of',
        'may approve',
      ],
      escape_formulas: true,
    },
  );
