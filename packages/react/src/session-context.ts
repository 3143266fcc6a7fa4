/** The session the hooks read: `<CallSessionProvider session={…}>` around an app's own call UI. */
import type { CallSession } from '@parley/sdk';
import { createContext, createElement, type ReactElement, type ReactNode, useContext } from 'react';

const SessionContext = createContext<CallSession | undefined>(undefined);

export function CallSessionProvider({ session, children }: { session: CallSession; children?: ReactNode }): ReactElement {
  return createElement(SessionContext.Provider, { value: session }, children);
}

/** The session of the nearest `<CallSessionProvider>`; throws outside one (a hook without a session is a bug). */
export function useCallSession(): CallSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('Parley hooks need a <CallSessionProvider session={…}> around them');
  return session;
}
