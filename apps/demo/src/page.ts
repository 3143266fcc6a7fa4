/**
 * The page's elements (index.html), found once and typed, and the three views
 * it switches between. A missing element is a mistake in index.html, reported
 * at start rather than at first use.
 */
import { ParleyError } from '@parley/sdk';
import { errorMessage } from './format.ts';

function find<T extends HTMLElement>(id: string, kind: { prototype: T; new (): T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new ParleyError('INTERNAL_ERROR', `index.html has no #${id} of the expected kind`);
  return element;
}

export function findPageElements() {
  return {
    who: find('who', HTMLElement),
    error: find('error', HTMLElement),
    views: { login: find('login', HTMLElement), lobby: find('lobby', HTMLElement), call: find('call', HTMLElement) },
    login: { form: find('login-form', HTMLFormElement), name: find('name', HTMLInputElement) },
    lobby: {
      startVideo: find('start-video', HTMLButtonElement),
      startAudio: find('start-audio', HTMLButtonElement),
      joinForm: find('join-form', HTMLFormElement),
      joinId: find('join-id', HTMLInputElement),
      dialForm: find('dial-form', HTMLFormElement),
      dialUid: find('dial-uid', HTMLInputElement),
      myUid: find('my-uid', HTMLElement),
      logout: find('logout', HTMLButtonElement),
    },
    recent: { list: find('recent', HTMLUListElement), empty: find('recent-empty', HTMLElement) },
    recordings: {
      section: find('recordings', HTMLElement),
      session: find('recordings-session', HTMLElement),
      list: find('recordings-list', HTMLUListElement),
      empty: find('recordings-empty', HTMLElement),
    },
    quality: {
      section: find('quality', HTMLElement),
      session: find('quality-session', HTMLElement),
      list: find('quality-plots', HTMLUListElement),
      empty: find('quality-empty', HTMLElement),
    },
    call: {
      id: find('call-id', HTMLElement),
      copyLink: find('copy-link', HTMLButtonElement),
      leave: find('leave', HTMLButtonElement),
      view: find('call-view', HTMLElement),
    },
  };
}

export type PageElements = ReturnType<typeof findPageElements>;
export type View = keyof PageElements['views'];

export function showView(page: PageElements, view: View): void {
  for (const [name, element] of Object.entries(page.views)) element.hidden = name !== view;
}

export function isShown(page: PageElements, view: View): boolean {
  return !page.views[view].hidden;
}

export function showError(page: PageElements, error: unknown): void {
  page.error.textContent = errorMessage(error);
  page.error.hidden = false;
}

export function clearError(page: PageElements): void {
  page.error.hidden = true;
}
