// `crashloop serve [--role all|web|worker] [--cluster NAME]`: runs the bot until SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { loadRulePacks, RulePackError } from '../rule-packs/load.ts';
import { ROLES, startBot, type Role } from '../main.ts';
import { SERVE_HELP } from './help.ts';
import { createLogger, logFunction } from '../log/logger.ts';
import { installProcessGuard } from '../server/process-guard.ts';

export interface ServeIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  /** Resolves when the process should stop; default: SIGTERM or SIGINT. */
  stopSignal?: Promise<void>;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

export async function serve(argv: string[], io: ServeIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let values: { role?: string | undefined; cluster?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({ args: argv, options: { role: { type: 'string' }, cluster: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    io.stderr.write(`crashloop serve: ${error instanceof Error ? error.message : String(error)}\n\n${SERVE_HELP}`);
    return 2;
  }
  if (values.help === true) {
    io.stdout.write(SERVE_HELP);
    return 0;
  }
  const role = (values.role ?? 'all') as Role;
  if (!ROLES.includes(role)) {
    io.stderr.write(`crashloop serve: --role must be one of ${ROLES.join(', ')} (got "${values.role ?? ''}").\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(io.env, { role });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`crashloop serve: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  let packs;
  try {
    packs = config.rulesDir === undefined ? [] : loadRulePacks(config.rulesDir);
  } catch (error) {
    if (error instanceof RulePackError) {
      io.stderr.write(`crashloop serve: ${error.message}\nFix the packs (crashloop rules check ${config.rulesDir ?? ''}) or unset CRASHLOOP_RULES_DIR; see docs/rule-packs.md.\n`);
      return 2;
    }
    throw error;
  }
  const stopSignal = io.stopSignal ?? waitForSignal();
  // JSON lines on stderr at LOG_LEVEL; the plain lines on stdout below are for whoever started the process.
  const logger = createLogger({ level: config.logLevel });
  // No stray rejection or exception ends a serving process (src/server/process-guard.ts).
  const guard = installProcessGuard({ log: logFunction(logger) });
  let bot;
  try {
    // The report buttons' executor (src/actions), built only by roles that serve Slack; the bot closes it.
    bot = await startBot({ config, role, logger, packs, ...(values.cluster === undefined ? {} : { cluster: values.cluster }), executor: async (ctx) => (await import('../actions/bot-executor.ts')).createBotActionExecutor(ctx, { env: io.env }) });
  } catch (error) {
    guard.uninstall();
    io.stderr.write(`crashloop serve: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  io.stdout.write(`crashloop serve: role ${bot.role}, clusters ${bot.clusters.join(', ') || '(none)'}, listening on port ${bot.port}\n`);
  logger.info({ role: bot.role, clusters: bot.clusters, port: bot.port, metricsPort: bot.metricsPort ?? null }, 'started');
  await stopSignal;
  io.stdout.write('crashloop serve: shutting down\n');
  logger.info({ timeoutMs: config.shutdownTimeoutMs }, 'shutting down: intake stopped, draining running jobs');
  await bot.close();
  guard.uninstall();
  logger.info('stopped');
  if (io.stopSignal === undefined) {
    // A real process: a job given up at the shutdown bound may still hold a socket or timer open. Leave
    // anyway, soon; the unref'd timer does not itself keep the process alive when nothing else does.
    setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
  }
  return 0;
}
