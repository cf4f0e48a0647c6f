import { describe, expect, it } from 'vitest';
import {
  type Actor,
  activityBlock,
  ancestorPath,
  actsAsNamed,
  canSee,
  changeApprover,
  isAdmin,
  mayActOnException,
  mayAdministerUser,
  mayChangeSettings,
  mayCreateNode,
  mayDecideChange,
  mayDescribeMeasure,
  mayHold,
  mayImportActuals,
  mayRequestGate,
  mayEditPlan,
  mayEnterActuals,
  reassignBlock,
  reassigneeBlock,
  rolesAt,
  segregationViolation,
  seesWithin,
  standingApprover,
  visiblePrefixes,
} from '../../shared/domain/access.js';

const actor = (grants: [string, string][], userId = 'u1'): Actor => ({
  userId,
  superAdmin: false,
  grants: grants.map(([nodePath, role]) => ({ nodePath, role: role as never })),
});
const people = { ownerId: 'owner', sponsorId: 'sponsor', controllerId: 'ctl' };

describe('roles hold for the whole subtree', () => {
  it('a role granted on a node holds below it, not above or beside', () => {
    const a = actor([['/1/2/', 'planner']]);
    expect(rolesAt(a, '/1/2/3/4/').has('planner')).toBe(true);
    expect(rolesAt(a, '/1/').has('planner')).toBe(false);
    expect(rolesAt(a, '/1/5/').has('planner')).toBe(false);
    // "/1/2/" must not match "/1/20/": paths end with a slash.
    expect(rolesAt(a, '/1/20/').size).toBe(0);
  });
  it('a user sees nothing outside the subtrees they hold a role on', () => {
    const a = actor([['/1/2/', 'viewer']]);
    expect(canSee(a, '/1/2/9/')).toBe(true);
    expect(canSee(a, '/1/3/')).toBe(false);
    expect(canSee(a, '/1/')).toBe(false);
    expect(seesWithin(a, '/1/')).toBe(true); // may ask for the organization, sees only their part
    expect(visiblePrefixes(a, '/1/')).toEqual(['/1/2/']);
    expect(visiblePrefixes(a, '/7/')).toEqual([]);
  });
});

