import { mrkdwnToText } from '../domain/mrkdwn.js';
import type { SandboxMessage, SlackSandbox, Visible } from './slack-server.js';

type Json = Record<string, any>;

const EMOJI: Record<string, string> = {
  white_check_mark: '✅', inbox_tray: '📥', warning: '⚠️', raising_hand: '🙋', hourglass_flowing_sand: '⏳',
  hourglass: '⌛', books: '📚', eyes: '👀', no_entry: '⛔', x: '❌',
  alarm_clock: '⏰', rotating_light: '🚨', double_vertical_bar: '⏸️', arrow_forward: '▶️', speech_balloon: '💬', link: '🔗',
  twisted_rightwards_arrows: '🔀', bar_chart: '📊',
};

/** Renders Slack mrkdwn as a person would read it: names for ids, local times for date tokens. */
export function readable(slack: SlackSandbox, text: string, timezone: string): string {
  return mrkdwnToText(text, {
    timezone,
    userName: (id) => slack.users.get(id)?.name ?? id,
    channelName: (id) => slack.channels.get(id)?.name ?? id,
    emoji: EMOJI,
  });
}

function blockLines(block: Json): string[] {
  switch (block.type) {
    case 'header':
      return [`▌ ${block.text.text}`];
    case 'section':
      return [
        ...(block.text ? [block.text.text as string] : []),
        ...(block.fields ? [(block.fields as Json[]).map((f) => String(f.text).replace('\n', ': ')).join('  ·  ')] : []),
      ];
    case 'context':
      return [(block.elements as Json[]).map((e) => e.text).join('  ')];
    case 'actions':
      return [(block.elements as Json[]).map((e) => `[${e.text.text}]`).join(' ')];
    case 'input':
      return [`${block.label.text}${block.optional ? ' (optional)' : ''}`];
    default:
      return [];
  }
}

function bodyLines(slack: SlackSandbox, text: string, blocks: Json[] | undefined, timezone: string): string[] {
  const lines = blocks?.length ? blocks.flatMap(blockLines) : [text];
  return lines.flatMap((l) => readable(slack, l, timezone).split('\n'));
}

export interface TranscriptOptions {
  /** Links as `label (target)`, so that a reader sees where each goes. */
  linkTargets?: boolean;
  /** Only what became visible from index `from` up to `to` of `slack.visible` (a part of the story). */
  from?: number;
  to?: number;
}

const withTargets = (text: string) => text.replace(/<(https?:[^|>]+)\|([^>]+)>/g, '<$1|$2 ($1)>');

/** The conversation so far, as a readable transcript: who said what, where. */
export function transcript(slack: SlackSandbox, timezone = 'Europe/London', options: TranscriptOptions = {}): string {
  const out: string[] = [];
  const shown = (slack.visible as Visible[]).slice(options.from ?? 0, options.to);
  const body = (s: SlackSandbox, text: string, blocks: Json[] | undefined, zone: string) =>
    options.linkTargets ? bodyLines(s, withTargets(text), blocks && JSON.parse(withTargets(JSON.stringify(blocks))), zone) : bodyLines(s, text, blocks, zone);
  const where = (channel: string) => {
    const c = slack.channels.get(channel);
    return c?.dm ? `DM @${slack.users.get(c.dm)?.name ?? c.dm}` : `#${c?.name ?? channel}`;
  };
  const user = (id: string) => slack.users.get(id)?.name ?? id;
  const emit = (place: string, who: string, lines: string[]) => {
    out.push(`${place.padEnd(14)} ${who}`);
    for (const line of lines) out.push(`${' '.repeat(15)}│ ${line}`);
    out.push('');
  };
  const inThread = (m: SandboxMessage) => (m.threadTs ? ' (in thread)' : '');
  for (const item of shown) {
    switch (item.kind) {
      case 'command':
        out.push(`${where(item.channel).padEnd(14)} ${user(item.user)}: ${item.text}`, '');
        break;
      case 'message':
        emit(where(item.message.channel), `${item.message.user === slack.botUserId ? 'Frontline' : user(item.message.user)}${inThread(item.message)}:`, body(slack, item.message.text, item.message.blocks, timezone));
        break;
      case 'update':
        emit(where(item.message.channel), 'Frontline updated the card:', body(slack, item.message.text, item.message.blocks, timezone));
        break;
      case 'ephemeral':
        emit(where(item.ephemeral.channel), `Frontline (only ${user(item.ephemeral.user)} sees this):`, body(slack, item.ephemeral.text, item.ephemeral.blocks, timezone));
        break;
      case 'view':
        emit(`modal`, `${user(item.view.user)} sees "${item.view.view.title?.text}":`, body(slack, '', item.view.view.blocks, timezone));
        break;
      case 'click':
        out.push(`${where(item.channel).padEnd(14)} ${user(item.user)} clicks [${item.label}]`, '');
        break;
      case 'submit':
        out.push(`${'modal'.padEnd(14)} ${user(item.user)} submits: ${Object.entries(item.values).filter(([, v]) => v).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}`, '');
        break;
    }
  }
  return out.join('\n');
}
