// Public entry points of the diagnosis engine. These signatures are stable.
export * from './types.ts';
export { diagnose } from './diagnose.ts';
export { redactText, redactSnapshot } from './redact.ts';
export { RULES } from './registry.ts';
