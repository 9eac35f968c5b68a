import type { Block, KnownBlock } from '@slack/types';
import type { Issue } from '../../domain/issue/issue.js';
import { truncate } from '../../domain/mrkdwn.js';

/** Small typed helpers for Block Kit, each respecting Slack's limits for what it builds. */

export type Blocks = (KnownBlock | Block)[];

export const SECTION_MAX = 3000;
export const FIELD_MAX = 2000;

export const plain = (text: string, max = 75) => ({ type: 'plain_text' as const, text: truncate(text, max), emoji: true });
export const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text: truncate(text, SECTION_MAX) });

export const header = (text: string): KnownBlock => ({ type: 'header', text: plain(text, 150) });
export const section = (text: string): KnownBlock => ({ type: 'section', text: mrkdwn(text) });
export const fields = (items: string[]): KnownBlock => ({
  type: 'section',
  fields: items.slice(0, 10).map((f) => ({ type: 'mrkdwn', text: truncate(f, FIELD_MAX) })),
});
export const context = (...texts: string[]): KnownBlock => ({
  type: 'context',
  elements: texts.slice(0, 10).map((t) => ({ type: 'mrkdwn', text: truncate(t, SECTION_MAX) })),
});
export const divider = (): KnownBlock => ({ type: 'divider' });

export const button = (text: string, actionId: string, value: string, style?: 'primary' | 'danger') => ({
  type: 'button' as const,
  text: plain(text),
  action_id: actionId,
  value,
  ...(style ? { style } : {}),
});

/** Turns each line into a block quote, for notes written by people. */
export const quote = (escaped: string) => escaped.split('\n').map((line) => `>${line}`).join('\n');

/** A link to the issue's card, or '' while it has none (callers fall back to the key). */
export const cardLink = (issue: Issue, label = 'view the card') => (issue.card?.url ? `<${issue.card.url}|${label}>` : '');
