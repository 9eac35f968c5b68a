import type { Unreachable } from '../people.js';

/**
 * The issue's timeline: one entry per thing that happened to it, appended and
 * never changed. Reports read their figures from here, one definition each:
 * an acknowledgement is a `claimed` event, a resolution is a `resolved` event,
 * and each carries its own business time and whether it came after its target.
 */

export type Target = 'ack' | 'resolve';

export type ClaimVia = 'button' | 'reply' | 'reaction' | 'resolve' | 'swarm';
/** How an escalation became a report of a swarm: linked by the quick form, chosen in the form, or by an expert. */
export type LinkVia = 'quick_form' | 'form' | 'hand';
/** How a report left its swarm: the agent's undo, its reopening, or an expert. */
export type UnlinkVia = 'undo' | 'reopen' | 'hand';
/** How praise reached an expert: a praise escalation naming them, or a happy customer after their resolution. */
export type PraiseVia = 'escalation' | 'happy_customer';
export type ResumeVia = 'button' | 'reply' | 'agent_reply' | 'agent_dm' | 'unclaim';

interface EventDetails {
  filed: { category: string; level: string; origin: string };
  routed: { route: number; team: string; channel: string; level: string; cc: string[]; reasons: string[] };
  posted: { channel: string; ts: string };
  post_failed: { kind: string; channel: string; error: string };
  delivery_failed: { kind: string; channel: string; error: string };
  /** An acknowledgement: `ackMs` is business time since the acknowledgement clock started; `late` if after its target. */
  claimed: { via: ClaimVia; ackMs: number; late: boolean };
  unclaimed: { previousClaimer: string };
  first_response: Record<string, never>;
  rerouted: { from: string; to: string; reason: string };
  paused: { question: string | null; remainingMs: number };
  resumed: { via: ResumeVia; pausedMs: number; answer: string | null };
  nudged: { target: Target; step: number; late: boolean };
  /**
   * `notify`: who was told. `skipped`: people of the tiers passed over, and why;
   * `nobodyReachable`: nobody in the chain could be reached, so the due tier was told anyway.
   */
  escalated: { target: Target; tier: number; notify: string[]; late: boolean; skipped?: Array<{ user: string; why: Unreachable }>; nobodyReachable?: boolean };
  /**
   * A resolution: `resolveMs` is business time since filing (or the reopen), paused time excluded;
   * `firstTime` when it came without a reroute or a reopen before it. `report`: a report of a swarm,
   * resolved with its parent (it counts for its customer, not as another resolution by that person).
   */
  resolved: { note: string; resolveMs: number; late: boolean; firstTime: boolean; report?: true };
  reopened: { reason: string; previousResolution: string };
  /** On a report: it joined a swarm. `score` is the similarity that matched it, when one did. */
  linked: { parent: string; via: LinkVia; score: number | null };
  /** On a parent: a report joined it. */
  report_linked: { report: string; via: LinkVia; origin: string; agent: string };
  unlinked: { parent: string; via: UnlinkVia };
  report_unlinked: { report: string; via: UnlinkVia };
  /** `frontline forget`: the customer's text was erased from the issue, its figures kept. */
  erased: { fields: string[] };
  /**
   * Praise for an expert, passed on by `actor`: named in a praise escalation, or the
   * agent's "The customer was happy" on a resolution.
   */
  praised: { expert: string; via: PraiseVia };
  /** On a parent: its reports crossed the team's outage threshold, and its level was raised. */
  outage: { reports: number; withinMs: number; fromLevel: string; toLevel: string };
}

export type EventType = keyof EventDetails;

export type IssueEvent = {
  [T in EventType]: { type: T; actor: string | null; details: EventDetails[T] };
}[EventType];

export type EventOf<T extends EventType> = Extract<IssueEvent, { type: T }>;

export const event = <T extends EventType>(type: T, actor: string | null, details: EventDetails[T]): EventOf<T> =>
  ({ type, actor, details }) as EventOf<T>;
