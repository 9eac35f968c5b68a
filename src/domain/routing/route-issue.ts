import { addOpenTime, type Calendar } from '../calendar.js';
import type { Category, Level, Matrix, Route, Team } from './matrix.js';

export interface IssueFacts {
  category: string;
  level: string;
  origin: string;
  summary: string;
  details?: string | null;
}

export interface RouteCheck {
  route: Route;
  matched: boolean;
  /** Why it matched or not, one line per `when` key. */
  reasons: string[];
}

/** Does `route` take the issue, and why? `explain` false (bulk routing) only tests text patterns, without finding where they match. */
function checkRoute(route: Route, facts: IssueFacts, explain = true): RouteCheck {
  const reasons: string[] = [];
  let matched = true;
  const listKey = (key: 'category' | 'level' | 'origin') => {
    const allowed = route.when?.[key];
    if (!allowed) return;
    const ok = allowed.includes(facts[key]);
    matched &&= ok;
    reasons.push(`${key} ${facts[key]} ${ok ? 'is' : 'is not'} in [${allowed.join(', ')}]`);
  };
  listKey('category');
  listKey('level');
  listKey('origin');
  const text = route.when?.text;
  if (text) {
    const body = `${facts.summary}\n${facts.details ?? ''}`;
    const found = explain ? text.firstMatch(body) : text.matches(body) ? '' : null;
    matched &&= found !== null;
    reasons.push(found !== null ? `text matches /${text.source}/i at "${found}"` : `text does not match /${text.source}/i`);
  }
  if (!route.when) reasons.push('catch-all route: no conditions');
  return { route, matched, reasons };
}

/** Every route up to and including the first that matches, with reasons: what `frontline explain` prints. */
export function explainRoute(matrix: Matrix, facts: IssueFacts): RouteCheck[] {
  const checks: RouteCheck[] = [];
  for (const route of matrix.routes) {
    const check = checkRoute(route, facts);
    checks.push(check);
    if (check.matched) break;
  }
  return checks;
}

/**
 * What an issue carries from the matrix at filing. Editing routing.yml later
 * changes only issues filed afterwards, so everything the clock needs is copied here.
 */
export interface IssueSnapshot {
  routeIndex: number;
  category: Category;
  /** The level in force: the agent's, unless the route overrides it. */
  level: Level;
  chosenLevel: string;
  calendar: Calendar;
  team: Team;
  cc: string[];
  nudges: number[];
}

export interface RoutedIssue {
  snapshot: IssueSnapshot;
  ackDueAt: Date;
  resolveDueAt: Date;
}

export function routeIssue(matrix: Matrix, facts: IssueFacts, filedAt: Date): RoutedIssue {
  return routeWithReasons(matrix, facts, filedAt).routed;
}

/** Routes an issue and says why: the matching route's check, for the timeline. Each route is tried once. */
export function routeWithReasons(matrix: Matrix, facts: IssueFacts, filedAt: Date): { routed: RoutedIssue; route: RouteCheck } {
  const check = explainRoute(matrix, facts).at(-1)!;
  const snapshot = snapshotOf(matrix, facts, check.route);
  const { level, calendar } = snapshot;
  return {
    routed: { snapshot, ackDueAt: addOpenTime(calendar, filedAt, level.ack), resolveDueAt: addOpenTime(calendar, filedAt, level.resolve) },
    route: check,
  };
}

/** The first route that matches, without reasons or deadlines: routing in bulk (replay). */
export function routeOnly(matrix: Matrix, facts: IssueFacts): IssueSnapshot {
  return snapshotOf(matrix, facts, matrix.routes.find((r) => checkRoute(r, facts, false).matched)!);
}

function snapshotOf(matrix: Matrix, facts: IssueFacts, route: Route): IssueSnapshot {
  const level = matrix.levels[route.level ?? facts.level]!;
  const calendar = matrix.calendars[level.calendar]!;
  return {
    routeIndex: route.index,
    category: matrix.categories[facts.category]!,
    level,
    chosenLevel: facts.level,
    calendar,
    team: matrix.teams[route.team]!,
    cc: route.cc,
    nudges: matrix.nudges,
  };
}
