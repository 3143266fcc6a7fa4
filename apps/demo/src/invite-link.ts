/**
 * A group call's invite link is the demo's own URL with `?session=<id>` (and
 * `&audio=1` for an audio call): opening it joins that call.
 */

export interface Invitation {
  sessionId: string;
  audioOnly: boolean;
}

export function inviteLink(page: Location, { sessionId, audioOnly }: Invitation): string {
  const url = new URL(page.href);
  url.search = '';
  url.searchParams.set('session', sessionId);
  if (audioOnly) url.searchParams.set('audio', '1');
  return url.toString();
}

/** The call the page was opened to join, if its URL is an invite link. */
export function invitationIn(page: Location): Invitation | undefined {
  const params = new URLSearchParams(page.search);
  const sessionId = params.get('session');
  return sessionId ? { sessionId, audioOnly: params.get('audio') === '1' } : undefined;
}

/** What the user typed to join: an invite link or a bare session id. */
export function sessionIdFrom(text: string): string {
  const trimmed = text.trim();
  try {
    return new URL(trimmed).searchParams.get('session') ?? trimmed;
  } catch {
    return trimmed;
  }
}

export function newSessionId(): string {
  return `call-${crypto.randomUUID().slice(0, 8)}`;
}
