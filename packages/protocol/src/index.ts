export * from './calls.ts';
export * from './errors.ts';
export * from './kit/index.ts';
export * from './quality.ts';
export * from './rest.ts';
export * from './signaling.ts';
export * from './video-views.ts';
export * from './webhooks.ts';
