/**
 * What draws a session that ParleyCalls starts: the default UI with
 * `setDefaultLayout(true)`, else the plain layout. This is where the SDK's core
 * and its UI meet; the core (session/, media/, calls/) imports nothing from ui/,
 * so an app that uses only `@parley/sdk/core` bundles no UI.
 */
import type { SessionViewFactory } from '../session/session-view.ts';
import { DefaultCallUI } from '../ui/default/index.ts';
import { PlainRenderer } from '../ui/plain-renderer.ts';
import type { CallSettings } from './call-settings.ts';

export function viewFor(settings: CallSettings, element: HTMLElement): SessionViewFactory {
  if (settings.defaultLayout) return (session) => new DefaultCallUI(element, session);
  return (session) => new PlainRenderer(element, session);
}
