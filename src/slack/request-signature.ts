import { createHmac } from 'node:crypto';

/**
 * The headers Slack signs a request with (v0: an HMAC-SHA256 of the timestamp
 * and body under the app's signing secret), as Bolt verifies them.
 */
export function signatureHeaders(signingSecret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const hmac = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${hmac}` };
}
