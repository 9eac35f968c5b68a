import { registerIssueButtons } from './actions/issue-buttons.js';
import { registerEscalateCommand } from './commands/escalate.js';
import { dedupeEvents } from './event-dedupe.js';
import { registerAppHome } from './events/app-home.js';
import { registerThreadAndReactions } from './events/thread-and-reactions.js';
import type { ListenerDeps } from './listener-kit.js';
import { registerUnknownRequests } from './unknown-requests.js';
import { registerEscalateSubmitted } from './views/escalate-submitted.js';
import { registerEscalateIntake } from './views/escalate-intake.js';
import { registerReasonForms } from './views/reason-submitted.js';
import { registerResolveSubmitted } from './views/resolve-submitted.js';
import { registerLinkSubmitted } from './views/link-submitted.js';

export function registerListeners({ app, ctx }: Pick<ListenerDeps, 'app' | 'ctx'>): void {
  const deps: ListenerDeps = { app, ctx, handled: { actions: new Set(), views: new Set() } };
  deps.app.use(dedupeEvents(deps.ctx));
  registerEscalateCommand(deps);
  registerEscalateSubmitted(deps);
  registerEscalateIntake(deps);
  registerIssueButtons(deps);
  registerResolveSubmitted(deps);
  registerReasonForms(deps);
  registerLinkSubmitted(deps);
  registerThreadAndReactions(deps);
  registerAppHome(deps);
  // Last: it reads what the others registered.
  registerUnknownRequests(deps);
}
