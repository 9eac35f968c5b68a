import { z } from 'zod';
import { parseDuration } from '../durations.js';

/**
 * The shape of routing.yml, key for key as ../shared/design/routing-matrix.md
 * defines it. Cross-references (a route naming a team, a level naming a calendar)
 * are checked afterwards in check-matrix.ts, where the whole file is known.
 */

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const GROUP_ID = /^S[A-Z0-9]{2,}$/;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;
const NAME = /^[a-z0-9][a-z0-9_-]*$/;

export const duration = z
  .string({ error: 'expected a duration such as 15m, 4h, 1h30m or 2d' })
  .refine((text) => parseDuration(text) !== undefined, {
    error: 'expected a duration such as 15m, 4h, 1h30m or 2d',
  });

/**
 * People and channels are named by id, or by name (`@anna`, `@triage` for a user
 * group, `#billing`): `check --slack --write-ids` resolves names to ids in a
 * copy of the file, which is what the bot runs on.
 */
const HANDLE = /^@[a-z0-9][a-z0-9._-]*$/i;
const CHANNEL_NAME = /^#[a-z0-9][a-z0-9_-]*$/;
const userId = z.string().regex(USER_ID, { error: 'expected a Slack user id such as U0ANNA' });
const groupId = z.string().regex(GROUP_ID, { error: 'expected a Slack user-group id such as S0TRIAGE' });
const handle = z.string().regex(HANDLE, { error: 'expected an @handle such as @anna' });
const channelId = z.union([z.string().regex(CHANNEL_ID), z.string().regex(CHANNEL_NAME)], { error: 'expected a Slack channel id such as C0BILLING, or a #name' });
const recipient = z.union([userId, groupId, handle], { error: 'expected a user id (U...), a user-group id (S...) or an @handle' });
const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

