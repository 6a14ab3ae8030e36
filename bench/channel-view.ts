// `node bench/channel-view.ts OUT.html [workloads]`: runs the in-process fixture storm (bench/storm.ts,
// real Slack pace) and writes the channel as a reader sees it afterwards (top-level messages, latest
// edit of each) as a static HTML page, a rough Slack look-alike for docs/img/channel-view.png
// (`chromium --headless --no-sandbox --disable-gpu --disable-background-networking --screenshot=… OUT.html`).
import { writeFileSync } from 'node:fs';
import type { ChannelMessage } from '../test/support/fake-slack.ts';
import { fixtureStorm } from './storm.ts';

const EMOJI: Record<string, string> = {
  cloud_with_lightning: '🌩️',
  rotating_light: '🚨',
  dart: '🎯',
  small_red_triangle: '🔺',
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  white_check_mark: '✅',
  grey_question: '❔',
  thread: '🧵',
};

/** Slack mrkdwn (already entity-escaped by the bot) to HTML: dates, emoji, code, bold, italics, lines. */
function html(mrkdwn: string): string {
  return mrkdwn
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<[^>]*>/g, '')
    .replace(/"/g, '&quot;')
    .replace(/:([a-z_]+):/g, (m, name: string) => EMOJI[name] ?? m)
    .replace(/```([\s\S]*?)```/g, '<pre>$1</pre>')
    .replace(/`([^`]*)`/g, '<code>$1</code>')
    .replace(/\*([^*\n]+)\*/g, '<b>$1</b>')
    .replace(/(^|\s)_([^_\n]+)_/g, '$1<i>$2</i>')
    .replace(/\n/g, '<br>');
}

interface Block {
  type: string;
  text?: { text: string };
  elements?: { type: string; text: string | { text: string }; style?: string }[];
}

function render(message: ChannelMessage): string {
  const blocks = (Array.isArray(message.blocks) ? message.blocks : []) as Block[];
  const body = blocks
    .map((b) => {
      if (b.type === 'section') return `<div class="section">${html(b.text?.text ?? '')}</div>`;
      if (b.type === 'context') return `<div class="context">${(b.elements ?? []).map((e) => html(typeof e.text === 'string' ? e.text : e.text.text)).join(' ')}</div>`;
      if (b.type === 'actions') return `<div class="actions">${(b.elements ?? []).map((e) => `<span class="button ${e.style ?? ''}">${html(typeof e.text === 'string' ? e.text : e.text.text)}</span>`).join('')}</div>`;
      return '';
    })
    .join('');
  return `<div class="message"><div class="avatar">🤖</div><div class="content"><div class="who"><b>crashloop-bot</b> <span class="app">APP</span></div>${body || html(message.text)}</div></div>`;
}

const out = process.argv[2] ?? 'channel-view.html';
const count = Number(process.argv[3] ?? 30);
let view: ChannelMessage[] = [];
const figures = await fixtureStorm(0, count, 240, (v) => (view = v));
const page = `<!doctype html><meta charset="utf-8"><title>#incidents</title><style>
body{font-family:Lato,'Helvetica Neue',Arial,sans-serif;font-size:15px;color:#1d1c1d;margin:0;background:#fff;width:1100px}
.head{padding:12px 20px;border-bottom:1px solid #ddd;font-weight:900;font-size:18px}
.message{display:flex;padding:8px 20px}.avatar{font-size:28px;width:44px}.content{flex:1}
.app{font-size:10px;background:#eee;padding:1px 3px;border-radius:2px;color:#555}
.section{margin:4px 0;line-height:1.45}.context{font-size:12.5px;color:#616061;margin:4px 0}
code{font-family:Monaco,Menlo,monospace;font-size:12px;color:#c01343;background:#f6f6f6;border:1px solid #e0e0e0;border-radius:3px;padding:0 3px}
.actions{margin:6px 0}.button{display:inline-block;border:1px solid #bbb;border-radius:4px;padding:3px 10px;margin-right:6px;font-size:13px;font-weight:700}
.button.danger{color:#e01e5a;border-color:#e01e5a}
</style><div class="head"># incidents <span style="font-weight:400;font-size:13px;color:#666">(fake Slack after a ${figures.workloads}-workload storm: ${figures.digests} digest, ${figures.parents} parents)</span></div>
${view.slice(0, 6).map(render).join('\n')}`;
writeFileSync(out, page);
console.log(JSON.stringify({ out, messages: view.length, figures }));
process.exit(0);
