/** What every route and plugin may use; built once in main (or in a test). */
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Secrets } from './secrets.ts';
import type { Store } from './store/index.ts';

export interface Services {
  readonly config: Config;
  readonly secrets: Secrets;
  readonly store: Store;
  readonly log: Logger;
}
