/** The server as a library: what main.ts, tests and benchmarks start. */
export { type Config, ConfigError, loadConfig } from './config.ts';
export { type RunningServer, type StartOptions, startServer } from './server.ts';
