import type { Server } from 'node:http';
import { startParts, type PlaygroundParts, type StartOptions } from './playground.js';
import { listen, playgroundServer } from './server.js';
import { playStory } from './story.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4747;

export interface Playground {
  url: string;
  parts: PlaygroundParts;
  /** Resolves when a story started from the page has finished (tests). */
  storyDone(): Promise<void>;
  stop(): Promise<void>;
}

export interface PlaygroundOptions extends StartOptions {
  port?: number;
  host?: string;
  /** Between the story's steps, so that a person can watch; shorter in tests. */
  storyPauseMs?: number;
}

/** The app, the sandbox and the page, served at the URL it returns. */
export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const parts = await startParts(options);
  let story: Promise<void> = Promise.resolve();
  const server: Server = playgroundServer(parts, {
    '/story': () => {
      if (parts.story.running) return;
      parts.story = { running: true, caption: 'Starting the story…' };
      story = tellStory(parts, options.storyPauseMs ?? 1500);
    },
  });
  const host = options.host ?? DEFAULT_HOST;
  let port: number;
  try {
    port = await listen(server, options.port ?? DEFAULT_PORT, host);
  } catch (error) {
    await parts.stop();
    throw error;
  }
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    parts,
    storyDone: () => story,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await story.catch(() => undefined);
      await parts.stop();
    },
  };
}

/** Plays the story in the background; the page shows its captions as they come. */
async function tellStory(parts: PlaygroundParts, pauseMs: number): Promise<void> {
  const narrate = (caption: string) => {
    parts.story.caption = caption;
    parts.changes++;
  };
  try {
    await playStory({
      slack: parts.slack, driver: parts.driver, app: parts.app, clock: parts.clock, narrate,
      pause: () => new Promise((resolve) => setTimeout(resolve, pauseMs)),
    });
  } catch (error) {
    narrate(`The story stopped: ${(error as Error).message.replace(/^sandbox: /, '')}. It expects the example matrix and a workspace it has not played in yet.`);
  } finally {
    parts.story.running = false;
    parts.changes++;
  }
}
