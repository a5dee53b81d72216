// Types and JSON schemas of the console API, shared by web-k8s and backend-k8s.
// Each domain has its own module; this file only re-exports them.
export * from './errors.js';
export * from './common.js';
export * from './auth.js';
export * from './clusters.js';
export * from './rbac.js';
export * from './audit.js';
export * from './watch.js';
export * from './actions.js';
export * from './streams.js';
export * from './embed.js';
export * from './app-deploy.js';
