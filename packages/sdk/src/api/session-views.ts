/**
 * What draws a session that ParleyCalls starts: the default UI with
 * `setDefaultLayout(true)`, else the plain layout. This is where the SDK's core
 * and its UI meet; the core (session/, media/, calls/) imports nothing from ui/,
 * so an app that uses only `@parley/sdk/core` bundles no UI.
 *
 * The default UI is imported dynamically: bundled with splitting (the served
 * /sdk/parley.js, or an app's bundler) it is a chunk of its own that a page
 * loads only when a session asks for it.
 */
import { ParleyError } from '@parley/protocol';
import type { SessionViewFactory } from '../session/session-view.ts';
import { PlainRenderer } from '../ui/plain-renderer.ts';
import type { CallSettings } from './call-settings.ts';

export async function viewFor(settings: CallSettings, element: HTMLElement): Promise<SessionViewFactory> {
  if (!settings.defaultLayout) return (session) => new PlainRenderer(element, session);
  let ui: typeof import('../ui/default/index.ts');
  try {
    ui = await import('../ui/default/index.ts');
  } catch (error) {
    throw new ParleyError('NETWORK_ERROR', 'The default UI could not be loaded', { cause: error });
  }
  return (session) => new ui.DefaultCallUI(element, session);
}
