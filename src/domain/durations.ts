/**
 * Durations as written in routing.yml: `90s`, `15m`, `4h`, `1h30m`, `2d`.
 * Days are kept apart from the rest because on a business calendar `d` means one
 * working day of that calendar, not 24 hours.
 */
export interface Duration {
  days: number;
  ms: number;
}

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

export function parseDuration(text: string): Duration | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [, d, h, m, s] = match.map((part) => Number(part ?? 0));
  const duration = { days: d!, ms: ((h! * 60 + m!) * 60 + s!) * 1000 };
  return duration.days === 0 && duration.ms === 0 ? undefined : duration;
}

export function formatDuration(duration: Duration): string {
  const parts: string[] = [];
  if (duration.days) parts.push(`${duration.days}d`);
  parts.push(formatMs(duration.ms, ''));
  return parts.filter(Boolean).join('') || '0m';
}

/** A compact human form of a span of milliseconds: `2h 5m`, `45s`. */
export function formatMs(ms: number, separator = ' '): string {
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  const parts: string[] = [];
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (s && !h) parts.push(`${s}s`);
  return parts.join(separator);
}

/** "12 min", "3 h 5 min", "2 d 4 h": how long something took, for people. */
export function humanSpan(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}
