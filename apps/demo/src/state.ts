/**
 * The demo's one mutable state, owned by DemoApp and passed to the parts that
 * need it: who is logged in (kept in localStorage, so a reload stays logged
 * in), the call this tab is in, and the SDK's ringing screen once it is up.
 */
import { ParleyError, type RingingScreen } from '@parley/sdk';

const STORE_KEY = 'parley.demo.v1';

/** What survives a reload, as stored under STORE_KEY. */
interface Profile {
  uid?: string;
  name?: string;
  authToken?: string;
  /** The call last entered: back in the lobby, its recordings are shown. */
  lastSessionId?: string;
}

export interface User {
  uid: string;
  name: string;
  authToken: string;
}

export interface CurrentCall {
  sessionId: string;
  /** A one-to-one call from the ringing flow: leaving it ends it for both. */
  direct: boolean;
}

export class DemoState {
  private readonly profile: Profile;
  private current: CurrentCall | undefined;
  private ringing: RingingScreen | undefined;

  constructor(private readonly storage: Storage) {
    this.profile = readProfile(storage);
  }

  /** The user, once logged in. */
  get user(): User | undefined {
    const { uid, name, authToken } = this.profile;
    return uid && name && authToken ? { uid, name, authToken } : undefined;
  }

  requireUser(): User {
    const user = this.user;
    if (!user) throw new ParleyError('AUTH_TOKEN_REQUIRED', 'Log in first');
    return user;
  }

  /** The uid this browser logged in with before: a new login keeps it. */
  get knownUid(): string | undefined {
    return this.profile.uid;
  }

  get knownName(): string | undefined {
    return this.profile.name;
  }

  get lastSessionId(): string | undefined {
    return this.profile.lastSessionId;
  }

  get call(): CurrentCall | undefined {
    return this.current;
  }

  get ringingScreen(): RingingScreen | undefined {
    return this.ringing;
  }

  loggedIn(user: User): void {
    Object.assign(this.profile, user);
    this.save();
  }

  /** The server no longer knows the auth token; the next page load logs in again with the same uid. */
  forgetAuthToken(): void {
    delete this.profile.authToken;
    this.save();
  }

  /** Logging out: nothing of this user stays in the browser. */
  forgetUser(): void {
    this.storage.removeItem(STORE_KEY);
  }

  enteredCall(call: CurrentCall): void {
    this.current = call;
    this.profile.lastSessionId = call.sessionId;
    this.save();
  }

  leftCall(): void {
    this.current = undefined;
  }

  ringingScreenShown(screen: RingingScreen): void {
    this.ringing = screen;
  }

  private save(): void {
    this.storage.setItem(STORE_KEY, JSON.stringify(this.profile));
  }
}

function readProfile(storage: Storage): Profile {
  try {
    const stored: unknown = JSON.parse(storage.getItem(STORE_KEY) ?? '{}');
    return typeof stored === 'object' && stored !== null ? (stored as Profile) : {};
  } catch {
    return {};
  }
}
