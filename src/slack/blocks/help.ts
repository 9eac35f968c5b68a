import { escapeMrkdwn } from '../../domain/mrkdwn.js';
import type { Matrix } from '../../domain/routing/matrix.js';
import { context, section, type Blocks } from './kit.js';
import { levelTargets } from './escalate-modal.js';

/** A quick-form example in this matrix's own words: its first category, its last level, an origin that is not `other`. */
function example(matrix: Matrix): string {
  const category = Object.keys(matrix.categories)[0]!;
  const level = Object.keys(matrix.levels).at(-1)!;
  const origin = matrix.origins.find((o) => o !== 'other') ?? matrix.origins[0]!;
  return `/escalate ${category} ${level} via:${origin} One line on what the customer sees`;
}

export function helpMessage(matrix: Matrix): { text: string; blocks: Blocks } {
  const categories = Object.keys(matrix.categories).map((c) => `\`${c}\``).join(', ');
  const levels = Object.values(matrix.levels)
    .map((l) => `• \`${l.key}\`: ${escapeMrkdwn(l.label)}. ${levelTargets(l)}`)
    .join('\n');
  const text =
    '*Escalate a customer issue*\n' +
    '• `/escalate`: open the form.\n' +
    '• `/escalate <category> <level> <summary>`: file at once. Add `via:<origin>` anywhere to say where the customer came from.\n' +
    `   e.g. \`${example(matrix)}\`\n` +
    '• `/escalate show ESC-12`: an issue and its timeline.\n' +
    '• `/escalate mine`: what you claimed, your teams\' queue, and what you escalated (also on the Home tab).\n' +
    '• `/escalate digest [name]`: your manager digest so far (for the people a digest is addressed to).\n' +
    '• `/escalate help`: this message.\n' +
    '*In a card\'s thread*, experts reply `claim` (or `mine`, `taking`, or react :eyes:), `unclaim`, `waiting <question>` or `resume`.';
  return {
    text,
    blocks: [
      section(text),
      section(`*Categories*: ${categories}\n*Levels*:\n${levels}`),
      context(`*Origins*: ${matrix.origins.map(escapeMrkdwn).join(', ')}`),
    ],
  };
}
