/** Which page a person is looking at: who they act as, and which channel, DM, tab or thread. */
export interface Where {
  as: string;
  /** A channel or DM id, `home`, `digests` or `matrix`. */
  view: string;
  thread?: string;
}

export function whereOf(params: URLSearchParams, fallbackUser: string, fallbackView: string): Where {
  const thread = params.get('thread') ?? undefined;
  return { as: params.get('as') || fallbackUser, view: params.get('view') || fallbackView, ...(thread ? { thread } : {}) };
}

export function href(where: Where): string {
  const params = new URLSearchParams({ as: where.as, view: where.view });
  if (where.thread) params.set('thread', where.thread);
  return `/?${params}`;
}
