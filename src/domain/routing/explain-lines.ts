import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns/format';
import { formatDuration } from '../durations.js';
import type { Matrix } from './matrix.js';
import { explainRoute, routeIssue, type IssueFacts } from './route-issue.js';

/**
 * `frontline explain`'s answer, line by line: each route tried and why, then the
 * team, cc, level, calendar and both deadlines if filed `at` (`given`: a time the
 * person chose, rather than now). The playground's explain panel shows the same.
 */
export function explainLines(matrix: Matrix, facts: IssueFacts, at: Date, given = false): string[] {
  const out: string[] = [];
  for (const c of explainRoute(matrix, facts)) {
    out.push(`routes[${c.route.index}] -> ${c.route.team}: ${c.matched ? 'MATCH' : 'no match'}`, ...c.reasons.map((r) => `    ${r}`));
  }
  const { snapshot, ackDueAt, resolveDueAt } = routeIssue(matrix, facts, at);
  const when = (d: Date) => `${format(new TZDate(d, matrix.timezone), 'EEE d MMM yyyy HH:mm')} ${matrix.timezone}`;
  const level = snapshot.level;
  out.push(
    '',
    `Team:     ${snapshot.team.key} (channel ${snapshot.team.channel}, owners ${snapshot.team.owners.join(', ')})`,
    `cc:       ${snapshot.cc.length ? snapshot.cc.join(', ') : 'none'}`,
    `Level:    ${level.key}${level.key !== facts.level ? ` (route overrides ${facts.level})` : ''}: ${level.label}`,
    `Calendar: ${level.calendar}`,
    given ? `If filed at ${when(at)}:` : `If filed now (${when(at)}):`,
    `  acknowledge by ${when(ackDueAt)}  (${formatDuration(level.ack)})`,
    `  resolve by     ${when(resolveDueAt)}  (${formatDuration(level.resolve)})`,
  );
  return out;
}
