/**
 * Logging in with a name, through the development login: the first time the
 * user gets a uid made from the name; later logins keep it, so calls to it
 * still reach this browser.
 */
import { devLogin } from './server-api.ts';
import type { DemoState } from './state.ts';

export async function logIn(state: DemoState, name: string): Promise<void> {
  const uid = state.knownUid ?? uidFor(name);
  const { authToken } = await devLogin(uid, name);
  state.loggedIn({ uid, name, authToken });
}

/** `ada-lovelace-x3k9q`: readable, and unlikely to be someone else's. */
function uidFor(name: string): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'guest';
  return `${base}-${Math.random().toString(36).slice(2, 7)}`;
}
