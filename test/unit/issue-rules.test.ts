import { describe, expect, it } from 'vitest';
import { decide, decideClaim, type IssueState, type IssueStatus } from '../../src/domain/issue-rules.js';
import { PERMISSIONS, type IssueAction } from '../../src/domain/permissions.js';

const now = new Date('2026-11-23T12:00:00Z');
const issue = (over: Partial<IssueState> = {}): IssueState => ({
  key: 'ESC-7', status: 'claimed', claimerId: 'U0CLAIMER', agentId: 'U0AGENT', channel: 'C0TEAM', owners: ['U0OWNER', 'U0CLAIMER'], resolvedAt: null, ...over,
});

/** Each kind of person, as the rules see them. */
const people = {
  owner: { userId: 'U0OWNER', isOwner: true },
  claimer: { userId: 'U0CLAIMER', isOwner: false },
  agent: { userId: 'U0AGENT', isOwner: false },
  member: { userId: 'U0MEMBER', isOwner: false, inChannel: true },
  stranger: { userId: 'U0STRANGER', isOwner: false },
};

/** The state each action needs, so that only the permission decides. */
const stateFor: Record<IssueAction, IssueStatus> = {
  claim: 'open', unclaim: 'claimed', resolve: 'claimed', wait: 'claimed', resume: 'waiting', reroute: 'claimed', reopen: 'resolved', show: 'claimed',
};

// The README's table, row by row: who may do what.
const expected: Record<IssueAction, Array<keyof typeof people>> = {
  claim: ['owner'],
  unclaim: ['owner', 'claimer'],
  resolve: ['owner', 'claimer'],
  wait: ['owner', 'claimer'],
  resume: ['owner', 'claimer', 'agent'],
  reroute: ['owner', 'claimer'],
  reopen: ['agent'],
  show: ['agent', 'member'],
};

describe('the permission table', () => {
  it('lists every action', () => {
    expect(Object.keys(PERMISSIONS).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [action, allowed] of Object.entries(expected) as Array<[IssueAction, string[]]>) {
    for (const [who, actor] of Object.entries(people)) {
      const may = allowed.includes(who);
      it(`${action}: ${who} ${may ? 'may' : 'may not'}`, () => {
        const state = issue({ status: stateFor[action], claimerId: action === 'claim' ? null : 'U0CLAIMER', resolvedAt: action === 'reopen' ? now : null });
        const decision = decide(action, state, actor, now);
        expect(decision.ok).toBe(may);
        if (!may) expect(decision).toMatchObject({ code: 'not_permitted', message: expect.stringMatching(/^Only .* may .* ESC-7\.$/) });
      });
    }
  }

  it('names who may, in the refusal', () => {
    const open = issue({ status: 'open', claimerId: null });
    expect(decide('claim', open, people.stranger, now)).toMatchObject({ message: "Only the team's owners (<@U0OWNER>, <@U0CLAIMER>) may claim ESC-7." });
    expect(decide('resolve', issue(), people.stranger, now)).toMatchObject({ message: "Only its claimer <@U0CLAIMER> or the team's owners (<@U0OWNER>, <@U0CLAIMER>) may resolve ESC-7." });
    expect(decide('reopen', issue({ status: 'resolved', resolvedAt: now }), people.owner, now)).toMatchObject({ message: 'Only the agent who escalated it (<@U0AGENT>) may reopen ESC-7.' });
    expect(decide('show', issue(), people.stranger, now)).toMatchObject({ message: 'Only members of <#C0TEAM> or the agent who escalated it (<@U0AGENT>) may see ESC-7.' });
    expect(decide('claim', issue({ status: 'open', claimerId: null, owners: ['S0TRIAGE'] }), people.stranger, now)).toMatchObject({ message: "Only the team's owners (<!subteam^S0TRIAGE>) may claim ESC-7." });
  });
});

describe('what each state allows', () => {
  it.each([
    ['claim', 'claimed', 'already_claimed', 'ESC-7 is already claimed by <@U0CLAIMER>.'],
    ['claim', 'resolved', 'already_resolved', 'ESC-7 is already resolved.'],
    ['unclaim', 'open', 'wrong_state', 'ESC-7 is not claimed.'],
    ['wait', 'open', 'wrong_state', 'ESC-7 must be claimed before it can wait on the customer.'],
    ['wait', 'waiting', 'wrong_state', 'ESC-7 is already waiting on the customer.'],
    ['resume', 'claimed', 'wrong_state', 'ESC-7 is not waiting on the customer.'],
    ['reroute', 'waiting', 'wrong_state', 'ESC-7 is waiting on the customer; resume it before rerouting.'],
    ['resolve', 'resolved', 'already_resolved', 'ESC-7 is already resolved.'],
    ['reopen', 'claimed', 'wrong_state', 'ESC-7 is not resolved, so there is nothing to reopen.'],
  ] as const)('%s when %s: %s', (action, status, code, message) => {
    const claimerId = status === 'open' ? null : 'U0CLAIMER';
    expect(decide(action, issue({ status, claimerId }), people.owner, now)).toEqual({ ok: false, code, message });
  });

  it('lets the agent reopen for 7 days after resolution, and not after', () => {
    const resolved = (daysAgo: number) => issue({ status: 'resolved', resolvedAt: new Date(now.getTime() - daysAgo * 86_400_000) });
    expect(decide('reopen', resolved(6.9), people.agent, now).ok).toBe(true);
    expect(decide('reopen', resolved(7.1), people.agent, now)).toEqual({
      ok: false, code: 'expired', message: 'ESC-7 was resolved more than 7 days ago. Please escalate it again with /escalate.',
    });
  });

  it('treats a second claim by the claimer as no change', () => {
    expect(decideClaim(issue(), people.claimer, now)).toEqual({ ok: true, alreadyYours: true });
    expect(decideClaim(issue({ status: 'open', claimerId: null }), people.owner, now)).toEqual({ ok: true, alreadyYours: false });
  });
});
