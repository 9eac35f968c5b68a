import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

type Json = Record<string, any>;

/** How long Slack waits for an envelope's ack before giving up on it. */
const ACK_TIMEOUT_MS = 3000;

/**
 * The sandbox's Socket Mode: the WebSocket that apps.connections.open points to.
 * It greets the app with `hello`, delivers envelopes, and waits for each ack, as Slack does.
 */
export class SocketModeServer {
  private readonly sockets: WebSocketServer;
  private readonly acks = new Map<string, (payload: Json) => void>();

  constructor(server: Server, path = '/socket') {
    this.sockets = new WebSocketServer({ server, path });
    this.sockets.on('connection', (socket) => this.greet(socket));
  }

  get connected(): boolean {
    return [...this.sockets.clients].some((s) => s.readyState === s.OPEN);
  }

  close(): void {
    for (const socket of this.sockets.clients) socket.terminate();
    this.sockets.close();
  }

  private greet(socket: WebSocket): void {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: Json };
      if (message.envelope_id) this.acks.get(message.envelope_id)?.(message.payload ?? {});
    });
    socket.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0FRONTLINE' } }));
  }

  /** Sends an envelope to the app and waits for its ack; undefined when none comes within 3 seconds. */
  async deliver(type: string, payload: Json, retry?: { num: number; reason: string }): Promise<Json | undefined> {
    const socket = [...this.sockets.clients].find((s) => s.readyState === s.OPEN);
    if (!socket) throw new Error('sandbox: no Socket Mode connection');
    const envelopeId = randomBytes(8).toString('hex');
    const acked = new Promise<Json | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), ACK_TIMEOUT_MS);
      this.acks.set(envelopeId, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
    });
    socket.send(JSON.stringify({
      envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api',
      ...(retry ? { retry_attempt: retry.num, retry_reason: retry.reason } : {}),
    }));
    try {
      return await acked;
    } finally {
      this.acks.delete(envelopeId);
    }
  }
}