describe('segregation of duties', () => {
  it('owner, sponsor and controller are three different people', () => {
    expect(segregationViolation({ ownerId: 'a', sponsorId: 'b', controllerId: 'a' })).toMatch(
      /owner.*controller/,
    );
    expect(segregationViolation({ ownerId: 'a', sponsorId: 'a', controllerId: 'c' })).toMatch(
      /owner.*sponsor/,
    );
    expect(segregationViolation({ ownerId: 'a', sponsorId: 'b', controllerId: 'b' })).toMatch(
      /sponsor.*controller/,
    );
    expect(segregationViolation({ ownerId: 'a', sponsorId: 'b', controllerId: 'c' })).toBeNull();
  });
  it('the sponsor never enters actuals either', () => {
    expect(mayEnterActuals(actor([['/1/', 'controller']], 'sponsor'), '/1/2/', people)).toBe(false);
  });
  it('a change request is decided by the named controller, never its requester', () => {
    const m = { path: '/1/2/', controllerId: 'ctl' };
    const ctl = actor([['/1/', 'controller']], 'ctl');
    expect(mayDecideChange(ctl, { requestedBy: 'p' }, m)).toBe(true);
    expect(mayDecideChange(ctl, { requestedBy: 'ctl' }, m)).toBe(false);
    expect(mayDecideChange(actor([['/1/', 'controller']], 'c2'), { requestedBy: 'p' }, m)).toBe(
      false,
    );
  });
  it('being named is not the right: the named controller or sponsor who lost the role decides nothing', () => {
    const m = { path: '/1/2/', controllerId: 'ctl' };
    expect(mayDecideChange(actor([['/1/', 'viewer']], 'ctl'), { requestedBy: 'p' }, m)).toBe(false);
    expect(mayDecideChange(actor([['/3/', 'controller']], 'ctl'), { requestedBy: 'p' }, m)).toBe(
      false,
    );
    expect(mayEnterActuals(actor([['/1/', 'viewer']], 'ctl'), '/1/2/', people)).toBe(false);
    expect(mayHold(actor([['/1/', 'viewer']], 'sponsor'), '/1/2/', people)).toBe(false);
    expect(mayHold(actor([['/1/', 'sponsor']], 'sponsor'), '/1/2/', people)).toBe(true);
    expect(actsAsNamed(actor([['/1/', 'controller']], 'ctl'), '/1/2/', null, 'controller')).toBe(
      false,
    );
  });
  it('a request waits on its named approver while they hold the role; else on steering, saying who was named', () => {
    const grants = new Map([['ctl', [{ nodePath: '/1/', role: 'controller' as const }]]]);
    const of = (id: string) => grants.get(id) ?? [];
    expect(standingApprover({ role: 'controller', userId: 'ctl' }, '/1/2/', of)).toEqual({
      role: 'controller',
      userId: 'ctl',
      formerly: null,
    });
    expect(standingApprover({ role: 'controller', userId: 'ctl' }, '/3/', of)).toEqual({
      role: 'controller',
      userId: null,
      formerly: 'ctl',
    });
    expect(standingApprover({ role: 'sponsor_or_steering', userId: 'sp' }, '/1/2/', of)).toEqual({
      role: 'sponsor_or_steering',
      userId: null,
      formerly: 'sp',
    });
    expect(standingApprover({ role: 'steering', userId: null }, '/1/2/', of)).toEqual({
      role: 'steering',
      userId: null,
      formerly: null,
    });
  });
  it('nobody deactivates themselves; an admin administers only people all of whose organizations they administer', () => {
    expect(activityBlock(actor([['/1/', 'admin']], 'a'), 'a')).toMatch(/themselves/);
    expect(activityBlock(actor([['/1/', 'admin']], 'a'), 'b')).toBeNull();
    expect(mayAdministerUser(actor([['/1/', 'admin']], 'a'), ['/1/'])).toBe(true);
    expect(mayAdministerUser(actor([['/1/', 'admin']], 'a'), ['/1/', '/2/'])).toBe(false);
    expect(mayAdministerUser(actor([['/1/', 'admin']], 'a'), [])).toBe(false);
  });
  it('sponsor and controller are renamed by an admin or steering member, never the owner or a requester', () => {
    expect(reassignBlock(actor([['/1/', 'admin']], 'owner'), '/1/2/', people, [])).toMatch(/owner/);
    expect(reassignBlock(actor([['/1/', 'steering']], 'p'), '/1/2/', people, ['p'])).toMatch(
      /waiting/,
    );
    expect(reassignBlock(actor([['/1/', 'planner']], 'p'), '/1/2/', people, [])).toMatch(
      /admin or a steering/,
    );
    expect(reassignBlock(actor([['/1/', 'steering']], 's'), '/1/2/', people, ['p'])).toBeNull();
    expect(reassignBlock(actor([['/1/', 'admin']], 'a'), '/1/2/', people, [])).toBeNull();
    expect(reassigneeBlock('p', ['p'])).toMatch(/waiting/);
    expect(reassigneeBlock('q', ['p'])).toBeNull();
  });
  it('the owner never enters actuals, even holding a controller role', () => {
    expect(mayEnterActuals(actor([['/1/', 'controller']], 'owner'), '/1/2/', people)).toBe(false);
    expect(mayEnterActuals(actor([['/1/', 'controller']], 'x'), '/1/2/', people)).toBe(true);
    expect(mayEnterActuals(actor([['/1/', 'planner']], 'x'), '/1/2/', people)).toBe(false);
  });
  it('the plan is edited by a planner on the subtree, the owner only while holding that role', () => {
    expect(mayEditPlan(actor([['/1/', 'planner']], 'owner'), '/1/2/', people)).toBe(true);
    expect(mayEditPlan(actor([], 'owner'), '/1/2/', people)).toBe(false);
    expect(mayEditPlan(actor([['/1/', 'planner']]), '/1/2/', people)).toBe(true);
    expect(
      mayEditPlan(
        actor([
          ['/1/', 'viewer'],
          ['/1/', 'controller'],
        ]),
        '/1/2/',
        people,
      ),
    ).toBe(false);
  });
  it('the named controller never edits the plan, whatever roles they hold', () => {
    expect(
      mayEditPlan(
        actor(
          [
            ['/1/', 'planner'],
            ['/1/', 'controller'],
          ],
          'ctl',
        ),
        '/1/2/',
        people,
      ),
    ).toBe(false);
  });
});

