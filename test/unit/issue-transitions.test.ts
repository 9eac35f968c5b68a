import { describe, expect, it } from 'vitest';
import { allowedActions, cardActions } from '../../src/domain/issue/allowed.js';
import type { Outcome } from '../../src/domain/issue/change.js';
import type { Issue, IssueStatus } from '../../src/domain/issue/issue.js';
import { refusalFor, type Actor } from '../../src/domain/issue/rules.js';
import { claim, reopen, reroute, resolve, resume, unclaim, wait } from '../../src/domain/issue/transitions.js';
import { accepted, actor, filedIssue, strayFields } from '../support/issues.js';
import { EXAMPLE_ROUTING, matrixFrom } from '../support/harness.js';

const matrix = matrixFrom(EXAMPLE_ROUTING);
const at = (hhmm: string) => new Date(`2026-11-23T${hhmm}:00Z`); // a Monday; London is on UTC in November
const min = 60_000;

// One issue in each status, built by the transitions themselves. The claimer was an owner when claiming.
const unclaimed = filedIssue(matrix, at('10:00'));
const claimed = accepted(claim(unclaimed, actor('U0CLAIMER', true), at('10:10'), 'button')).issue;
const waiting = accepted(wait(claimed, actor('U0CLAIMER'), at('10:20'), 'Which order?')).issue;
const resolved = accepted(resolve(claimed, actor('U0CLAIMER'), at('10:30'), 'Refunded.')).issue;
const issues: Record<IssueStatus, Issue> = { unclaimed, claimed, waiting, resolved };

const roles = {
  owner: actor('U0OWNER', true),
  claimer: actor('U0CLAIMER'),
  agent: actor('U0AGENT'),
  member: actor('U0MEMBER', false, true),
  stranger: actor('U0STRANGER'),
} satisfies Record<string, Actor>;
type Role = keyof typeof roles;

const actions = {
  claim: (i: Issue, a: Actor, now: Date) => claim(i, a, now, 'button'),
  unclaim,
  wait: (i: Issue, a: Actor, now: Date) => wait(i, a, now, 'Which order?'),
  resume: (i: Issue, a: Actor, now: Date) => resume(i, a, now, 'button', null),
  reroute: (i: Issue, a: Actor, now: Date) => reroute(i, a, now, { name: 'delivery', team: matrix.teams.delivery }, 'It is a delivery problem'),
  resolve: (i: Issue, a: Actor, now: Date) => resolve(i, a, now, 'Refunded.'),
  reopen: (i: Issue, a: Actor, now: Date) => reopen(i, a, now, 'Still charged twice'),
} satisfies Record<string, (i: Issue, a: Actor, now: Date) => Outcome>;
type Action = keyof typeof actions;

/**
 * Every status x action x role. A status name is the status the issue moves to;
 * `same` is "allowed, nothing to change"; anything else is the refusal's code.
 * Columns: owner, claimer, agent, channel member, stranger.
 */
const expected: Record<IssueStatus, Record<Action, [string, string, string, string, string]>> = {
  unclaimed: {
    claim: ['claimed', 'not_permitted', 'not_permitted', 'not_permitted', 'not_permitted'],
    unclaim: ['wrong_state', 'wrong_state', 'wrong_state', 'wrong_state', 'wrong_state'],
    wait: ['wrong_state', 'wrong_state', 'wrong_state', 'wrong_state', 'wrong_state'],
    resume: ['wrong_state', 'wrong_state', 'wrong_state', 'wrong_state', 'wrong_state'],
    reroute: ['unclaimed', 'not_permitted', 'not_permitted', 'not_permitted', 'not_permitted'],
    resolve: ['resolved', 'not_permitted', 'not_permitted', 'not_permitted', 'not_permitted'],
    reopen: ['wrong_state', 'wrong_state', 'wrong_state', 'wrong_state', 'wrong_state'],
  },
  claimed: {
    claim: ['already_claimed', 'same', 'already_claimed', 'already_claimed', 'already_claimed'],
    unclaim: ['unclaimed', 'unclaimed', 'not_permitted', 'not_permitted', 'not_permitted'],
    wait: ['waiting', 'waiting', 'not_permitted', 'not_permitted', 'not_permitted'],
    resume: ['wrong_state', 'wrong_state', 'wrong_state', 'wrong_state', 'wrong_state'],
    reroute: ['unclaimed', 'unclaimed', 'not_permitted', 'not_permitted', 'not_permitted'],
    resolve: ['resolved', 'resolved', 'not_permitted', 'not_permitted', 'not_permitted'],
    reopen: ['wrong_state', 'wrong_state', 'wrong_state', 'wrong_state', 'wrong_state'],
  },
  waiting: {
    claim: ['already_claimed', 'same', 'already_claimed', 'already_claimed', 'already_claimed'],
    unclaim: ['unclaimed', 'unclaimed', 'not_permitted', 'not_permitted', 'not_permitted'],
    wait: ['wrong_state', 'wrong_state', 'wrong_state', 'wrong_state', 'wrong_state'],
    resume: ['claimed', 'claimed', 'claimed', 'not_permitted', 'not_permitted'],
    reroute: ['wrong_state', 'wrong_state', 'wrong_state', 'wrong_state', 'wrong_state'],
    resolve: ['resolved', 'resolved', 'not_permitted', 'not_permitted', 'not_permitted'],
    reopen: ['wrong_state', 'wrong_state', 'wrong_state', 'wrong_state', 'wrong_state'],
  },
  resolved: {
    claim: ['already_resolved', 'already_resolved', 'already_resolved', 'already_resolved', 'already_resolved'],
    unclaim: ['already_resolved', 'already_resolved', 'already_resolved', 'already_resolved', 'already_resolved'],
    wait: ['already_resolved', 'already_resolved', 'already_resolved', 'already_resolved', 'already_resolved'],
    resume: ['already_resolved', 'already_resolved', 'already_resolved', 'already_resolved', 'already_resolved'],
    reroute: ['already_resolved', 'already_resolved', 'already_resolved', 'already_resolved', 'already_resolved'],
    resolve: ['already_resolved', 'already_resolved', 'already_resolved', 'already_resolved', 'already_resolved'],
    reopen: ['not_permitted', 'not_permitted', 'claimed', 'not_permitted', 'not_permitted'],
  },
};

