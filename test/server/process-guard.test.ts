// The process-level policy: a stray rejection is logged and counted and the process serves on; an
// uncaught exception too, until a burst says the process keeps breaking, then it exits 1.
import { afterEach, describe, expect, it } from 'vitest';
import { installProcessGuard, type ProcessGuard } from '../../src/server/process-guard.ts';
import { unexpectedErrorCounts } from '../../src/server/unexpected-errors.ts';

let guard: ProcessGuard | undefined;
afterEach(() => guard?.uninstall());

describe('process guard', () => {
  it('logs and counts an unhandled rejection without exiting', async () => {
    const logs: string[] = [];
    const exits: number[] = [];
    guard = installProcessGuard({ log: (m, e) => logs.push(`${m}: ${String(e)}`), exit: (c) => exits.push(c) });
    const before = unexpectedErrorCounts().process;
    process.emit('unhandledRejection', new Error('boom-rejection'), Promise.resolve());
    expect(unexpectedErrorCounts().process).toBe(before + 1);
    expect(logs.join('\n')).toContain('boom-rejection');
    expect(exits).toEqual([]);
  });

  it('survives rare uncaught exceptions and exits 1 on a burst', () => {
    const exits: number[] = [];
    let t = 0;
    guard = installProcessGuard({ log: () => undefined, exit: (c) => exits.push(c), maxExceptions: 3, windowMs: 1000, now: () => t });
    for (let i = 0; i < 3; i += 1) process.emit('uncaughtException', new Error(`e${i}`));
    expect(exits).toEqual([]);
    t = 5000; // the window has passed: old ones no longer count
    for (let i = 0; i < 3; i += 1) process.emit('uncaughtException', new Error(`f${i}`));
    expect(exits).toEqual([]);
    process.emit('uncaughtException', new Error('g'));
    expect(exits).toEqual([1]);
  });
});
