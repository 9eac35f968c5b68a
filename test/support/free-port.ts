import { createServer, type AddressInfo } from 'node:net';

/** A port nothing listens on right now, for a process the test starts on it (a throwaway Postgres, a bot). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
