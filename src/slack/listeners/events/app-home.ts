import { loadMyIssues } from '../../../app/my-issues.js';
import { HOME_BLOCKS, homeView, perList } from '../../blocks/issue-lists.js';
import type { ListenerDeps } from '../listener-kit.js';

/** The Home tab: what I work on, my teams' queue, and what I escalated. Fresh on every visit. */
export function registerAppHome({ app, ctx }: ListenerDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await client.views.publish({ user_id: event.user, view: homeView(await loadMyIssues(ctx, event.user, perList(HOME_BLOCKS))) });
  });
}
