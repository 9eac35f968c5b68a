import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns/format';
import { startParts } from './playground/playground.js';
import { playStory } from './playground/story.js';
import { transcript } from './sandbox/transcript.js';

/** Monday 23 November 2026, 10:00 in London: the office is open and the story reads the same on every run. */
export const DEMO_START = new Date('2026-11-23T10:00:00Z');
const ZONE = 'Europe/London';
/** Lines of the digest shown: an excerpt, not the whole report. */
const DIGEST_LINES = 14;

/**
 * `npm run demo`: the real app on an in-memory PGlite, against the sandbox
 * Slack, on a clock starting at a fixed time. It plays the story the
 * playground's "Play the story" plays (src/playground/story.ts) and prints it
 * as a transcript, step by step, with each link's target, then what to try next.
 */
export async function runDemo(write: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  const parts = await startParts({ start: DEMO_START });
  const { slack, clock } = parts;
  const steps: Array<{ caption: string; at: Date; from: number }> = [];
  try {
    await playStory({
      slack, driver: parts.driver, app: parts.app, clock,
      narrate: (caption) => steps.push({ caption, at: clock.now(), from: slack.visible.length }),
      // A step's time is when it ends: after the clock moved.
      pause: async () => { steps.at(-1)!.at = clock.now(); },
    });
  } finally {
    await parts.stop();
  }
  const time = (at: Date) => format(new TZDate(at, ZONE), 'EEE d MMM HH:mm');
  const out = [`Frontline demo: the real app, an embedded database and a local Slack sandbox, on a clock starting ${time(DEMO_START)} (${ZONE}).`, ''];
  steps.forEach((step, i) => {
    const part = transcript(slack, ZONE, { linkTargets: true, from: step.from, to: steps[i + 1]?.from }).trimEnd();
    // The closing line is the playground's; the demo ends with its next steps.
    if (i === steps.length - 1 && !part) return;
    // The afternoon's reminders and the digest itself are long: an excerpt of each.
    const long = i >= steps.length - 3;
    out.push(`── ${time(step.at)} · ${step.caption}`, '');
    if (part) out.push(long ? excerpt(part) : part, '');
  });
  out.push('', nextSteps());
  write(`${out.join('\n')}\n`);
}

function excerpt(text: string): string {
  const lines = text.split('\n');
  return lines.length <= DIGEST_LINES ? text : [...lines.slice(0, DIGEST_LINES), `${' '.repeat(15)}│ … (${lines.length - DIGEST_LINES} more lines)`].join('\n');
}

function nextSteps(): string {
  return [
    'Next steps:',
    '  npm run playground                 the same app in your browser at http://127.0.0.1:4747/: act as anyone, type /escalate,',
    '                                     move the clock, edit the routing matrix and replay history through it',
    '  npx frontline check routing.yml    check your own matrix (start from routing.example.yml)',
    '  Installing in a workspace          README.md, "Installing in a real workspace"',
  ].join('\n');
}
