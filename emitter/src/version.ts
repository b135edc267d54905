/** Instrumentation scope name of the emitter's records (Loki's `scope_name`). */
export const EMITTER_NAME = '@auditlens/emitter';
/** Instrumentation scope version (Loki's `scope_version`). */
export const EMITTER_VERSION = '0.1.0';
