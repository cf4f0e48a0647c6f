// How nodes, invitations and the people answers name look on the wire (shared/api/answers.ts).
import type { InvitationAnswer, NodeAnswer, Totals } from '../../../shared/api/answers.js';
import type { OrgSettings } from '../../../shared/domain/settings.js';
import type { Level } from '../../../shared/model.js';
import type { NodeRow, People } from './store.js';

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
