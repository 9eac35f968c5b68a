/**
 * The floor for acknowledgement latency: a Bolt app in HTTP mode that does
 * nothing but ack `/escalate`, with the same receiver settings as Frontline.
 * Plain JavaScript, run by node itself: the process measured is the app's own
 * (under tsx, it would be tsx's launcher, with the app in a child process).
 */
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const receiver = new HTTPReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET, endpoints: '/slack/events' });
const app = new App({
  token: process.env.SLACK_BOT_TOKEN, botId: 'B0BARE', botUserId: 'U0BARE', receiver, logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL }, convoStore: false,
});
app.command('/escalate', async ({ ack }) => {
  await ack({ response_type: 'ephemeral', text: 'ok' });
});
const server = await app.start(0);
process.stdout.write(`${JSON.stringify({ port: server.address().port, msg: 'bare bolt started' })}\n`);
process.on('SIGTERM', () => void app.stop().then(() => process.exit(0)));
