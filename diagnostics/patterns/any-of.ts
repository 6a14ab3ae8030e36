/**
 * One regular expression written as its top-level alternatives, one per line, so a diff shows which alternative
 * changed: `anyOf([/a/, /b(c|d)/], 'i')` is `/a|b(c|d)/i`, the same source and flags. The parts carry no flags of
 * their own (the whole expression's flags come last), and group numbers count across all parts, as in the joined form.
 */
export function anyOf(parts: readonly RegExp[], flags = ''): RegExp {
  for (const p of parts) if (p.flags !== '') throw new Error(`anyOf: the part /${p.source}/ has flags of its own; give them to anyOf`);
  return new RegExp(parts.map((p) => p.source).join('|'), flags);
}

/** A non-capturing group of alternatives, for use inside seq(): `group([/b/, /c/])` is `(?:b|c)`. */
export function group(parts: readonly RegExp[]): RegExp {
  return new RegExp(`(?:${anyOf(parts).source})`);
}

/** Pieces written one after another: `seq([/^a/, group([/b/, /c/]), /$/], 'i')` is `/^a(?:b|c)$/i`. */
export function seq(parts: readonly RegExp[], flags = ''): RegExp {
  for (const p of parts) if (p.flags !== '') throw new Error(`seq: the part /${p.source}/ has flags of its own; give them to seq`);
  return new RegExp(parts.map((p) => p.source).join(''), flags);
}
