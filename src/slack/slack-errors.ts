import { ErrorCode } from '@slack/web-api';

/**
 * How to treat a failed send: wait and retry (a rate limit), back off and retry
 * (Slack or the network or the database is having trouble), give up now (Slack
 * refused it for good), or give up now and log it loudly (a bug: retrying the
 * same code on the same message would fail the same way, and block its lane).
 */
export type SlackFailure =
  | { kind: 'ratelimited'; retryAfterMs: number; error: string }
  | { kind: 'transient'; error: string }
  | { kind: 'permanent'; error: string }
  | { kind: 'unexpected'; error: string };

/** Network and database connection failures (node and postgres.js codes): the infrastructure, not the message. */
const INFRASTRUCTURE_ERRORS = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT',
]);
/** Postgres SQLSTATEs worth retrying: connection exceptions, resources, shutdown, serialization and deadlocks. */
const TRANSIENT_SQLSTATE = /^(08...|53...|57P0.|40001|40P01)$/;

/** Platform errors that mean "try again later" rather than "this will never work". */
const TRANSIENT_PLATFORM_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

/** A queued message that can never be sent as it stands (it no longer fits its kind): retrying will not help. */
export class UnsendableMessage extends Error {
  readonly code = 'unsendable_message';
}

export function classifySlackError(err: unknown): SlackFailure {
  if (err instanceof UnsendableMessage) return { kind: 'permanent', error: err.code };
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return { kind: 'ratelimited', retryAfterMs: (e.retryAfter ?? 1) * 1000, error: 'ratelimited' };
    case ErrorCode.HTTPError:
      return (e.statusCode ?? 500) >= 500
        ? { kind: 'transient', error: `http_${e.statusCode}` }
        : { kind: 'permanent', error: `http_${e.statusCode}` };
    case ErrorCode.RequestError:
      // The client's own deadline (SLACK_TIMEOUT_MS) aborts a call Slack does not answer.
      return { kind: 'transient', error: (err as { original?: { name?: string } }).original?.name === 'TimeoutError' ? 'timeout' : 'network_error' };
    case ErrorCode.PlatformError: {
      const error = e.data?.error ?? 'unknown_error';
      return TRANSIENT_PLATFORM_ERRORS.has(error) ? { kind: 'transient', error } : { kind: 'permanent', error };
    }
    default:
      if (e.code && (INFRASTRUCTURE_ERRORS.has(e.code) || TRANSIENT_SQLSTATE.test(e.code))) return { kind: 'transient', error: e.code.toLowerCase() };
      return { kind: 'unexpected', error: e.code ?? (err instanceof Error ? `${err.name}: ${err.message}` : String(err)) };
  }
}

/** A platform error code ("expired_trigger_id"), or undefined for anything else. */
export function platformError(err: unknown): string | undefined {
  const e = err as { code?: string; data?: { error?: string } };
  return e.code === ErrorCode.PlatformError ? e.data?.error : undefined;
}
