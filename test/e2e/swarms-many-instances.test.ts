import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { issues } from '../../src/db/schema.js';
import { createLogger } from '../../src/logger.js';
import { startFrontline, type Frontline } from '../../src/main.js';
import { SlackDriver } from '../../src/sandbox/driver.js';
import { SlackSandbox } from '../../src/sandbox/slack-server.js';
import { FRONTLINE_CHANNEL, seedWorkspace } from '../../src/sandbox/workspace.js';
import { testClock } from '../support/clock.js';
import { freshDatabase, SEVERAL_CONNECTIONS_URL } from '../support/database.js';
import { EXAMPLE_ROUTING, matrixFrom } from '../support/harness.js';

/**
 * Two instances behind a load balancer, one Postgres: agents escalate one outage
 * at the same moment, half of them through each instance. Filings that may join a
 * swarm take turns per team, so they form one parent, whichever instance each reached.
 */
describe.runIf(SEVERAL_CONNECTIONS_URL)('swarms on two instances', () => {
  const clock = testClock('2026-11-23T10:00:00Z');
  const matrix = matrixFrom(EXAMPLE_ROUTING);
  let slack: SlackSandbox;
  let instances: Frontline[] = [];
  let drop: () => Promise<void>;

  beforeAll(async () => {
    slack = await new SlackSandbox().start();
    seedWorkspace(slack, matrix);
    for (let i = 1; i <= 8; i++) slack.addUser(`U0AG0${i}`, `agent${i}`);
    const database = await freshDatabase(SEVERAL_CONNECTIONS_URL);
    drop = database.drop;
    const config = readConfig({
      SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: slack.signingSecret, SLACK_API_URL: slack.apiUrl, PORT: '0', DATABASE_URL: database.url,
    });
    const start = () => startFrontline({ config: config as typeof config & { slack: { botToken: string } }, matrix, now: clock.now, log: createLogger('silent') });
    instances = [await start(), await start()];
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await slack?.stop();
    await drop?.();
  });

  it('forms one parent from concurrent filings of one outage on both instances', async () => {
    const drivers = instances.map((i) => new SlackDriver(slack, { kind: 'http', appUrl: `http://127.0.0.1:${i.port}/slack/events` }));
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      drivers[i % 2]!.slash(`U0AG0${i + 1}`, FRONTLINE_CHANNEL, 'app medium Camera live view fails with error 1042')));
    for (const reply of replies) expect((reply.body as { text: string }).text).toMatch(/ESC-\d+/);

    const filed = await instances[0]!.database.db.select().from(issues);
    expect(filed).toHaveLength(8);
    const parents = filed.filter((i) => i.parentId === null);
    expect(parents).toHaveLength(1);
    expect(filed.filter((i) => i.parentId === parents[0]!.id)).toHaveLength(7);
    expect(parents[0]!.reportCount).toBe(7);
    await Promise.all(instances.map((i) => i.flush()));
    await slack.waitFor('the card', () => slack.messagesIn('C0APP').some((m) => !m.threadTs && m.text.startsWith(`${parents[0]!.key} `)));
    expect(slack.messagesIn('C0APP').filter((m) => !m.threadTs)).toHaveLength(1);
  });
});