const DAY_SPEC = /^(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?$/;
const HOURS_SPEC = /^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

const hoursRange = z
  .string()
  .regex(HOURS_SPEC, { error: 'expected opening hours as "HH:MM-HH:MM", e.g. "09:00-17:30"' })
  .refine((text) => { const [from, to] = text.split('-'); return from! < to!; }, {
    error: 'the closing time must be after the opening time',
  });

const calendar = z.strictObject({
  timezone: z.string().optional(),
  hours: z.record(
    z.string().regex(DAY_SPEC, { error: 'expected a day (mon..sun) or a day range such as mon-fri' }),
    oneOrMany(hoursRange),
  ),
  holidays: z
    .array(z.iso.date({ error: 'expected a date as YYYY-MM-DD' }))
    .default([]),
});

const level = z.strictObject({
  label: z.string({ error: 'expected a label, such as "Easy: known answer"' }).min(1, { error: 'expected a label, such as "Easy: known answer"' })
    .max(75, { error: 'at most 75 characters (a Slack option label)' }),
  ack: duration,
  resolve: duration,
  calendar: z.string().default('always'),
});

const percentage = z.union([
  z.string().regex(/^\d+(\.\d+)?%$/, { error: 'expected a percentage such as 50%' }),
  z.number(),
]).transform((v) => (typeof v === 'number' ? (v <= 1 ? v : v / 100) : Number(v.slice(0, -1)) / 100))
  .refine((fraction) => fraction > 0 && fraction < 1, { error: 'a nudge must be between 0% and 100% of the target' });

const category = z.strictObject({
  label: z.string({ error: 'expected a label, such as "Billing & payments"' }).min(1, { error: 'expected a label, such as "Billing & payments"' })
    .max(75, { error: 'at most 75 characters (a Slack option label)' }),
  kb: z.url({ error: 'expected a URL' }).optional(),
  /** Praise to pass on, not a problem: kept out of volume, recurring and missed-target figures. */
  praise: z.boolean({ error: 'expected true or false' }).optional(),
});

const tier = z.strictObject({
  after: duration.optional(),
  notify: oneOrMany(recipient),
});

const similarity = z.number({ error: 'expected a similarity between 0 and 1, such as 0.5' })
  .min(0.05, { error: 'expected a similarity between 0.05 and 1' }).max(1, { error: 'expected a similarity between 0.05 and 1' });

/** Many agents escalating one problem: how alike escalations must be to become reports of one parent issue. */
const swarms = z.strictObject({
  window: duration.default('2h'),
  suggest: similarity.default(0.35),
  link: similarity.default(0.5),
  outage: z.strictObject({
    reports: z.number().int().min(2, { error: 'at least 2 reports' }),
    within: duration,
  }).optional(),
  outage_channel: channelId.optional(),
}).refine((s) => s.link >= s.suggest, { error: '`link` must be at least `suggest`: the quick form links only what the form would offer' });

const team = z.strictObject({
  channel: channelId,
  owners: oneOrMany(recipient),
  escalation: z
    .strictObject({ ack: z.array(tier).default([]), resolve: z.array(tier).default([]) })
    .default({ ack: [], resolve: [] }),
  swarms: swarms.optional(),
  /** The working hours (a calendar) of the team's people: owners and tiers without hours of their own. */
  hours: z.string().optional(),
});

/** One person's working hours: a tier passes over them outside these, and nudges wait for them. */
const person = z.strictObject({ hours: z.string({ error: 'expected the name of a calendar, such as office' }) });

const when = z
  .strictObject({
    category: oneOrMany(z.string()).optional(),
    level: oneOrMany(z.string()).optional(),
    origin: oneOrMany(z.string()).optional(),
    text: z.string({ error: 'expected a pattern in quotes, such as "refund|chargeback"' }).min(1, { error: 'an empty pattern matches everything; drop it instead' }).optional(),
  })
  .refine((w) => Object.keys(w).length > 0, { error: 'an empty `when` matches everything; drop it instead' });

const route = z.strictObject({
  when: when.optional(),
  team: z.string(),
  level: z.string().optional(),
  cc: oneOrMany(channelId).optional(),
});

const digest = z.strictObject({
  name: z.string().regex(NAME, { error: 'expected a lower-case name such as billing-daily' }),
  to: z.union([userId, handle, channelId], { error: 'expected a user id (U...), a channel id (C...), an @handle or a #name' }),
  teams: z.array(z.string()).min(1, { error: 'list at least one team, or leave `teams` out to cover every team' }).optional(),
  schedule: z.string(),
  timezone: z.string().optional(),
});

/** Slack's limits on what the escalation form can offer: radio buttons hold 10 options, a select 100. */
const SLACK_CHOICES = 10;
const SLACK_OPTIONS = 100;

const named = <T extends z.ZodType>(value: T) =>
  z.record(z.string().regex(NAME, { error: 'names are lower-case letters, digits, - and _' }), value);

export const matrixSchema = z.strictObject({
  version: z.literal(1, { error: 'expected version: 1' }),
  timezone: z.string().default('UTC'),
  calendars: named(calendar).default({}),
  levels: named(level)
    .refine((l) => Object.keys(l).length > 0, { error: 'define at least one level' })
    .refine((l) => Object.keys(l).length <= SLACK_CHOICES, { error: `at most ${SLACK_CHOICES} levels: the form offers them as radio buttons, and Slack allows ${SLACK_CHOICES}` }),
  nudges: z.array(percentage).default([]),
  origins: z.array(z.string().regex(NAME, { error: 'origins are lower-case words such as twitter' }))
    .min(1, { error: 'list at least one origin, such as phone' })
    .max(SLACK_OPTIONS, { error: `at most ${SLACK_OPTIONS} origins: the form offers them in a Slack select, which holds ${SLACK_OPTIONS}` }),
  categories: named(category)
    .refine((c) => Object.keys(c).length > 0, { error: 'define at least one category' })
    .refine((c) => Object.keys(c).length <= SLACK_OPTIONS, { error: `at most ${SLACK_OPTIONS} categories: the form offers them in a Slack select, which holds ${SLACK_OPTIONS}` }),
  teams: named(team).refine((t) => Object.keys(t).length > 0, { error: 'define at least one team' }),
  routes: z.array(route).min(1, { error: 'define at least one route' }),
  digests: z.array(digest).default([]),
  /** People's working hours, by user id. */
  people: z.record(z.string().regex(USER_ID, { error: 'people are keyed by Slack user id, such as U0ANNA' }), person).default({}),
  /** How long customer data is kept; absent, forever. Applied once a day. */
  retention: z.strictObject({
    resolved_issues: duration.optional(),
    outbox: duration.optional(),
    events: duration.optional(),
  }).optional(),
});

export type MatrixFile = z.output<typeof matrixSchema>;
export type TeamSpec = MatrixFile['teams'][string];
export type TierSpec = TeamSpec['escalation']['ack'][number];
