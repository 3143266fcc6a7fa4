/**
 * The delegate `<ParleyCall>` gives its session: the session reads the
 * delegate's method at each event, so this one answers with a function that
 * calls the settings' own delegate and the component's current prop of that
 * name — props may change between renders, the session stays.
 */
import type { CallEvents, CallsEventsDelegate } from '@parley/sdk';

type Listener = (...args: unknown[]) => void;

export function liveDelegate(current: () => Partial<CallEvents>, own: CallsEventsDelegate | undefined): CallsEventsDelegate {
  return new Proxy({} as CallsEventsDelegate, {
    get: (_target, name) => {
      if (typeof name !== 'string') return undefined;
      return (...args: unknown[]) => {
        (own?.[name as keyof CallEvents] as Listener | undefined)?.(...args);
        (current()[name as keyof CallEvents] as Listener | undefined)?.(...args);
      };
    },
  });
}
