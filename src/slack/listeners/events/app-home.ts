import { loadMyIssues } from '../../../app/my-issues.js';
import { beforeDeadline, isLate } from '../../../app/request-deadline.js';
import { HOME_BLOCKS, homeView, perList } from '../../blocks/issue-lists.js';
import type { ListenerDeps } from '../listener-kit.js';

/** The Home tab: what I work on, my teams' queue, and what I escalated. Fresh on every visit. */
export function registerAppHome({ app, ctx }: ListenerDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const mine = await beforeDeadline(ctx, (c) => loadMyIssues(c, event.user, perList(HOME_BLOCKS)));
    // Without the database the tab keeps what it showed last; the next change or visit refreshes it.
    if (isLate(mine)) return;
    await client.views.publish({ user_id: event.user, view: homeView(mine) });
  });
}
