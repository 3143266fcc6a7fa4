/**
 * A tiny React app for react.test.ts: `window.reactCall.mount(authToken, sessionId)`
 * renders `<ParleyCall>` (the default UI) for a fresh call token, and
 * `unmount()` takes it off the page. It keeps the session (`window.session`,
 * for the harness's getStats) and the events its props received (`window.events`).
 */
import { ParleyCall } from '@parley/react';
import { ParleyCalls } from '@parley/sdk';
import { createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';

const w = window as unknown as { reactCall: unknown; session: unknown; events: { name: string; payload: unknown }[] };
w.events = [];
let root: Root | undefined;

w.reactCall = {
  async mount(authToken: string, sessionId: string): Promise<void> {
    ParleyCalls.init({ serverUrl: location.origin });
    const callToken = await ParleyCalls.generateToken(authToken, sessionId);
    const host = document.getElementById('root') as HTMLElement;
    host.style.cssText = 'width:800px;height:600px';
    root = createRoot(host);
    root.render(
      createElement(ParleyCall, {
        callToken,
        onSession: (session) => {
          w.session = session;
        },
        onUserMuted: (info) => w.events.push({ name: 'onUserMuted', payload: info.muted.uid }),
        onError: (error) => w.events.push({ name: 'onError', payload: error.code }),
      }),
    );
  },
  unmount(): void {
    root?.unmount();
  },
};