const ROLES = Object.keys(roles) as Role[];

describe('every status x action x role', () => {
  for (const [status, byAction] of Object.entries(expected) as Array<[IssueStatus, Record<Action, string[]>]>) {
    for (const [action, row] of Object.entries(byAction) as Array<[Action, string[]]>) {
      it.each(ROLES.map((role, i) => [role, row[i]!] as const))(`${status} + ${action} by %s: %s`, (role, result) => {
        const outcome = actions[action](issues[status], roles[role], at('11:00'));
        if (!outcome.ok) {
          expect(outcome.code).toBe(result);
          expect(outcome.message).toMatch(/ESC-7|team/);
          return;
        }
        if (result === 'same') {
          expect(outcome).toMatchObject({ changed: false, issue: issues[status], events: [], messages: [] });
          return;
        }
        expect(outcome.changed).toBe(true);
        expect(outcome.issue.status).toBe(result);
        expect(strayFields(outcome.issue)).toEqual([]);
        expect(outcome.events.length).toBeGreaterThan(0);
      });
    }
  }
});

describe('what the card offers', () => {
  it.each([
    ['unclaimed', ['claim', 'resolve', 'reroute']],
    ['claimed', ['resolve', 'wait', 'unclaim', 'reroute']],
    ['waiting', ['resume', 'resolve', 'unclaim']],
    ['resolved', []],
  ] as const)('%s: %j, the next step first', (status, offered) => {
    expect(cardActions(issues[status], at('11:00'))).toEqual(offered);
  });

  it('offers the agent a reopen for 7 days after resolving, and then nothing', () => {
    expect(allowedActions(resolved, roles.agent, new Date(at('10:30').getTime() + 6.9 * 86_400_000))).toEqual(['reopen']);
    expect(allowedActions(resolved, roles.agent, new Date(at('10:30').getTime() + 7.1 * 86_400_000))).toEqual([]);
  });

  it('offers each button exactly when its transition would act', () => {
    for (const issue of Object.values(issues)) {
      for (const [role, who] of Object.entries(roles)) {
        const offered = allowedActions(issue, who, at('11:00'));
        for (const action of Object.keys(actions) as Action[]) {
          const outcome = actions[action](issue, who, at('11:00'));
          expect(offered.includes(action), `${issue.status} ${action} by ${role}`).toBe(outcome.ok && outcome.changed);
        }
      }
    }
  });
});

describe('the clock across a pause', () => {
  // Billing medium: resolve 1d on the office calendar (09:00-17:30), filed Monday 10:00: due Tuesday 10:00.
  it('handing a waiting issue back ends the pause: the target moves by the paused time, and paused time never counts', () => {
    const handedBack = accepted(unclaim(waiting, roles.claimer, at('11:20'))).issue;
    expect(handedBack).toMatchObject({ status: 'unclaimed' });
    expect(strayFields(handedBack)).toEqual([]);
    expect(handedBack.resolve.pausedOpenMs).toBe(60 * min);
    expect(handedBack.resolve.dueAt.toISOString()).toBe('2026-11-24T11:00:00.000Z');
    expect(handedBack.pausedMs).toBe(60 * min);
    expect(handedBack.ack).toMatchObject({ startedAt: at('11:20'), nudgesSent: 0, tier: 0 });

    const again = accepted(claim(handedBack, roles.owner, at('11:30'), 'button')).issue;
    const done = accepted(resolve(again, roles.owner, at('12:30'), 'Refunded.'));
    // 10:00 to 12:30 is 150 minutes; 60 of them were spent waiting on the customer.
    expect(done.events.find((e) => e.type === 'resolved')!.details).toMatchObject({ resolveMs: 90 * min, late: false });
  });

  it('resolving a waiting issue leaves the running pause out of the time to resolve', () => {
    const done = accepted(resolve(waiting, roles.claimer, at('11:20'), 'Refunded.'));
    expect(done.events.find((e) => e.type === 'resolved')!.details).toMatchObject({ resolveMs: 20 * min });
    expect(strayFields(done.issue)).toEqual([]);
  });

  it('resuming moves the target by exactly the paused open time', () => {
    const resumed = accepted(resume(waiting, roles.agent, at('13:20'), 'agent_dm', 'She says yes')).issue;
    expect(resumed.resolve.dueAt.toISOString()).toBe('2026-11-24T13:00:00.000Z');
    expect(resumed.resolve.pausedOpenMs).toBe(180 * min);
  });

  it('a reopen starts a fresh resolution target, and times the next resolution from the reopen', () => {
    const reopened = accepted(reopen(resolved, roles.agent, at('14:00'), 'Still charged twice')).issue;
    expect(reopened).toMatchObject({ status: 'claimed', claim: { by: 'U0CLAIMER' }, reopenCount: 1 });
    expect(reopened.resolve).toMatchObject({ startedAt: at('14:00'), pausedOpenMs: 0, nudgesSent: 0, tier: 0 });
    const again = accepted(resolve(reopened, roles.claimer, at('14:45'), 'Refunded again.'));
    expect(again.events.find((e) => e.type === 'resolved')!.details).toMatchObject({ resolveMs: 45 * min });
  });
});

