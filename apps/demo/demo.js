// The demo app: a name, a call, an invite link, calling another user by uid
// (the ringing flow, with the SDK's incoming/outgoing screens), and the user's
// recent calls from the call log. Uses only the SDK's public API and the
// development login, as an app of yours would use your own login.
import { CallSettingsBuilder, ParleyCalls } from '/sdk/parley.js';

const STORE_KEY = 'parley.demo.v1';
const $ = (id) => document.getElementById(id);
const show = (...ids) => {
  for (const id of ['login', 'lobby', 'call']) $(id).hidden = !ids.includes(id);
};

const state = JSON.parse(localStorage.getItem(STORE_KEY) ?? '{}');
const save = () => localStorage.setItem(STORE_KEY, JSON.stringify(state));

ParleyCalls.init({ serverUrl: location.origin });

function fail(error) {
  const el = $('error');
  el.textContent = error?.message ?? String(error);
  el.hidden = false;
}

function slug(name) {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'guest';
  return `${base}-${Math.random().toString(36).slice(2, 7)}`;
}

async function login(name) {
  const uid = state.uid ?? slug(name);
  const res = await fetch('/v1/dev/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uid, name }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error?.message ?? 'Login failed');
  Object.assign(state, { uid, name, authToken: body.authToken });
  save();
}

function inviteLink(sessionId, audioOnly) {
  const url = new URL(location.href);
  url.search = '';
  url.searchParams.set('session', sessionId);
  if (audioOnly) url.searchParams.set('audio', '1');
  return url.toString();
}

const STATUS_TEXT = {
  initiated: 'ringing',
  ongoing: 'ongoing',
  ended: 'ended',
  rejected: 'declined',
  cancelled: 'cancelled',
  busy: 'busy',
  unanswered: 'no answer',
};

function duration(seconds) {
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

function recentButton(text, label, onclick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'secondary';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.onclick = onclick;
  return b;
}

// The user's recent calls, from the call log (GET /v1/calls through the SDK).
async function renderRecent() {
  let items = [];
  try {
    items = (await ParleyCalls.getCallLogs({ authToken: state.authToken, limit: 10 })).items;
  } catch (error) {
    console.warn('call log unavailable', error);
  }
  const list = $('recent');
  list.replaceChildren();
  for (const call of items) {
    const other = [call.initiator, call.receiver].find((p) => p && p.uid !== state.uid);
    const li = document.createElement('li');
    li.dataset.sessionId = call.sessionId;
    li.dataset.status = call.status;
    const label = document.createElement('span');
    const who = other ? `${call.initiator?.uid === state.uid ? '→' : '←'} ${other.name}` : call.sessionId;
    const length = call.durationSeconds > 0 ? ` · ${duration(call.durationSeconds)}` : '';
    label.textContent = `${call.type === 'audio' ? '🎙' : '🎥'} ${who} · ${STATUS_TEXT[call.status] ?? call.status}${length} · ${new Date(call.initiatedAt).toLocaleString()}`;
    li.append(label);
    if (other) li.append(recentButton('Call back', `Call ${other.name} again`, () => void dial(other.uid, call.type)));
    else if (call.kind === 'group') li.append(recentButton('Join again', `Join ${call.sessionId} again`, () => void enterCall(call.sessionId, call.type === 'audio')));
    list.append(li);
  }
  $('recent-empty').hidden = items.length > 0;
}

// Ringing: this tab's user channel, and the SDK's incoming / outgoing screens.
let callScreen;
async function startRinging() {
  await ParleyCalls.login(state.authToken);
  callScreen ??= ParleyCalls.renderCallScreen(document.body, {
    // Both sides, once answered: join the call's session as a direct session.
    onAccepted: (call) => void enterCall(call.sessionId, call.type === 'audio', { direct: true }),
    onClosed: () => void renderRecent(),
  });
}

async function dial(receiverUid, type) {
  $('error').hidden = true;
  try {
    await ParleyCalls.initiateCall({ receiverUid, type });
  } catch (error) {
    fail(error);
  }
}

function toLobby() {
  history.replaceState(null, '', location.pathname);
  $('who').textContent = state.name;
  $('who').hidden = false;
  $('my-uid').textContent = state.uid;
  void renderRecent();
  show('lobby');
}

let inDirectCall = false;

async function leaveCall() {
  if (inDirectCall) return hangUp();
  try {
    await ParleyCalls.endSession();
  } catch {
    // already ended
  }
  toLobby();
}

// The seed's ringing-flow end: endCall, then clearActiveCall and endSession.
async function hangUp() {
  const call = ParleyCalls.getActiveCall();
  try {
    if (call) await ParleyCalls.endCall(call.sessionId);
  } catch (error) {
    console.warn('endCall', error);
  }
  ParleyCalls.clearActiveCall();
  await ParleyCalls.endSession().catch(() => undefined);
  inDirectCall = false;
  toLobby();
}

// The other side ended it (onCallEnded in the session).
async function endedByOther() {
  if (inDirectCall) {
    ParleyCalls.clearActiveCall();
    await ParleyCalls.endSession().catch(() => undefined);
    inDirectCall = false;
  }
  toLobby();
}

async function enterCall(sessionId, audioOnly, { direct = false } = {}) {
  $('error').hidden = true;
  inDirectCall = direct;
  // A one-to-one call from the ringing flow has no invite link.
  if (!direct) history.replaceState(null, '', inviteLink(sessionId, audioOnly));
  $('copy-link').hidden = direct;
  $('call-id').textContent = sessionId;
  show('call');
  try {
    const token = await ParleyCalls.generateToken(state.authToken, sessionId, { type: direct ? 'direct' : 'group' });
    const settings = new CallSettingsBuilder()
      .setDefaultLayout(true)
      .setIsAudioOnly(audioOnly)
      .setShowRecordingButton(true)
      .setShowSwitchToVideoCall(audioOnly)
      .setDelegate({
        onCallEndButtonPressed: () => void leaveCall(),
        onCallEnded: () => void endedByOther(),
        onSessionTimeout: () => toLobby(),
      })
      .build();
    await ParleyCalls.startSession(token, settings, $('call-view'));
  } catch (error) {
    inDirectCall = false;
    if (error?.code === 'AUTH_TOKEN_INVALID') {
      delete state.authToken;
      save();
    }
    toLobby();
    fail(error);
  }
}

function sessionIdFrom(text) {
  const trimmed = text.trim();
  try {
    return new URL(trimmed).searchParams.get('session') ?? trimmed;
  } catch {
    return trimmed;
  }
}

$('login-form').onsubmit = async (e) => {
  e.preventDefault();
  try {
    await login($('name').value.trim());
    await route();
  } catch (error) {
    fail(error);
  }
};
$('logout').onclick = () => {
  localStorage.removeItem(STORE_KEY);
  location.reload();
};
$('start-video').onclick = () => void enterCall(`call-${crypto.randomUUID().slice(0, 8)}`, false);
$('start-audio').onclick = () => void enterCall(`call-${crypto.randomUUID().slice(0, 8)}`, true);
$('dial-form').onsubmit = (e) => {
  e.preventDefault();
  const uid = $('dial-uid').value.trim();
  if (uid) void dial(uid, e.submitter?.dataset.type === 'audio' ? 'audio' : 'video');
};
$('join-form').onsubmit = (e) => {
  e.preventDefault();
  const id = sessionIdFrom($('join-id').value);
  if (id) void enterCall(id, false);
};
$('copy-link').onclick = async () => {
  await navigator.clipboard?.writeText(location.href).catch(() => undefined);
  $('copy-link').textContent = 'Link copied';
  setTimeout(() => ($('copy-link').textContent = 'Copy invite link'), 2000);
};
$('leave').onclick = () => void leaveCall();

async function route() {
  if (!state.authToken) {
    if (state.name) await login(state.name).catch(() => undefined);
    if (!state.authToken) return show('login');
  }
  await startRinging().catch((error) => console.warn('ringing unavailable', error));
  const params = new URLSearchParams(location.search);
  const invited = params.get('session');
  if (invited) await enterCall(invited, params.get('audio') === '1');
  else toLobby();
}

void route();
