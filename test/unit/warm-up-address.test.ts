import { describe, expect, it } from 'vitest';
import { selfAddress } from '../../src/warm-up.js';

describe("the warm-up's own address", () => {
  it.each([
    [undefined, 'http://127.0.0.1:3000/slack/events'],
    ['0.0.0.0', 'http://127.0.0.1:3000/slack/events'],
    ['::', 'http://[::1]:3000/slack/events'],
    ['::1', 'http://[::1]:3000/slack/events'],
    ['10.1.2.3', 'http://10.1.2.3:3000/slack/events'],
  ])('asks HOST=%s at %s', (host, url) => {
    expect(selfAddress(host, 3000)).toBe(url);
  });

  it('does not ask a HOST given by name, which might resolve to another machine', () => {
    expect(selfAddress('frontline.internal', 3000)).toBeUndefined();
  });
});
