/**
 * What a reply in a card's thread asks for, judged by its first word, so that
 * experts can work where they already are: `claim`, `mine` or `taking` claims;
 * `unclaim` hands back; `waiting <question>` pauses for the customer; `resume` resumes;
 * `same as ESC-12` links the issue to ESC-12's swarm; `unlink ESC-15` takes a report out.
 */
export type ThreadCommand =
  | { kind: 'claim' }
  | { kind: 'unclaim' }
  | { kind: 'waiting'; question?: string }
  | { kind: 'resume' }
  /** `same as ESC-12`: this thread's issue is another report of ESC-12's swarm. */
  | { kind: 'same_as'; key: string }
  /** `unlink ESC-15`: a report of this thread's issue is a different problem after all. */
  | { kind: 'unlink'; key: string }
  | { kind: 'none' };

const CLAIM_WORDS = new Set(['claim', 'mine', 'taking']);

export function parseThreadReply(text: string): ThreadCommand {
  // A reply may start by mentioning the bot: "@Frontline claim".
  const words = text.replace(/^(\s*<@[UW][A-Z0-9]+(\|[^>]*)?>)+/, '').trim().split(/\s+/);
  const first = (words[0] ?? '').toLowerCase().replace(/[.,:;!?]+$/, '');
  const rest = words.slice(1).join(' ').trim();
  if (CLAIM_WORDS.has(first)) return { kind: 'claim' };
  if (first === 'unclaim') return { kind: 'unclaim' };
  if (first === 'waiting') return rest ? { kind: 'waiting', question: rest } : { kind: 'waiting' };
  if (first === 'resume') return { kind: 'resume' };
  const key = /^ESC-\d+$/i.exec(words.at(-1)?.replace(/[.,:;!?]+$/, '') ?? '')?.[0]?.toUpperCase();
  if (key && first === 'same' && /^same (as )?esc-\d+$/i.test(words.join(' ').replace(/[.,:;!?]+$/, ''))) return { kind: 'same_as', key };
  if (key && first === 'unlink' && words.length === 2) return { kind: 'unlink', key };
  return { kind: 'none' };
}

/** Issue keys mentioned in a message, e.g. an agent's DM "ESC-12: she says it is fixed". */
export function issueKeysIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\bESC-(\d+)\b/gi)].map((m) => `ESC-${m[1]}`))];
}