describe('the other policies, one function each', () => {
  it('admin acts: any admin grant, or the service admin', () => {
    expect(isAdmin(actor([['/1/', 'admin']]))).toBe(true);
    expect(isAdmin({ userId: 'admin', superAdmin: true, grants: [] })).toBe(true);
    expect(isAdmin(actor([['/1/', 'controller']]))).toBe(false);
  });
  it('nodes: an admin of the parent; organizations: the service administrator only', () => {
    const orgAdmin = actor([['/1/', 'admin']]);
    expect(mayCreateNode(orgAdmin, '/1/2/')).toBe(true);
    expect(mayCreateNode(orgAdmin, '/7/')).toBe(false);
    expect(mayCreateNode(orgAdmin, null)).toBe(false);
    expect(mayCreateNode({ userId: 'admin', superAdmin: true, grants: [] }, null)).toBe(true);
  });
  it('imports: controllers; settings: admins and controllers of the organization', () => {
    expect(mayImportActuals(actor([['/1/', 'controller']]))).toBe(true);
    expect(mayImportActuals(actor([['/1/', 'planner']]))).toBe(false);
    expect(mayChangeSettings(actor([['/1/', 'controller']]), '/1/')).toBe(true);
    expect(mayChangeSettings(actor([['/1/2/', 'admin']]), '/1/')).toBe(false);
  });
  it("exceptions: their owner, the measure's people, steering or an admin of the subtree", () => {
    expect(mayActOnException(actor([], 'x'), '/1/2/', 'x', people)).toBe(true);
    expect(mayActOnException(actor([], 'ctl'), '/1/2/', 'x', people)).toBe(true);
    expect(mayActOnException(actor([['/1/', 'steering']], 'st'), '/1/2/', 'x', people)).toBe(true);
    expect(mayActOnException(actor([['/1/', 'planner']], 'p'), '/1/2/', 'x', people)).toBe(false);
  });
  it('the owner describes the measure and requests gates; sponsor or steering hold it; the controller decides changes', () => {
    expect(mayDescribeMeasure(actor([], 'owner'), people)).toBe(true);
    expect(mayDescribeMeasure(actor([['/1/', 'planner']], 'p'), people)).toBe(false);
    expect(mayRequestGate(actor([], 'owner'), people)).toBe(true);
    expect(mayRequestGate(actor([], 'sponsor'), people)).toBe(false);
    expect(mayHold(actor([['/1/', 'sponsor']], 'sponsor'), '/1/2/', people)).toBe(true);
    expect(mayHold(actor([['/1/', 'steering']], 'st'), '/1/2/', people)).toBe(true);
    expect(mayHold(actor([], 'owner'), '/1/2/', people)).toBe(false);
    expect(changeApprover(people)).toEqual({ role: 'controller', userId: 'ctl' });
  });
});

describe('ancestorPath', () => {
  it('is the path of the node above (or itself) at a level; null above that level', () => {
    expect(ancestorPath('/1/2/3/4/5/6/', 'program')).toBe('/1/2/3/');
    expect(ancestorPath('/1/2/3/', 'program')).toBe('/1/2/3/');
    expect(ancestorPath('/1/2/', 'program')).toBeNull();
    expect(ancestorPath('/1/2/', 'organization')).toBe('/1/');
  });
});
