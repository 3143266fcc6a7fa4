// The ringing flow against the installed @parley/sdk: ParleyRinging rings, ParleyCalls holds the session.
import { type Call, CallSettingsBuilder, ParleyCalls, ParleyRinging } from '@parley/sdk';

declare const authToken: string;

ParleyCalls.init({ serverUrl: 'https://calls.example.com' });
await ParleyRinging.login(authToken);

async function join(call: Call): Promise<void> {
  const token = await ParleyCalls.generateToken(authToken, call.sessionId, { type: 'direct' });
  const settings = new CallSettingsBuilder()
    .setDelegate({
      onCallEndButtonPressed: async () => {
        await ParleyRinging.endCall(call.sessionId);
        ParleyRinging.clearActiveCall();
        await ParleyCalls.endSession();
      },
    })
    .build();
  await ParleyCalls.startSession(token, settings, document.getElementById('call')!);
}

ParleyRinging.addCallListener('app', { onOutgoingCallAccepted: (call) => void join(call) });
const screen = ParleyRinging.renderCallScreen(document.body, { onAccepted: (call) => void join(call) });
const call: Call = await ParleyRinging.initiateCall({ receiverUid: 'bob', type: 'video' });
const { items } = await ParleyRinging.getCallLogs({ authToken, limit: 5 });
console.log(call.status, screen.mode, items.length, ParleyRinging.getActiveCall()?.sessionId);
