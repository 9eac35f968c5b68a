import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

/**
 * The README's example alert rules, read as Prometheus reads them: each names
 * a metric that Frontline exports, so a renamed metric cannot silently leave an
 * alert that never fires. (CI also runs `promtool check rules` on the file.)
 */
const rules = parse(readFileSync(new URL('../../deploy/prometheus/frontline-alerts.yml', import.meta.url), 'utf8')) as {
  groups: Array<{ name: string; rules: Array<{ alert: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }> }>;
};
const source = ['../../src/metrics.ts'].map((f) => readFileSync(new URL(f, import.meta.url), 'utf8')).join('\n');

describe('Prometheus alert rules', () => {
  const all = rules.groups.flatMap((g) => g.rules);

  it('cover a stuck outbox, a stalled sweeper and rising missed targets', () => {
    expect(all.map((r) => r.alert)).toEqual(expect.arrayContaining(['FrontlineOutboxStuck', 'FrontlineSweeperStalled', 'FrontlineTargetsMissedRising']));
  });

  it.each(rules.groups.flatMap((g) => g.rules.map((r) => [r.alert, r] as const)))('%s names metrics Frontline exports, a severity and a summary', (_name, rule) => {
    const metrics = [...rule.expr.matchAll(/\b(frontline_[a-z_]+?)(_count|_bucket|_sum)?\b/g)].map((m) => m[1]!);
    for (const metric of metrics) expect(source, metric).toContain(`'${metric}'`);
    expect(rule.labels?.severity).toMatch(/^(page|ticket)$/);
    expect(rule.annotations?.summary).toBeTruthy();
    if (rule.for) expect(rule.for).toMatch(/^\d+[smh]$/);
  });
});
