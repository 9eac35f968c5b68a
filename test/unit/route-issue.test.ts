import { describe, expect, it } from 'vitest';
import { explainRoute, routeIssue, routeOnly } from '../../src/domain/routing/route-issue.js';
import { EXAMPLE_ROUTING, matrixFrom } from '../support/harness.js';

const matrix = matrixFrom(EXAMPLE_ROUTING);
const at = new Date('2026-11-23T10:00:00Z'); // a Monday morning in London
const route = (category: string, level: string, origin = 'phone', summary = 'x', details?: string) =>
  routeIssue(matrix, { category, level, origin, summary, details }, at);

describe('routing', () => {
  it('sends each category to its team, first match winning', () => {
    expect(route('billing', 'easy').snapshot.team.key).toBe('billing');
    expect(route('delivery', 'easy').snapshot.team.key).toBe('delivery');
    expect(route('praise', 'easy').snapshot.team.key).toBe('delight');
    expect(route('other', 'easy').snapshot.team.key).toBe('triage');
  });

  it('copies social billing issues to the social channel, and only those', () => {
    expect(route('billing', 'easy', 'twitter').snapshot.cc).toEqual(['C0SOCIAL']);
    expect(route('billing', 'easy', 'instagram').snapshot.cc).toEqual(['C0SOCIAL']);
    expect(route('billing', 'easy', 'phone').snapshot.cc).toEqual([]);
  });

  it('matches text case-insensitively over summary and details', () => {
    expect(route('delivery', 'easy', 'email', 'Parcel lost').snapshot.team.key).toBe('delivery');
    expect(route('delivery', 'easy', 'email', 'Parcel lost', 'Customer says her ATTORNEY will call').snapshot.team.key).toBe('legal');
  });

  it('lets a route override the level, keeping what the agent chose', () => {
    const routed = route('legal', 'easy');
    expect(routed.snapshot.level.key).toBe('hard');
    expect(routed.snapshot.chosenLevel).toBe('easy');
    expect(routed.ackDueAt.toISOString()).toBe('2026-11-23T10:15:00.000Z');
    expect(routed.resolveDueAt.toISOString()).toBe('2026-11-23T14:00:00.000Z');
  });

  it('takes the deadlines from the level and its calendar', () => {
    const routed = route('billing', 'medium');
    expect(routed.snapshot.calendar.name).toBe('office');
    expect(routed.ackDueAt.toISOString()).toBe('2026-11-23T11:00:00.000Z');
    expect(routed.resolveDueAt.toISOString()).toBe('2026-11-24T10:00:00.000Z');
  });

  it('explains each route tried, with reasons', () => {
    const checks = explainRoute(matrix, { category: 'billing', level: 'easy', origin: 'twitter', summary: 'double charge' });
    expect(checks.map((c) => [c.route.index, c.matched])).toEqual([[0, false], [1, false], [2, true]]);
    expect(checks[0]!.reasons).toEqual(['category billing is not in [legal]']);
    expect(checks[2]!.reasons).toEqual(['category billing is in [billing]', 'origin twitter is in [twitter, facebook, instagram]']);
  });
});

describe('routing in bulk (replay)', () => {
  it('takes the same route as routing with reasons, for every category, level and origin, with and without matching text', () => {
    const matrix = matrixFrom(EXAMPLE_ROUTING);
    const at = new Date('2026-11-23T10:00:00Z');
    for (const category of Object.keys(matrix.categories)) {
      for (const level of Object.keys(matrix.levels)) {
        for (const origin of matrix.origins) {
          for (const summary of ['Refund please', 'Customer will call an ATTORNEY']) {
            const facts = { category, level, origin, summary, details: null };
            expect(routeOnly(matrix, facts), `${category} ${level} ${origin} ${summary}`).toEqual(routeIssue(matrix, facts, at).snapshot);
          }
        }
      }
    }
  });
});
