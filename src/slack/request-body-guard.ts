import { HTTPModuleFunctions } from '@slack/bolt';

/** The kinds of request Bolt knows how to route; anything else it would leave unanswered. */
const ROUTABLE_TYPES = new Set([
  'event_callback', 'block_actions', 'interactive_message', 'message_action', 'shortcut', 'view_submission', 'view_closed',
  'block_suggestion', 'dialog_submission', 'dialog_cancellation', 'dialog_suggestion', 'url_verification',
]);

function routable(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false;
  const b = body as { type?: unknown; command?: unknown; ssl_check?: unknown };
  return typeof b.command === 'string' || b.ssl_check !== undefined || (typeof b.type === 'string' && ROUTABLE_TYPES.has(b.type));
}

/**
 * Two gaps in Bolt's HTTP receiver, closed where it parses a request body:
 * - it reads `body.ssl_check` outside any try, so a signed body that parses to
 *   something other than an object (the JSON `null`) throws in a promise nobody
 *   awaits, which would end the process;
 * - a body of a kind it cannot route gets no answer at all, and Slack shows an
 *   error after 3 seconds.
 * Slack sends neither, but one request must never stall or kill the bot: the
 * parser now refuses such bodies, and Bolt answers 400 as for any malformed body.
 */
export function refuseUnroutableBodies(): void {
  const functions = HTTPModuleFunctions as { parseHTTPRequestBody: (req: never) => unknown; guarded?: true };
  if (functions.guarded) return;
  const parse = functions.parseHTTPRequestBody;
  functions.parseHTTPRequestBody = (req: never) => {
    const body = parse(req);
    if (!routable(body)) throw new Error('not a request Slack sends (no known type)');
    return body;
  };
  functions.guarded = true;
}
