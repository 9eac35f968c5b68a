import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, safeText, slackDate, truncate } from '../../src/domain/mrkdwn.js';

describe('escaping untrusted text', () => {
  it.each([
    ['<!channel> look', '&lt;!channel&gt; look'],
    ['<!here|here> <!everyone>', '&lt;!here|here&gt; &lt;!everyone&gt;'],
    ['ping <@U0ANNA> and <!subteam^S0SENIOR>', 'ping &lt;@U0ANNA&gt; and &lt;!subteam^S0SENIOR&gt;'],
    ['<https://evil.example|click me>', '&lt;https://evil.example|click me&gt;'],
    ['Tom & Jerry &amp; co', 'Tom &amp; Jerry &amp;amp; co'],
    ['*bold* _it_ `code`', '*bold* _it_ `code`'],
  ])('escapes %j', (input, expected) => expect(escapeMrkdwn(input)).toBe(expected));
});

describe('cutting text to a limit', () => {
  it('keeps short text as it is', () => expect(truncate('short', 10)).toBe('short'));
  it('cuts with an ellipsis within the limit', () => {
    const cut = truncate('a'.repeat(3100), 3000);
    expect(cut).toHaveLength(3000);
    expect(cut.endsWith('…')).toBe(true);
  });
  it('never leaves half an escape sequence', () => {
    const cut = safeText(`${'a'.repeat(7)}<b`, 10);
    expect(cut).toBe('aaaaaaa…');
    expect(cut).not.toMatch(/&[a-z]*$/);
  });
  it('never splits a surrogate pair', () => {
    const cut = truncate(`${'a'.repeat(8)}😀😀`, 10);
    expect(cut).toBe('aaaaaaaa…');
  });
});

describe('dates for each reader', () => {
  it('uses a Slack date token with a UTC fallback', () => {
    expect(slackDate(new Date('2026-11-23T10:00:00.500Z'))).toBe('<!date^1795428000^{date_short_pretty} {time}|2026-11-23T10:00:00Z>');
  });
});
