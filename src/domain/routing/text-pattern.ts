import { RE2JS } from 're2js';

/**
 * A route's `text` condition. Matched with RE2 (a pure-JavaScript port), whose
 * time grows linearly with the text whatever the pattern: a pattern such as
 * `(a+)+$` cannot freeze the bot on a long details field, as it can with
 * JavaScript's backtracking RegExp. RE2 has no backreferences or lookarounds;
 * `frontline check` says so at the pattern's line.
 */
export interface TextPattern {
  source: string;
  /** The first match in `text`, case-insensitively, or null: for the reasons a route matched. */
  firstMatch(text: string): string | null;
  /** Whether `text` matches: a fraction of firstMatch's cost, for routing in bulk (replay). */
  matches(text: string): boolean;
}

/** Compiles a pattern, or throws with RE2's reason (e.g. "invalid or unsupported Perl syntax: `(?=`"). */
export function compileTextPattern(source: string): TextPattern {
  const pattern = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
  return {
    source,
    firstMatch(text) {
      const matcher = pattern.matcher(text);
      return matcher.find() ? matcher.group() : null;
    },
    matches: (text) => pattern.test(text),
  };
}
