// The public surface of @auditlens/loki: the HTTP client, LogQL builders, the pager and the readers built on it.
export * from './errors';
export * from './types';
export * from './http-client';
export * from './http-get';
export * from './logql';
export * from './page-sizer';
export * from './pager';
export * from './query-limits';
export * from './time-windows';
export * from './windowed-metrics';
export * from './parallel/notifier';
export * from './parallel/parallel-reader';
export * from './parallel/window-plan';
