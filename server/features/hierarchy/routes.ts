// Organizations down to packages, users, role grants and organization settings.
import { randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import {
  AccessReviewQuery,
  CreateNode,
  CreateUser,
  GrantRole,
  PatchSettings,
  PatchUser,
  RevokeRole,
} from '../../../shared/api/schemas.js';
import {
  type Actor,
  activityBlock,
  canSee,
  hasRole,
  isAdmin,
  mayAdministerUser,
  mayChangeSettings,
  mayCreateNode,
  mayReviewAccess,
  selfGrantBlock,
  visiblePrefixes,
} from '../../../shared/domain/access.js';
import {
  OrgSettingsSchema,
  sameSettings,
  settingsProblem,
} from '../../../shared/domain/settings.js';
import { replayAccess } from '../../../shared/domain/access-history.js';
import { minorDigits } from '../../../shared/money.js';
import { LEVELS } from '../../../shared/model.js';
import { hashToken, newToken, tokenExpiry } from '../../http/auth.js';
import { documented } from '../../http/openapi.js';
import {
  AccessReviewAnswer,
  MeAnswer,
  UserCreatedAnswer,
  InvitationAnswer,
  InvitationAcceptedAnswer,
  RoleGrantedAnswer,
  RoleRevokedAnswer,
  TokenAnswer,
  UserAnswer,
  NodeCreatedAnswer,
  NodeAnswer,
  SettingsAnswer,
} from '../../../shared/api/answers.js';
import type { AppEnv, Deps } from '../../http/env.js';
import { conflict, forbidden, notFound, unprocessable } from '../../http/errors.js';
import { validate } from '../../http/validate.js';
import { type Write, write } from '../../http/write.js';
import { markMeasuresNaming } from '../measures/store.js';
import { scopeTotals } from '../reporting/scope.js';
import {
  accessReviewCsv,
  presentAccessReview,
  presentInvitation,
  presentNode,
  presentPastAccess,
} from './present.js';
import {
  accessEventsUpTo,
  acceptInvitation,
  assertCodeFree,
  childrenOf,
  emailIsMemberOf,
  emailTaken,
  grant,
  grantsHoldingIn,
  grantsOf,
  holdsAmounts,
  insertInvitation,
  insertNode,
  insertUser,
  invitationOf,
  invitationsFor,
  memberOf,
  namedCountsUnder,
  nodeByCode,
  nodeByPath,
  nodeCodeById,
  orgSettings,
  orgPathsOfUser,
  peopleById,
  pendingInvitation,
  replaceToken,
  revokeGrant,
  saveSettings,
  setUserActive,
  userById,
  userForAdmin,
  usersByIds,
  visibleNode,
} from './store.js';

/** A user the actor administers (mayAdministerUser); anyone else is answered as unknown. */
async function administeredUser(w: Write, actor: Actor, id: string) {
  const user = await userForAdmin(w.tx, id);
  if (!user || !mayAdministerUser(actor, await orgPathsOfUser(w.tx, id)))
    throw notFound(`User ${id}`);
  return user;
}

export const hierarchyRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .get(
      '/me',
      documented({
        tag: 'Hierarchy',
        summary: 'Who the token belongs to: grants and pending invitations',
        answers: { 200: MeAnswer },
      }),
      async (c) => {
        const actor = c.get('actor');
        const user = actor.superAdmin
          ? { id: actor.userId, name: 'Administrator (service token)', email: null }
          : (await userById(deps.db.read, actor.userId))!;
        const [grants, invitations] = await Promise.all([
          grantsOf(deps.db.read, actor.userId),
          actor.superAdmin ? [] : invitationsFor(deps.db.read, actor.userId),
        ]);
        return c.json({ user, superAdmin: actor.superAdmin, grants, invitations }, 200);
      },
    )

    .post(
      '/users',
      documented({
        tag: 'Hierarchy',
        summary:
          'Create a user (service admin: answers the token once) or invite a person (organization admin)',
        answers: { 201: UserCreatedAnswer, 202: InvitationAnswer },
      }),
      validate('json', CreateUser),
      async (c) => {
        const actor = c.get('actor');
        if (!isAdmin(actor)) throw forbidden('Only an admin creates users.');
        const body = c.req.valid('json');
        // An organization admin invites: the answer is the same whether or not the person has an
        // account elsewhere, and no admin ever holds another person's token.
        if (!actor.superAdmin)
          return c.json({ invitation: await invite(deps, c, actor, body) }, 202);
        const id = `u_${randomUUID().slice(0, 12)}`;
        const token = newToken();
        await write(deps, c, async (w) => {
          if (await emailTaken(w.tx, body.email))
            throw conflict('DUPLICATE_EMAIL', `A user with e-mail ${body.email} exists.`);
          await insertUser(
            w.tx,
            { id, name: body.name, email: body.email },
            hashToken(token),
            w.at,
          );
          w.audit({
            action: 'user.created',
            nodeId: null,
            subject: id,
            after: { name: body.name, email: body.email },
          });
        });
        return c.json({ id, name: body.name, email: body.email, token }, 201);
      },
    )

    .post(
      '/invitations/:id/accept',
      documented({
        tag: 'Hierarchy',
        summary: 'Accept an invitation: a viewer of its node',
        answers: { 200: InvitationAcceptedAnswer },
      }),
      async (c) => {
        const actor = c.get('actor');
        const id = c.req.param('id');
        const found = await write(deps, c, async (w) => {
          const inv = await invitationOf(w.tx, id, actor.userId);
          if (!inv) throw notFound(`Invitation ${id}`);
          if (inv.status !== 'pending')
            throw conflict('NOT_PENDING', `This invitation is already ${inv.status}.`);
          await acceptInvitation(w.tx, id, actor.userId, w.at);
          const added = await grant(w.tx, actor.userId, inv.node_id, 'viewer', w.grantor);
          w.audit({
            action: 'invitation.accepted',
            nodeId: inv.node_id,
            subject: id,
            after: { userId: actor.userId },
          });
          if (added)
            w.audit({
              action: 'role.granted',
              nodeId: inv.node_id,
              subject: actor.userId,
              after: { role: 'viewer', invitation: id },
            });
          return inv;
        });
        return c.json({ id, node: found.code, role: 'viewer', status: 'accepted' }, 200);
      },
    )

    .post(
      '/nodes/:code/roles',
      documented({
        tag: 'Hierarchy',
        summary: 'Grant a role on a node',
        answers: { 201: RoleGrantedAnswer },
      }),
      validate('json', GrantRole),
      async (c) => {
        const actor = c.get('actor');
        const node = await visibleNode(deps.db.client, actor, c.req.param('code'));
        if (!hasRole(actor, node.path, 'admin'))
          throw forbidden('Only an admin of this subtree grants roles.');
        const { userId, role } = c.req.valid('json');
        const selfGrant = selfGrantBlock(actor, userId, role);
        if (selfGrant) throw forbidden(selfGrant);
        await write(deps, c, async (w) => {
          // An organization admin grants roles to members of their organization only: anyone else is
          // answered as unknown (they are added by invitation, which they accept themselves).
          const known = actor.superAdmin
            ? !!(await userById(w.tx, userId))
            : await memberOf(w.tx, userId, node.org_id);
          if (!known) throw notFound(`User ${userId}`);
          if (await grant(w.tx, userId, node.id, role, w.grantor))
            w.audit({ action: 'role.granted', nodeId: node.id, subject: userId, after: { role } });
        });
        return c.json({ userId, node: node.code, role }, 201);
      },
    )

    .delete(
      '/nodes/:code/roles',
      documented({
        tag: 'Hierarchy',
        summary: 'Revoke a role on a node (refused from the next request on)',
        answers: { 200: RoleRevokedAnswer },
      }),
      validate('json', RevokeRole),
      async (c) => {
        const actor = c.get('actor');
        const node = await visibleNode(deps.db.client, actor, c.req.param('code'));
        if (!hasRole(actor, node.path, 'admin'))
          throw forbidden('Only an admin of this subtree revokes roles.');
        const { userId, role, reason } = c.req.valid('json');
        await write(deps, c, async (w) => {
          if (!(await revokeGrant(w.tx, userId, node.id, role)))
            throw notFound(`A ${role} grant of ${userId} on ${node.code}`);
          await markMeasuresNaming(w.tx, userId, await w.revision());
          w.audit({
            action: 'role.revoked',
            nodeId: node.id,
            subject: userId,
            before: { role },
            after: { reason },
          });
        });
        return c.json({ userId, node: node.code, role }, 200);
      },
    )

    .get(
      '/access-review',
      documented({
        tag: 'Hierarchy',
        summary:
          'Who holds which role in a scope, since when, granted by whom, and what it lets them approve',
        answers: { 200: AccessReviewAnswer },
        alsoAs: { 'text/csv': 'The same entries as CSV, one grant a line (Accept: text/csv).' },
      }),
      validate('query', AccessReviewQuery),
      async (c) => {
        const actor = c.get('actor');
        const x = deps.db.read;
        const q = c.req.valid('query');
        const node = await visibleNode(x, actor, q.scope);
        if (!mayReviewAccess(actor, node.path))
          throw forbidden('An access review is for the admins and controllers of the scope.');
        // A past date: the end of that day, replayed from the trail (the grants table is only now).
        const at = q.at ? `${q.at}T23:59:59.999Z` : deps.now().toISOString();
        let entries;
        if (q.at) {
          const { grants, inactive } = replayAccess(await accessEventsUpTo(x, node.path, at));
          const [users, people] = await Promise.all([
            usersByIds(
              x,
              grants.map((g) => g.userId),
            ),
            peopleById(
              x,
              grants.map((g) => g.grantedBy),
            ),
          ]);
          entries = presentPastAccess(
            grants,
            inactive,
            new Map(users.map((u) => [u.id, u])),
            people,
          );
        } else {
          const [grants, named] = await Promise.all([
            grantsHoldingIn(x, node.path),
            namedCountsUnder(x, node.path),
          ]);
          entries = presentAccessReview(
            grants,
            named,
            await peopleById(
              x,
              grants.map((g) => g.granted_by),
            ),
          );
        }
        if (/\btext\/csv\b/.test(c.req.header('accept') ?? ''))
          return c.body(accessReviewCsv(entries), 200, {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="access-review-${node.code}.csv"`,
          });
        return c.json({ scope: node.code, at, entries }, 200);
      },
    )

    .patch(
      '/users/:id',
      documented({
        tag: 'Hierarchy',
        summary: 'Deactivate a user (every token refused at once) or reactivate them',
        answers: { 200: UserAnswer },
      }),
      validate('json', PatchUser),
      async (c) => {
        const actor = c.get('actor');
        const id = c.req.param('id');
        const { active, reason } = c.req.valid('json');
        const self = activityBlock(actor, id);
        if (self) throw forbidden(self);
        const user = await write(deps, c, async (w) => {
          const user = await administeredUser(w, actor, id);
          if (!!user.active !== active) {
            await setUserActive(w.tx, id, active);
            await markMeasuresNaming(w.tx, id, await w.revision());
            w.audit({
              action: active ? 'user.reactivated' : 'user.deactivated',
              nodeId: null,
              subject: id,
              after: { reason },
            });
          }
          return user;
        });
        return c.json({ id, name: user.name, email: user.email, active }, 200);
      },
    )

    .post(
      '/users/:id/token',
      documented({
        tag: 'Hierarchy',
        summary: 'Issue a user a new token (the one it replaces is refused at once)',
        answers: { 200: TokenAnswer },
      }),
      async (c) => {
        const actor = c.get('actor');
        const id = c.req.param('id');
        const token = newToken();
        const at = await write(deps, c, async (w) => {
          // People rotate their own token (one they fear was seen); their admins rotate anyone's.
          // The service token is nobody's: it has no user to rotate (404, as any unknown id).
          if (id !== actor.userId) await administeredUser(w, actor, id);
          else if (!(await userForAdmin(w.tx, id))) throw notFound(`User ${id}`);
          await replaceToken(w.tx, id, hashToken(token), w.at);
          w.audit({ action: 'user.token_rotated', nodeId: null, subject: id });
          return w.at;
        });
        return c.json({ id, token, expiresAt: tokenExpiry(at, deps) }, 200);
      },
    )

    .post(
      '/nodes',
      documented({
        tag: 'Hierarchy',
        summary: 'Create a node (an organization: service admin only)',
        answers: { 201: NodeCreatedAnswer },
      }),
      validate('json', CreateNode),
      async (c) => {
        const actor = c.get('actor');
        const body = c.req.valid('json');
        await write(deps, c, async (w) => {
          // Permission first: whether a code is taken is nobody's business who may not create here.
          let parent = null;
          if (body.parentCode !== null) {
            parent = await nodeByCode(w.tx, body.parentCode);
            if (!parent || !canSee(actor, parent.path)) throw notFound(`Node ${body.parentCode}`);
          }
          if (!mayCreateNode(actor, parent?.path ?? null))
            throw forbidden(
              parent
                ? 'Only an admin of the parent creates nodes under it.'
                : 'Only the service administrator creates organizations.',
            );
          await assertCodeFree(w.tx, body.code);
          const expected = parent ? LEVELS[LEVELS.indexOf(parent.level) + 1] : 'organization';
          if (body.level !== expected)
            throw unprocessable(
              'INVALID_PARENT',
              parent
                ? `A ${body.level} cannot sit under the ${parent.level} ${parent.code}: a node's parent is exactly one level up (here: ${expected}).`
                : 'Only an organization has no parent.',
            );
          const id = await insertNode(w.tx, body, parent, w.at);
          w.audit({ action: 'node.created', nodeId: id, subject: body.code, after: body });
        });
        return c.json(
          { code: body.code, level: body.level, name: body.name, parentCode: body.parentCode },
          201,
        );
      },
    )

    .get(
      '/nodes/:code',
      documented({
        tag: 'Hierarchy',
        summary: 'A node: children, totals and its organization’s settings',
        answers: { 200: NodeAnswer },
      }),
      async (c) => {
        const actor = c.get('actor');
        const node = await visibleNode(deps.db.read, actor, c.req.param('code'));
        const [parentCode, children] = await Promise.all([
          node.parent_id ? nodeCodeById(deps.db.read, node.parent_id) : null,
          childrenOf(deps.db.read, node.id),
        ]);
        // The organization's settings: the pane takes the currency's digits and the tolerance from here.
        const settings = await orgSettings(deps.db.read, node.org_id);
        const totals = await scopeTotals(
          deps.db.read,
          visiblePrefixes(actor, node.path),
          settings,
          deps.now(),
        );
        return c.json(
          presentNode(
            node,
            parentCode,
            children.filter((ch) => visiblePrefixes(actor, ch.path).length),
            totals,
            settings,
          ),
          200,
        );
      },
    )

    .patch(
      '/nodes/:code/settings',
      documented({
        tag: 'Hierarchy',
        summary: 'Change an organization’s settings',
        answers: { 200: SettingsAnswer },
      }),
      validate('json', PatchSettings),
      async (c) => {
        const actor = c.get('actor');
        const node = await visibleNode(deps.db.client, actor, c.req.param('code'));
        if (node.level !== 'organization')
          throw unprocessable(
            'NOT_AN_ORGANIZATION',
            `${node.code} is a ${node.level}: settings belong to organizations.`,
          );
        if (!mayChangeSettings(actor, node.path))
          throw forbidden(
            'Only an admin or a controller of the organization changes its settings.',
          );
        const settings = await write(deps, c, async (w) => {
          const before = await orgSettings(w.tx, node.id);
          const after = OrgSettingsSchema.parse({ ...before, ...c.req.valid('json') });
          if (sameSettings(before, after)) return before;
          const amountsHeld =
            after.currency !== before.currency && (await holdsAmounts(w.tx, node.id));
          const problem = settingsProblem(before, after, minorDigits(after.currency), amountsHeld);
          if (problem) throw unprocessable(problem.code, problem.message);
          await saveSettings(w.tx, node.id, after);
          await w.revision();
          const changed = (Object.keys(after) as (keyof typeof after)[]).filter(
            (k) => after[k] !== before[k],
          );
          w.audit({
            action: 'settings.changed',
            nodeId: node.id,
            subject: node.code,
            before: Object.fromEntries(changed.map((k) => [k, before[k]])),
            after: Object.fromEntries(changed.map((k) => [k, after[k]])),
          });
          return after;
        });
        return c.json({ code: node.code, settings }, 200);
      },
    );

