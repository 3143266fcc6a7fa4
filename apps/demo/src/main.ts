/**
 * The demo app, as an app of yours would use Parley: a name (through the
 * development login, standing in for your own), a call with an invite link,
 * calling another user by uid with the SDK's ringing screens, the user's
 * recent calls, and a call's recordings with a player. It uses the SDK the
 * server serves at /sdk/parley.js (the build maps `@parley/sdk` there).
 */
import { ParleyCalls } from '@parley/sdk';
import { DemoApp } from './app.ts';
import { findPageElements } from './page.ts';
import { DemoState } from './state.ts';

ParleyCalls.init({ serverUrl: location.origin });
const app = new DemoApp(findPageElements(), new DemoState(localStorage));
void app.route();
