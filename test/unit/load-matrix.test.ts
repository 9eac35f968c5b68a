import { describe, expect, it } from 'vitest';
import { formatProblem, loadMatrix } from '../../src/domain/routing/load-matrix.js';
import { EXAMPLE_ROUTING } from '../support/harness.js';

const BASE = `version: 1
timezone: Europe/London
calendars:
  office:
    hours:
      mon-fri: "09:00-17:30"
levels:
  easy: { label: "Easy", ack: 4h, resolve: 2d, calendar: office }
  hard: { label: "Hard", ack: 15m, resolve: 4h }
origins: [phone, twitter]
categories:
  billing: { label: "Billing" }
teams:
  billing:
    channel: C0BILLING
    owners: [U0ANNA]
routes:
  - when: { category: billing }
    team: billing
  - team: billing
`;

/** The formatted problems for a routing file, as `frontline check` prints them. */
function problems(text: string): string[] {
  const result = loadMatrix(text);
  if (result.ok) return [];
  return result.problems.map((p) => formatProblem('routing.yml', p));
}

const edit = (find: string, replace: string) => {
  expect(BASE).toContain(find);
  return BASE.replace(find, replace);
};

describe('routing matrix validation', () => {
  it('accepts the shipped example and the minimal base', () => {
    expect(problems(EXAMPLE_ROUTING)).toEqual([]);
    expect(problems(BASE)).toEqual([]);
  });

  it('names the file, line and path of a misspelt team, with a suggestion', () => {
    expect(problems(edit('  - when: { category: billing }\n    team: billing', '  - when: { category: billing }\n    team: biling'))).toEqual([
      'routing.yml:19 routes[0].team: unknown team "biling" (did you mean "billing"?)',
    ]);
  });

  it.each([
    ['YAML syntax', edit('origins: [phone, twitter]', 'origins: [phone, twitter'), /routing\.yml:1\d /],
    ['duplicate key', edit('  hard: {', '  easy: {'), /routing\.yml:9 .*[Mm]ap keys must be unique/],
    ['unknown key', edit('    owners: [U0ANNA]', '    owners: [U0ANNA]\n    owner: [U0BEN]'), /routing\.yml:17 teams\.billing\.owner: unknown key/],
    ['missing section', edit('origins: [phone, twitter]\n', ''), /^routing\.yml:1 origins: is required$/],
    ['bad duration', edit('ack: 15m', 'ack: 15 minutes'), /routing\.yml:9 levels\.hard\.ack: expected a duration/],
    ['unknown calendar', edit('calendar: office', 'calendar: ofice'), /levels\.easy\.calendar: unknown calendar "ofice" \(did you mean "office"\?\)/],
    ['unknown category in when', edit('when: { category: billing }', 'when: { category: biling }'), /routes\[0\]\.when\.category\[0\]: unknown category "biling" \(did you mean "billing"\?\)/],
    ['unknown origin in when', edit('when: { category: billing }', 'when: { origin: [twiter] }'), /routes\[0\]\.when\.origin\[0\]: unknown origin "twiter" \(did you mean "twitter"\?\)/],
    ['unknown level override', edit('    team: billing\n  - team', '    team: billing\n    level: hrad\n  - team'), /routes\[0\]\.level: unknown level "hrad" \(did you mean "hard"\?\)/],
    ['bad regex', edit('when: { category: billing }', 'when: { text: "refund(" }'), /routing\.yml:\d+ routes\[0\]\.when\.text: not a pattern Frontline can match in linear time .*missing closing \)/],
    ['backreference', edit('when: { category: billing }', 'when: { text: "(ab)\\\\1" }'), /routes\[0\]\.when\.text: not a pattern Frontline can match in linear time .*invalid escape sequence/],
    ['lookahead', edit('when: { category: billing }', 'when: { text: "refund(?=ed)" }'), /routes\[0\]\.when\.text: not a pattern Frontline can match in linear time .*unsupported Perl syntax/],
    ['last route with a condition', edit('  - team: billing\n', '  - when: { origin: phone }\n    team: billing\n'), /routes\[1\]: the last route must have no `when`/],
    ['catch-all before the end', edit('  - when: { category: billing }\n    team: billing\n', '  - team: billing\n  - when: { category: billing }\n    team: billing\n'), /routes\[0\]: this route has no `when`, so routes after it/],
    ['redefined always', edit('  office:\n', '  always:\n    hours: { mon: "09:00-10:00" }\n  office:\n'), /calendars\.always: "always" is built in/],
    ['no open hours', edit('      mon-fri: "09:00-17:30"', '      {}'), /calendars\.office\.hours: this calendar has no open hours/],
    ['closing before opening', edit('"09:00-17:30"', '"17:30-09:00"'), /calendars\.office\.hours\.mon-fri: the closing time must be after the opening time/],
    ['bad hours format', edit('"09:00-17:30"', '"9am-5pm"'), /expected opening hours as "HH:MM-HH:MM"/],
    ['day listed twice', edit('      mon-fri: "09:00-17:30"', '      mon-fri: "09:00-17:30"\n      fri: "09:00-12:00"'), /calendars\.office\.hours\.fri: fri is already covered by "mon-fri"/],
    ['backwards day range', edit('mon-fri', 'fri-mon'), /a day range runs forward/],
    ['unknown time zone', edit('timezone: Europe/London', 'timezone: Europe/Londn'), /routing\.yml:2 timezone: unknown time zone "Europe\/Londn"/],
    ['bad channel id', edit('channel: C0BILLING', 'channel: billing'), /teams\.billing\.channel: expected a Slack channel id such as C0BILLING, or a #name/],
    ['owners mixing a group and users', edit('owners: [U0ANNA]', 'owners: [U0ANNA, S0TRIAGE]'), /teams\.billing\.owners: give either user ids or one user-group id/],
    ['later tier without after', edit('    owners: [U0ANNA]', '    owners: [U0ANNA]\n    escalation:\n      ack:\n        - notify: [U0LEAD]\n        - notify: [U0BOSS]'), /teams\.billing\.escalation\.ack\[1\]: `after` is required/],
    ['first tier with after', edit('    owners: [U0ANNA]', '    owners: [U0ANNA]\n    escalation:\n      ack:\n        - after: 10m\n          notify: [U0LEAD]'), /escalation\.ack\[0\]\.after: the first tier fires when the target is missed/],
    ['nudge out of range', edit('origins:', 'nudges: [150%]\norigins:'), /nudges\[0\]: a nudge must be between 0% and 100%/],
    ['working hours on an unknown calendar', `${BASE}people:\n  U0ANNA: { hours: ofice }\n`, /people\.U0ANNA\.hours: unknown calendar "ofice" \(did you mean "office"\?\)/],
    ['people keyed by name', `${BASE}people:\n  anna: { hours: office }\n`, /people\.anna: "anna": people are keyed by Slack user id, such as U0ANNA/],
    ['team hours on an unknown calendar', edit('    owners: [U0ANNA]', '    owners: [U0ANNA]\n    hours: offices'), /teams\.billing\.hours: unknown calendar "offices" \(did you mean "office"\?\)/],
    ['praise not a flag', edit('billing: { label: "Billing" }', 'billing: { label: "Billing", praise: yes please }'), /categories\.billing\.praise: expected true or false/],
    ['bad cron', `${BASE}digests:\n  - { name: daily, to: U0BOSS, schedule: "every day" }\n`, /digests\[0\]\.schedule: "every day" is not a cron schedule/],
    ['digest for an unknown team', `${BASE}digests:\n  - { name: daily, to: U0BOSS, teams: [biling], schedule: "0 9 * * 1-5" }\n`, /digests\[0\]\.teams\[0\]: unknown team "biling" \(did you mean "billing"\?\)/],
    ['two digests with one name', `${BASE}digests:\n  - { name: daily, to: U0BOSS, schedule: "0 9 * * *" }\n  - { name: daily, to: C0MGMT, schedule: "0 9 * * *" }\n`, /digests\[1\]\.name: another digest is already named "daily"/],
    ['wrong version', edit('version: 1', 'version: 2'), /routing\.yml:1 version: expected version: 1/],
  ])('reports %s', (_name, text, expected) => {
    const found = problems(text);
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toMatch(expected);
  });

  it.each([
    ['an empty file', '', ['routing.yml the file is empty: start from routing.example.yml']],
    ['a file of comments only', '# nothing yet\n', ['routing.yml the file is empty: start from routing.example.yml']],
    ['a YAML syntax error, once, at the first', edit('origins: [phone, twitter]', 'origins: [phone, twitter\ncategories2: {'),
      ['routing.yml:11 YAML syntax error: flow sequence in block collection must be sufficiently indented and end with a ]']],
    ['a misspelt key', edit('    owners: [U0ANNA]', '    owners: [U0ANNA]\n    escalaton: {}'), ['routing.yml:17 teams.billing.escalaton: unknown key (did you mean "escalation"?)']],
    ['a misspelt top-level key', edit('origins:', 'orgins:'), ['routing.yml:1 origins: is required', 'routing.yml:10 orgins: unknown key (did you mean "origins"?)']],
    ['a misspelt day', edit('mon-fri:', 'mon-fry:'), ['routing.yml:6 calendars.office.hours.mon-fry: "mon-fry": expected a day (mon..sun) or a day range such as mon-fri (did you mean "mon-fri"?)']],
    ['a misspelt time zone', edit('timezone: Europe/London', 'timezone: Europe/Londn'), ['routing.yml:2 timezone: unknown time zone "Europe/Londn" (did you mean "Europe/London"?)']],
    ['a bad owner id, in its own words', edit('owners: [U0ANNA]', 'owners: [anna]'), ['routing.yml:16 teams.billing.owners[0]: expected a user id (U...), a user-group id (S...) or an @handle']],
    ['a bad cron, echoed as written', `${BASE}digests:\n  - { name: daily, to: U0BOSS, schedule: "0 25 * * *" }\n`,
      ['routing.yml:22 digests[0].schedule: "0 25 * * *" is not a cron schedule: five fields, minute hour day-of-month month day-of-week, such as "0 9 * * 1-5"']],
    ['a digest with no teams', `${BASE}digests:\n  - { name: daily, to: U0BOSS, teams: [], schedule: "0 9 * * *" }\n`,
      ['routing.yml:22 digests[0].teams: list at least one team, or leave `teams` out to cover every team']],
    ['a label of the wrong type', edit('label: "Billing"', 'label: 42'), ['routing.yml:12 categories.billing.label: expected a label, such as "Billing & payments"']],
    ['a list where a map belongs', edit('categories:\n  billing: { label: "Billing" }', 'categories: [billing]'), ['routing.yml:11 categories: expected a map of names']],
  ])('says %s in its own words', (_name, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  it("keeps to Slack's limits: 10 levels (radio buttons), 100 categories and origins (a select)", () => {
    const levels = Array.from({ length: 11 }, (_, i) => `  l${i}: { label: "L${i}", ack: 1h, resolve: 1d }`).join('\n');
    const tooManyLevels = BASE.replace(/levels:\n(  .*\n)+?origins/, `levels:\n${levels}\norigins`);
    expect(problems(tooManyLevels)).toEqual(['routing.yml:7 levels: at most 10 levels: the form offers them as radio buttons, and Slack allows 10']);
    const origins = Array.from({ length: 101 }, (_, i) => `o${i}`).join(', ');
    expect(problems(edit('origins: [phone, twitter]', `origins: [${origins}]`))).toEqual([
      'routing.yml:10 origins: at most 100 origins: the form offers them in a Slack select, which holds 100',
    ]);
    const categories = Array.from({ length: 101 }, (_, i) => `  c${i}: { label: "C${i}" }`).join('\n');
    expect(problems(edit('categories:\n  billing: { label: "Billing" }', `categories:\n${categories}\n  billing: { label: "Billing" }`))).toEqual([
      'routing.yml:11 categories: at most 100 categories: the form offers them in a Slack select, which holds 100',
    ]);
  });

  it('lets one broken team hide nothing: its name still counts, and every other problem is listed', () => {
    const text = `${edit('owners: [U0ANNA]', 'owners: [anna]').replace('calendar: office', 'calendar: offce')
      .replace('    team: billing\n  - team', '    team: billing\n    level: hrad\n  - team')}digests:\n  - { name: daily, to: U0BOSS, teams: [billing, biling], schedule: "0 9 * * *" }\n`;
    expect(problems(text)).toEqual([
      'routing.yml:8 levels.easy.calendar: unknown calendar "offce" (did you mean "office"?)',
      'routing.yml:16 teams.billing.owners[0]: expected a user id (U...), a user-group id (S...) or an @handle',
      'routing.yml:20 routes[0].level: unknown level "hrad" (did you mean "hard"?)',
      'routing.yml:23 digests[0].teams[1]: unknown team "biling" (did you mean "billing"?)',
    ]);
  });

  it('reports every problem at once', () => {
    const text = edit('ack: 15m', 'ack: soon').replace('channel: C0BILLING', 'channel: billing').replace('origins: [phone, twitter]', 'origins: [phone, twitter]\ncolour: blue');
    const found = problems(text);
    expect(found).toHaveLength(3);
    expect(found.map((f) => f.split(' ')[1])).toEqual(expect.arrayContaining(['levels.hard.ack:', 'teams.billing.channel:', 'colour:']));
  });

  it('builds calendars, durations and regexes for the bot', () => {
    const result = loadMatrix(EXAMPLE_ROUTING);
    if (!result.ok) throw new Error('example invalid');
    const { matrix } = result;
    expect(matrix.calendars.office!.week[1]).toEqual([[540, 1050]]);
    expect(matrix.calendars.office!.week[0]).toEqual([]);
    expect(matrix.calendars['us-office']!.timezone).toBe('America/New_York');
    expect(matrix.levels.easy!.resolve).toEqual({ days: 2, ms: 0 });
    expect(matrix.nudges).toEqual([0.5, 0.9]);
    expect(matrix.teams.triage!.owners).toEqual(['S0TRIAGE']);
    expect(matrix.routes[1]!.when!.text!.firstMatch('Their ATTORNEY called')).toBe('ATTORNEY');
    expect(matrix.digests[0]!.timezone).toBe('Europe/London');
  });
});
