// The pattern tables write long regular expressions as one alternative per line (diagnostics/patterns/any-of.ts):
// the helpers must give back exactly the expression the parts spell, and refuse parts with flags of their own.
import { describe, expect, it } from 'vitest';
import { anyOf, group, seq } from '../../diagnostics/patterns/any-of.ts';
import { LOG_PATTERNS } from '../../diagnostics/patterns/index.ts';

describe('anyOf / group / seq', () => {
  it('anyOf joins top-level alternatives into the same source, with the flags given', () => {
    const re = anyOf([/exec format error/, /cannot (execute) binary file/], 'i');
    expect(re.source).toBe('exec format error|cannot (execute) binary file');
    expect(re.flags).toBe('i');
    expect(re.exec('Cannot Execute binary file')?.[1]).toBe('Execute');
  });

  it('seq and group spell a prefix, a group of alternatives and a suffix', () => {
    const re = seq([/^(?!.*\bINFO\b).*?/, group([/missing (\w+)/, /(\w+) is not set/]), /$/]);
    expect(re.source).toBe(String.raw`^(?!.*\bINFO\b).*?(?:missing (\w+)|(\w+) is not set)$`);
    expect(re.exec('ERROR DB_URL is not set')?.[2]).toBe('DB_URL');
    expect(re.test('INFO DB_URL is not set')).toBe(false);
  });

  it('refuses parts with flags of their own (they would be silently dropped)', () => {
    expect(() => anyOf([/a/i, /b/])).toThrow(/flags of its own/);
    expect(() => seq([/a/, /b/g])).toThrow(/flags of its own/);
  });

  it('every built-in pattern compiles to a usable expression with a unique id', () => {
    const ids = LOG_PATTERNS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of LOG_PATTERNS) expect(() => p.re.test('x'.repeat(64))).not.toThrow();
  });
});
