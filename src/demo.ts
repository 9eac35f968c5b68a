import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig } from './config.js';
import { loadMatrix } from './domain/routing/load-matrix.js';
import { createLogger } from './logger.js';
import { startFrontline } from './main.js';
import { SlackDriver } from './sandbox/driver.js';
import { SlackSandbox } from './sandbox/slack-server.js';
import { transcript } from './sandbox/transcript.js';
import { AGENTS, FRONTLINE_CHANNEL, seedWorkspace } from './sandbox/workspace.js';

const EXAMPLE = fileURLToPath(new URL('../routing.example.yml', import.meta.url));

/**
 * `npm run demo`: the real app on a throwaway PGlite, against the sandbox Slack,
 * playing one escalation from filing to the agent hearing back. Prints the transcript.
 */
export async function runDemo(write: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  const loaded = loadMatrix(readFileSync(EXAMPLE, 'utf8'));
  if (!loaded.ok) throw new Error('routing.example.yml is invalid; run `frontline check routing.example.yml`');
  const slack = await new SlackSandbox().start();
  seedWorkspace(slack, loaded.matrix, { S0TRIAGE: ['U0TESS', 'U0TOM'] });
  const dataDir = mkdtempSync(join(tmpdir(), 'frontline-demo-'));
  const config = readConfig({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    DATA_DIR: dataDir,
    SWEEP_INTERVAL_MS: '200',
  });
  const app = await startFrontline({
    config: config as typeof config & { slack: { botToken: string } },
    matrix: loaded.matrix,
    log: createLogger('error', process.stderr as never),
  });
  const driver = new SlackDriver(slack, { kind: 'http', appUrl: `http://127.0.0.1:${app.port}/slack/events` });
  try {
    await playScenario(slack, driver);
    write(`Frontline demo: the real app, an embedded database and a local Slack sandbox.\n\n${transcript(slack)}\n`);
  } finally {
    await app.stop();
    await slack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function playScenario(slack: SlackSandbox, driver: SlackDriver): Promise<void> {
  const card = (channel: string, n: number) => slack.waitFor(`card ${n} in ${channel}`, () => slack.messagesIn(channel).filter((m) => !m.threadTs)[n - 1]);
  const settled = (what: string, probe: () => unknown) => slack.waitFor(what, probe);

  // A phone agent files in one line.
  await driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'billing medium Customer charged twice for order 1182 via:phone');
  const first = await card('C0BILLING', 1);
  await settled('confirmation', () => slack.ephemeralsFor(AGENTS.phone).some((e) => e.text.includes('is posted')));

  // A social-media agent uses the form; the text tries to ping the whole channel.
  await driver.slash(AGENTS.social, FRONTLINE_CHANNEL, '');
  await settled('escalation form', () => slack.openViewOf(AGENTS.social));
  await driver.submit(AGENTS.social, {
    category: 'billing', level: 'easy', origin: 'twitter',
    summary: 'Refund promised in DMs never arrived <!channel>',
    details: 'Customer @lena_k says the refund for order 1190 was promised on the 3rd. Tweet is public.',
    customer_ref: 'ORD-1190',
  });
  await card('C0BILLING', 2);
  await settled('cc notice', () => slack.messagesIn('C0SOCIAL').length > 0);

  // Someone outside the team tries to claim; an owner claims; then resolves.
  await driver.click('U0CARL', first, 'issue_claim');
  await settled('refusal', () => slack.ephemeralsFor('U0CARL').length > 0);
  await driver.click('U0ANNA', first, 'issue_claim');
  await settled('claimed card', () => first.history.length > 0);
  await driver.click('U0ANNA', first, 'issue_resolve');
  await settled('resolve form', () => slack.openViewOf('U0ANNA'));
  await driver.submit('U0ANNA', {
    note: 'The second charge was a pre-authorisation; it drops off within 3 working days. Refund reference RF-5521 if it does not.',
  });
  await settled('agent hears back', () => slack.dmsTo(AGENTS.phone).length > 0);
}
