// The seed's flow against the installed @parley/sdk: every setter, the delegate, the in-call methods.
import { AudioMode, AvatarMode, type CallSession, CallSettingsBuilder, DisplayModes, ParleyCalls, type ParleyError, type RTCUser } from '@parley/sdk';

declare const authToken: string;

ParleyCalls.init({ serverUrl: 'https://calls.example.com' });
const callToken = await ParleyCalls.generateToken(authToken, 'standup-42');
const settings = new CallSettingsBuilder()
  .setDefaultLayout(true)
  .setIsAudioOnly(false)
  .setIsSingleMode(false)
  .setShowSwitchToVideoCall(true)
  .setEnableVideoTileClick(true)
  .setEnableDraggableVideoTile(true)
  .setEndCallButtonDisable(false)
  .setShowRecordingButton(true)
  .setSwitchCameraButtonDisable(false)
  .setMuteAudioButtonDisable(false)
  .setPauseVideoButtonDisable(false)
  .setAudioModeButtonDisable(false)
  .setStartAudioMuted(false)
  .setStartVideoMuted(false)
  .setMode(DisplayModes.SPOTLIGHT)
  .setAvatarMode(AvatarMode.CIRCLE)
  .setDefaultAudioMode(AudioMode.SPEAKER)
  .setIdleTimeoutPeriod(180)
  .setDelegate({
    onUserJoined: (user: RTCUser) => console.log(`${user.name} joined`, user.isLocalUser),
    onUserLeft: (user) => console.log(`${user.uid} left`),
    onUserListChanged: (users) => console.log(users.length),
    onUserMuted: (info) => console.log(info.muted.uid, info.isAudioMuted),
    onCallEnded: () => void ParleyCalls.endSession(),
    onCallEndButtonPressed: () => void ParleyCalls.endSession(),
    onSessionTimeout: () => console.log('timeout'),
    onRecordingToggled: (info) => console.log(info.recording),
    onAudioModeChanged: (modes) => console.log(modes),
    onCallSwitchedToVideo: (info) => console.log(info.initiator),
    onError: (error: ParleyError) => console.log(error.code),
  })
  .build();
const session: CallSession = await ParleyCalls.startSession(callToken, settings, document.getElementById('call')!);
await ParleyCalls.audioMuted(true);
await ParleyCalls.videoPaused(true);
await ParleyCalls.switchCamera();
await ParleyCalls.setAudioMode(AudioMode.EARPIECE);
const modes: AudioMode[] = await ParleyCalls.getAudioOutputModes();
await ParleyCalls.enterPIPMode();
await ParleyCalls.exitPIPMode();
await ParleyCalls.startRecording();
await ParleyCalls.stopRecording();
await ParleyCalls.switchToVideoCall();
await ParleyCalls.stayInSession();
console.log(modes, session.state, session.getParticipants());
await ParleyCalls.endSession();
