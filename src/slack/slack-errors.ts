import { ErrorCode } from '@slack/web-api';

/** How to treat a failed Slack call: wait and retry, back off and retry, or give up now. */
export type SlackFailure =
  | { kind: 'ratelimited'; retryAfterMs: number; error: string }
  | { kind: 'transient'; error: string }
  | { kind: 'permanent'; error: string };

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
      return { kind: 'transient', error: 'network_error' };
    case ErrorCode.PlatformError: {
      const error = e.data?.error ?? 'unknown_error';
      return TRANSIENT_PLATFORM_ERRORS.has(error) ? { kind: 'transient', error } : { kind: 'permanent', error };
    }
    default:
      return { kind: 'transient', error: e.message ?? String(err) };
  }
}

/** A platform error code ("expired_trigger_id"), or undefined for anything else. */
export function platformError(err: unknown): string | undefined {
  const e = err as { code?: string; data?: { error?: string } };
  return e.code === ErrorCode.PlatformError ? e.data?.error : undefined;
}
