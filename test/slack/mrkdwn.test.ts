import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { code, codeBlock, escapeSlack, joinMrkdwn, mrkdwn, plainText, text, trusted, truncateMrkdwn, userMention } from '../../src/slack/mrkdwn.ts';

/** Slack's control sequences: any `<` that survives is markup Slack would parse. */
const LIVE = /<[^>]*>?/;

describe('escapeSlack', () => {
  it('escapes exactly &, < and >', () => {
    expect(escapeSlack(`a & b <!channel> <@U123> <#C1> <!subteam^S1> <https://evil|Approved by SRE> "q" 'x'`)).toBe(
      `a &amp; b &lt;!channel&gt; &lt;@U123&gt; &lt;#C1&gt; &lt;!subteam^S1&gt; &lt;https://evil|Approved by SRE&gt; "q" 'x'`,
    );
  });
});

describe('mrkdwn tag', () => {
  it('keeps the literal markup and escapes every interpolation', () => {
    const cause = '<!channel> deploy by <@U999>';
    expect(mrkdwn`*Cause:* ${cause} (${3})`.text).toBe('*Cause:* &lt;!channel&gt; deploy by &lt;@U999&gt; (3)');
  });

  it('nests Mrkdwn values as they are (no double escaping)', () => {
    const inner = mrkdwn`*${'a&b'}*`;
    expect(mrkdwn`x ${inner} y`.text).toBe('x *a&amp;b* y');
    expect(joinMrkdwn([inner, '<x>'], mrkdwn`\n`).text).toBe('*a&amp;b*\n&lt;x&gt;');
  });

  it('trusted() is the only way to emit markup; userMention validates the id', () => {
    expect(trusted('<!date^1^{date}|x>').text).toBe('<!date^1^{date}|x>');
    expect(userMention('U0123ABC').text).toBe('<@U0123ABC>');
    expect(userMention('U1> <!channel').text).toBe('U1&gt; &lt;!channel');
  });

  it('code spans and blocks cannot be closed by the content', () => {
    expect(code('a`b<c>').text).toBe('`a\'b&lt;c&gt;`');
    expect(codeBlock('x ``` <!here>').text).toBe("```x ''' &lt;!here&gt;```");
  });

  it('code blocks fit their budget after escaping', () => {
    const block = codeBlock('<'.repeat(5000), 300).text;
    expect(block.length).toBeLessThanOrEqual(300);
    expect(block.endsWith('\n…```')).toBe(true);
    expect(block).not.toMatch(/&(?!lt;|amp;|gt;)/);
  });

  it('truncation never splits an entity', () => {
    const t = truncateMrkdwn(text('ab<<<<<<'), 7).text;
    expect(t).toBe('ab&lt;…');
  });

  it('plain_text is escaped too', () => {
    expect(plainText('Logs of <!channel>')).toBe('Logs of &lt;!channel&gt;');
  });

  it('no hostile input produces live markup (property)', () => {
    const hostile = fc.oneof(
      fc.string(),
      fc.constantFrom('<!channel>', '<!here>', '<@U123>', '<#C1|general>', '<!subteam^S1>', '<https://evil|Approved by SRE>', '&lt;', '```'),
      fc.string({ unit: fc.constantFrom('<', '>', '&', '!', '@', '#', '|', '^', '`', 'a', '\n') }),
    );
    fc.assert(
      fc.property(hostile, hostile, fc.integer({ min: 1, max: 60 }), (a, b, n) => {
        for (const out of [mrkdwn`*${a}* ${b}`.text, code(a).text, codeBlock(a, 40 + n).text, truncateMrkdwn(mrkdwn`${a}${b}`, n).text, plainText(a)]) {
          expect(out).not.toMatch(LIVE);
          expect(out).not.toContain('>');
        }
      }),
      { numRuns: 500 },
    );
  });
});
