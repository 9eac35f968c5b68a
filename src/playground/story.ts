import type { Frontline } from '../main.js';
import type { SlackDriver } from '../sandbox/driver.js';
import type { SandboxMessage, SlackSandbox } from '../sandbox/slack-server.js';
import { AGENTS, FRONTLINE_CHANNEL } from '../sandbox/workspace.js';
import { isUserId } from '../domain/slack-ids.js';
import { nextDigestSlot } from './clock.js';
import { passTimeUntil } from './clock-moves.js';

/**
 * The story of an escalation, told by the real app through the sandbox: an
 * agent files, nobody claims in time (a nudge, a missed target, the lead's DM),
 * an owner claims and asks the customer a question, the agent answers, another
 * issue is rerouted, the first is resolved, and a digest goes out. `npm run demo`
 * prints it; the playground's "Play the story" plays it while the page watches.
 * It assumes the example matrix (routing.example.yml) and moves the clock forward.
 */
export interface Stage {
  slack: SlackSandbox;
  driver: SlackDriver;
  app: Frontline;
  clock: { now(): Date; moveTo(at: Date): Date };
  /** Says what happens next (the playground shows it; the demo leaves the transcript to speak). */
  narrate(caption: string): void;
  /** A moment to watch between steps. */
  pause(): Promise<void>;
}

const MINUTE = 60_000;
const WAIT_MS = 8_000;

export async function playStory(stage: Stage): Promise<void> {
  const { slack, driver, app, clock } = stage;
  const step = async (caption: string, act: () => Promise<void>) => {
    stage.narrate(caption);
    await act();
    await app.flush();
    await stage.pause();
  };
  const waitFor = <T>(what: string, probe: () => T | undefined | null | false) => slack.waitFor(what, probe, WAIT_MS);
  const thread = (card: SandboxMessage) => slack.messagesIn(card.channel, { threadTs: card.ts });
  const moveTo = (at: Date) => passTimeUntil(app, clock, at);
  const openForm = async (user: string, card: SandboxMessage, action: string) => {
    const earlier = new Set([...slack.views.keys()]);
    await driver.click(user, card, action);
    return waitFor(`${user}'s form`, () => {
      const view = slack.openViewOf(user);
      return view && !earlier.has(view.id) && view;
    });
  };

  let key = '';
  let card!: SandboxMessage;
  let filedAt = clock.now();
  await step('Alex, a phone agent, escalates a double charge in one line: /escalate billing hard …', async () => {
    filedAt = clock.now();
    const reply = await driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'billing hard Customer charged twice for order 1182 via:phone');
    key = /ESC-\d+/.exec(JSON.stringify(reply.body))?.[0] ?? '';
    card = await waitFor(`${key}'s card in #billing`, () => slack.messagesIn('C0BILLING').find((m) => !m.threadTs && m.text.includes(key)));
  });
  await step(`Nobody claims ${key}. Half way to its 15-minute acknowledgement target, Frontline nudges the billing owners in the thread.`, async () => {
    await moveTo(new Date(filedAt.getTime() + 8 * MINUTE));
    await waitFor('the nudge', () => thread(card).find((m) => m.text.includes('still unclaimed')));
  });
  await step(`A second nudge at 90%; then the target passes: ${key} is escalated to tier 1, and the billing lead gets a DM.`, async () => {
    await moveTo(new Date(filedAt.getTime() + 15 * MINUTE + 1000));
    await waitFor("the lead's DM", () => slack.dmsTo('U0LEAD').find((m) => m.text.includes(key)));
  });
  await step(`Anna, a billing owner, claims ${key} from the card.`, async () => {
    await driver.click('U0ANNA', card, 'issue_claim');
    await waitFor('the claimed card', () => !JSON.stringify(card.blocks).includes('"issue_claim"'));
  });
  await step('Anna needs the customer\'s answer: she asks through Frontline, and the resolution clock waits.', async () => {
    await openForm('U0ANNA', card, 'issue_wait');
    await driver.submit('U0ANNA', { reason: 'Which card was charged twice: the one ending 4417?' });
    await waitFor("the agent's question", () => slack.dmsTo(AGENTS.phone).find((m) => m.text.includes('4417')));
  });
  await step(`Alex passes the customer's answer on by DM, naming ${key}; the clock resumes.`, async () => {
    await driver.say(AGENTS.phone, slack.dmChannelOf(AGENTS.phone), `${key}: she says yes, the card ending 4417`);
    await waitFor('the resumed card', () => thread(card).some((m) => m.text.includes("passed on the customer's answer")));
  });
  let second = '';
  await step('Sam, on social media, escalates a camera that went offline in the app; Carl, a camera owner, reroutes it to the app team.', async () => {
    const reply = await driver.slash(AGENTS.social, FRONTLINE_CHANNEL, 'camera medium Camera shows offline in the app since the update via:twitter');
    second = /ESC-\d+/.exec(JSON.stringify(reply.body))?.[0] ?? '';
    const cameraCard = await waitFor(`${second}'s card in #camera`, () => slack.messagesIn('C0CAMERA').find((m) => !m.threadTs && m.text.includes(second)));
    await openForm('U0CARL', cameraCard, 'issue_reroute');
    await driver.submit('U0CARL', { team: 'app', reason: 'The camera is fine; the app lost its pairing in the update.' });
    await waitFor(`${second}'s card in #app`, () => slack.messagesIn('C0APP').find((m) => !m.threadTs && m.text.includes(second)));
  });
  await step(`Anna resolves ${key} with a note for the customer; Alex gets it by DM.`, async () => {
    await openForm('U0ANNA', card, 'issue_resolve');
    await driver.submit('U0ANNA', { note: 'The second charge was a pre-authorisation; it drops off within 3 working days. Refund reference RF-5521 if it does not.' });
    await waitFor("the agent's DM", () => slack.dmsTo(AGENTS.phone).find((m) => m.text.replace(/\*/g, '').includes(`${key} is resolved`)));
  });
  const slot = nextDigestSlot(app.ctx.matrix, clock.now());
  if (slot) {
    const digest = app.ctx.matrix.digests.find((d) => d.name === slot.name)!;
    const inbox = isUserId(digest.to) ? slack.dmChannelOf(digest.to) : digest.to;
    await step(`Time passes until the next digest. Nobody in the app team claims ${second}: nudges, a missed target, the app lead's DM.`, async () => {
      await moveTo(new Date(slot.at.getTime() - MINUTE));
    });
    await step(`${slot.name}: the digest goes out.`, async () => {
      const before = slack.messagesIn(inbox).length;
      await moveTo(new Date(slot.at.getTime() + 1000));
      await waitFor(`the ${slot.name} digest`, () => slack.messagesIn(inbox).length > before);
    });
  }
  stage.narrate('The end. Try it yourself: act as anyone, type /escalate, move the clock, edit the matrix.');
}
