// Public entry points of the diagnosis engine. These signatures are stable.
export * from './types.ts';
export { diagnose, type DiagnoseOptions } from './diagnose.ts';
export { packHits, packLabel, unusable, type PackCommand, type PackHit, type PackRule, type RulePack } from './packs.ts';
export { redactText, redactSnapshot } from './redact.ts';
export { RULES } from './registry.ts';
