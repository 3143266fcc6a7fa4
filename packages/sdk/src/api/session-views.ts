/**
 * What draws a session that ParleyCalls starts: the default UI with
 * `setDefaultLayout(true)`, else the plain layout. This is where the SDK's core
 * and its UI meet; the core (session/, media/, calls/) imports nothing from ui/,
 * so an app that uses only `@parley/sdk/core` bundles no UI.
 *
 * Both are imported dynamically: bundled with splitting (the served
 * /sdk/parley.js, or an app's bundler) each is a chunk of its own that a page
 * loads only when a session asks for that layout.
 */
import { ParleyError } from '@parley/protocol';
import type { SessionViewFactory } from '../session/session-view.ts';
import type { CallSettings } from './call-settings.ts';

export async function viewFor(settings: CallSettings, element: HTMLElement): Promise<SessionViewFactory> {
  try {
    if (!settings.defaultLayout) {
      const { PlainRenderer } = await import('../ui/plain-renderer.ts');
      return (session) => new PlainRenderer(element, session);
    }
    const { DefaultCallUI } = await import('../ui/default/index.ts');
    return (session) => new DefaultCallUI(element, session);
  } catch (error) {
    throw new ParleyError('NETWORK_ERROR', 'The call layout could not be loaded', { cause: error });
  }
}
