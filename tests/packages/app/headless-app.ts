// An app that draws its own UI from @parley/sdk/core: no default UI in its bundle.
import { BrowserMediaHandler, CallSession, CallSettingsBuilder, requestCallToken } from '@parley/sdk/core';

const settings = new CallSettingsBuilder().setDefaultLayout(false).build();
const { token } = await requestCallToken(location.origin, 'auth-token', 'standup');
const session = new CallSession({ serverUrl: location.origin, token, settings, media: new BrowserMediaHandler() });
session.on('onRemoteStream', ({ uid, source, stream }) => console.log(uid, source, stream.getTracks().length));
session.on('onActiveSpeakerChanged', (user) => console.log(user?.name ?? 'nobody'));
await session.start();
await session.audioMuted(true);
await session.endSession();
