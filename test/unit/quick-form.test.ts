import { describe, expect, it } from 'vitest';
import { parseEscalate } from '../../src/domain/quick-form.js';
import { EXAMPLE_ROUTING, matrixFrom } from '../support/harness.js';

const matrix = matrixFrom(EXAMPLE_ROUTING);
const parse = (text: string) => parseEscalate(text, matrix);

describe('/escalate quick form', () => {
  it('files a known category, level and summary at once', () => {
    expect(parse('billing hard Charged twice for order 1182')).toEqual({
      kind: 'file',
      draft: { category: 'billing', level: 'hard', origin: 'other', summary: 'Charged twice for order 1182' },
      assumedOrigin: true,
    });
  });

  it('never guesses an origin silently: with no "other" origin the form asks', () => {
    const noOther = matrixFrom(EXAMPLE_ROUTING.replace('origins: [phone, email, chat, twitter, facebook, instagram, app-review, other]', 'origins: [phone, email, chat, twitter, facebook, instagram, app-review]'));
    expect(parseEscalate('billing hard Charged twice', noOther)).toEqual({
      kind: 'modal',
      draft: { category: 'billing', level: 'hard', summary: 'Charged twice' },
      notes: ['Say where the customer came from: routing.yml has no "other" origin, so Frontline does not guess.'],
    });
    expect(parseEscalate('billing hard via:email Charged twice', noOther)).toMatchObject({ kind: 'file', draft: { origin: 'email' } });
  });

  it('is case-insensitive, takes either order, and reads via: anywhere', () => {
    expect(parse('HARD Billing Charged twice via:Twitter again')).toEqual({
      kind: 'file',
      draft: { category: 'billing', level: 'hard', origin: 'twitter', summary: 'Charged twice again' },
    });
  });

  it('answers help', () => {
    expect(parse('help')).toEqual({ kind: 'help' });
    expect(parse('  HELP ')).toEqual({ kind: 'help' });
  });

  it.each([
    ['', {}, []],
    ['billing', { category: 'billing' }, []],
    ['billing Charged twice', { category: 'billing', summary: 'Charged twice' }, []],
    ['urgent billing Charged twice', { summary: 'urgent billing Charged twice' }, []],
    ['billing hard', { category: 'billing', level: 'hard' }, []],
  ])('opens the modal with what was understood from %j', (text, draft, notes) => {
    expect(parse(text)).toEqual({ kind: 'modal', draft, notes });
  });

  it('does not file with an unknown origin, and says why', () => {
    const result = parse('billing hard Charged twice via:tiktok');
    expect(result.kind).toBe('modal');
    if (result.kind !== 'modal') return;
    expect(result.draft).toEqual({ category: 'billing', level: 'hard', summary: 'Charged twice' });
    expect(result.notes[0]).toMatch(/"tiktok" is not a known origin; pick one of: phone, email/);
  });

  it('moves an overlong summary into the details and asks for a shorter one', () => {
    const long = 'word '.repeat(40).trim();
    const result = parse(`billing hard ${long}`);
    expect(result.kind).toBe('modal');
    if (result.kind !== 'modal') return;
    expect(result.draft.summary).toHaveLength(150);
    expect(result.draft.details).toBe(long);
    expect(result.notes[0]).toMatch(/limited to 150 characters/);
  });
});
