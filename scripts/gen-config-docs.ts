// Writes docs/configuration.md from the zod schema (src/config-reference.ts). Run: npm run docs:config
import { writeFileSync } from 'node:fs';
import { configMarkdown } from '../src/config-reference.ts';

writeFileSync(new URL('../docs/configuration.md', import.meta.url), configMarkdown());
process.stdout.write('wrote docs/configuration.md\n');