describe('acknowledgements', () => {
  it('records the acknowledgement time and whether it came after the target', () => {
    // Billing medium: acknowledge within 1h.
    expect(accepted(claim(unclaimed, roles.owner, at('10:40'), 'reply')).events[0]).toEqual({
      type: 'claimed', actor: 'U0OWNER', details: { via: 'reply', ackMs: 40 * min, late: false },
    });
    expect(accepted(claim(unclaimed, roles.owner, at('11:05'), 'reply')).events[0]!.details).toMatchObject({ late: true });
  });

  it('counts resolving an unclaimed issue as its acknowledgement too', () => {
    const done = accepted(resolve(unclaimed, roles.owner, at('10:30'), 'Known issue, refunded.'));
    expect(done.events.map((e) => [e.type, e.details])).toEqual([
      ['claimed', { via: 'resolve', ackMs: 30 * min, late: false }],
      ['resolved', { note: 'Known issue, refunded.', resolveMs: 30 * min, late: false, firstTime: true }],
    ]);
    expect(done.issue).toMatchObject({ claim: { by: 'U0OWNER', at: at('10:30') } });
  });
});

describe('rerouting', () => {
  it('refuses a team that does not exist, whatever its name', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'nope']) {
      const outcome = reroute(claimed, roles.owner, at('11:00'), { name, team: undefined }, 'why not');
      expect(outcome).toEqual({ ok: false, code: 'unknown_team', message: `There is no team "${name}" in the routing matrix.` });
    }
  });

  it('takes the new team, its owners and chain, and restarts acknowledgement only', () => {
    const moved = accepted(reroute(claimed, roles.claimer, at('11:00'), { name: 'delivery', team: matrix.teams.delivery }, 'Parcel'));
    expect(moved.issue).toMatchObject({ status: 'unclaimed', team: 'delivery', channel: 'C0DELIVERY', card: null, rerouteCount: 1 });
    expect(moved.issue.snapshot.team).toEqual(matrix.teams.delivery);
    expect(moved.issue.resolve).toEqual(claimed.resolve);
    expect(moved.messages[0]).toMatchObject({ kind: 'post_card', channel: 'C0DELIVERY', movedFrom: { team: 'billing', by: 'U0CLAIMER', reason: 'Parcel' } });
  });
});

describe('refusals say who may', () => {
  it('names the people, as the permission table has them', () => {
    expect(claim(unclaimed, roles.stranger, at('11:00'), 'button')).toMatchObject({ message: "Only the team's owners (<@U0ANNA>, <@U0BEN>) may claim ESC-7." });
    expect(resolve(claimed, roles.stranger, at('11:00'), 'x')).toMatchObject({
      message: "Only its claimer <@U0CLAIMER> or the team's owners (<@U0ANNA>, <@U0BEN>) may resolve ESC-7.",
    });
    expect(reopen(resolved, roles.owner, at('11:00'), 'x')).toMatchObject({ message: 'Only the agent who escalated it (<@U0AGENT>) may reopen ESC-7.' });
    expect(wait(claimed, roles.agent, at('11:00'), null)).toMatchObject({
      message: "Only its claimer <@U0CLAIMER> or the team's owners (<@U0ANNA>, <@U0BEN>) may mark as waiting on the customer ESC-7.",
    });
    const triage = filedIssue(matrix, at('10:00'), { category: 'other', level: 'easy' });
    expect(claim(triage, roles.stranger, at('11:00'), 'button')).toMatchObject({ message: "Only the team's owners (<!subteam^S0TRIAGE>) may claim ESC-7." });
  });

  it('lets the agent and members of the team channel see the timeline, and nobody else', () => {
    const may = (who: Actor) => refusalFor('show', claimed, who, at('11:00')) === undefined;
    expect(ROLES.filter((role) => may(roles[role]))).toEqual(['agent', 'member']);
  });
});