/**
 * An organization admin's invitation of a person by e-mail to a node they administer. A person
 * who already holds a role in that organization is the admin's to see (409); anyone else —
 * unknown, or known only elsewhere — gets the same pending invitation, which they accept
 * themselves (POST /invitations/{id}/accept) to become a viewer there.
 */
async function invite(
  deps: Deps,
  c: Context<AppEnv>,
  actor: Actor,
  body: { name: string; email: string; node?: string | undefined },
) {
  const administered = actor.grants.filter((g) => g.role === 'admin').map((g) => g.nodePath);
  const node = body.node
    ? await visibleNode(deps.db.client, actor, body.node)
    : administered.length === 1
      ? await nodeByPath(deps.db.client, administered[0]!)
      : undefined;
  if (!node)
    throw unprocessable(
      'NODE_REQUIRED',
      'You administer several nodes: say which one the person is invited to ("node").',
    );
  if (!hasRole(actor, node.path, 'admin'))
    throw forbidden(`Only an admin of ${node.code} invites people to it.`);
  const id = `inv_${randomUUID()}`;
  return write(deps, c, async (w) => {
    if (await emailIsMemberOf(w.tx, body.email, node.org_id))
      throw conflict(
        'DUPLICATE_EMAIL',
        `${body.email} is already a member of this organization: grant them a role.`,
      );
    const pending = await pendingInvitation(w.tx, node.id, body.email);
    if (pending) return presentInvitation(pending.id, body, node, pending.invited_at);
    await insertInvitation(w.tx, id, node.id, body, actor.userId, w.at);
    w.audit({
      action: 'invitation.created',
      nodeId: node.id,
      subject: id,
      after: { email: body.email, name: body.name },
    });
    return presentInvitation(id, body, node, w.at);
  });
}
