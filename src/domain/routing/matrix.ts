import type { Calendar } from '../calendar.js';
import type { Duration } from '../durations.js';
import type { TextPattern } from './text-pattern.js';

/** The routing matrix as the bot uses it: validated, with durations parsed and regexes compiled. */
export interface Matrix {
  timezone: string;
  calendars: Record<string, Calendar>;
  levels: Record<string, Level>;
  nudges: number[];
  origins: string[];
  categories: Record<string, Category>;
  teams: Record<string, Team>;
  routes: Route[];
  digests: Digest[];
  /** Working hours by user id (a calendar name). */
  people: Record<string, { hours: string }>;
  /** Wall-clock ages after which data is deleted, once a day; each absent means keep forever. */
  retention: { resolvedIssuesMs?: number; outboxMs?: number; eventsMs?: number };
}

export interface Level {
  key: string;
  label: string;
  ack: Duration;
  resolve: Duration;
  calendar: string;
}

export interface Category {
  key: string;
  label: string;
  kb?: string;
  /** Praise to pass on: counted on its own line, never as a problem. */
  praise: boolean;
}

export interface Tier {
  /** Open time after the previous tier; null for the first tier, which fires at the target. */
  after: Duration | null;
  notify: string[];
}

export interface Team {
  key: string;
  channel: string;
  /** User ids, or a single user-group id. */
  owners: string[];
  escalation: { ack: Tier[]; resolve: Tier[] };
  /** Swarm detection; absent, every escalation gets its own card. */
  swarms?: SwarmRules;
  /** The working hours (a calendar name) of the team's people without hours of their own. */
  hours?: string;
}

/**
 * When a new escalation is another report of an open one. Scores are pg_trgm
 * similarity of the two escalations' texts (0 to 1); windows are wall-clock time,
 * because an outage does not keep office hours.
 */
export interface SwarmRules {
  /** An open issue filed this long ago or less can gather reports. */
  windowMs: number;
  /** The form offers the match from this score. */
  suggest: number;
  /** The quick form links on its own from this score. */
  link: number;
  /** This many reports (the parent counts) within this long flag a probable outage. */
  outage?: { reports: number; withinMs: number };
  outageChannel?: string;
}

export interface Route {
  index: number;
  when?: {
    category?: string[];
    level?: string[];
    origin?: string[];
    /** Case-insensitive, over summary and details, in linear time. */
    text?: TextPattern;
  };
  team: string;
  level?: string;
  cc: string[];
}

export interface Digest {
  name: string;
  to: string;
  teams?: string[];
  schedule: string;
  timezone: string;
}

/**
 * Looks a name typed by a person up in one of the matrix's maps. The maps have
 * no prototype, and this checks own keys too, so `__proto__` is never a team.
 */
export function named<T>(map: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(map, name) ? map[name] : undefined;
}

/** The categories that are praise, whatever their keys. */
export const praiseCategories = (matrix: Matrix): string[] => Object.values(matrix.categories).filter((c) => c.praise).map((c) => c.key);

export const teamNamed = (matrix: Matrix, name: string): Team | undefined => named(matrix.teams, name);
