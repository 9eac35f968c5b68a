import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, slackLogger } from '../../src/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  return { log: createLogger('debug', stream), output: () => lines.join('') };
}

describe('logs never carry secrets', () => {
  it('redacts tokens and response URLs given as fields', () => {
    const { log, output } = capture();
    log.info({ token: 'xoxb-123-secret', headers: { authorization: 'Bearer xoxb-123-secret' }, responseUrl: 'https://hooks.slack.com/x' }, 'calling slack');
    expect(output()).not.toContain('xoxb-123-secret');
    expect(output()).not.toContain('hooks.slack.com');
    expect(output()).toContain('[redacted]');
  });

  it('masks tokens inside messages, including those logged by Bolt and the Web API client', () => {
    const { log, output } = capture();
    log.warn('retrying with xoxb-999-abc and xapp-1-A0-xyz');
    slackLogger(log).error('http request failed', { token: 'xoxb-777-def' });
    expect(output()).not.toMatch(/xoxb-(999|777)|xapp-1-A0/);
    expect(output()).toContain('xoxb-[redacted]');
  });
});
