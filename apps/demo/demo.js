// The demo app: a name, a call, an invite link, calling another user by uid
// (the ringing flow, with the SDK's incoming/outgoing screens), the user's
// recent calls from the call log, and a call's recordings with a player (the
// recordings REST API). Uses only the SDK's public API, the REST API and the
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
    label.textContent = `${call.type === 'audio' ? 'Audio' : 'Video'} · ${who} · ${STATUS_TEXT[call.status] ?? call.status}${length} · ${new Date(call.initiatedAt).toLocaleString()}`;
    li.append(label);
    const actions = document.createElement('span');
    actions.className = 'row';
    actions.append(recentButton('Recordings', `Recordings of ${call.sessionId}`, () => void showRecordings(call.sessionId)));
    if (other) actions.append(recentButton('Call back', `Call ${other.name} again`, () => void dial(other.uid, call.type)));
    else if (call.kind === 'group') actions.append(recentButton('Join again', `Join ${call.sessionId} again`, () => void enterCall(call.sessionId, call.type === 'audio')));
    li.append(actions);
    list.append(li);
  }
  $('recent-empty').hidden = items.length > 0;
  // The recordings of the call the user was last in, else of the latest call.
  const selected = recordingsOf ?? state.lastSessionId ?? items[0]?.sessionId;
  if (selected) void showRecordings(selected);
}

// A call's recordings (GET /v1/recordings?sessionId=…, with the user's auth
// token): who started each, its status and length, a progress bar while the
// server makes the file (refreshed until it is ready), then a player. The
// player loads `playbackUrl`, which carries a short-lived token for that one
// file (a <video> cannot send headers); the server answers range requests,
// so seeking works.
let recordingsOf;
let recordingsTimer;
let recordingsRun = 0;
const REFRESH_MS = 1000;

async function showRecordings(sessionId) {
  const run = ++recordingsRun;
  clearTimeout(recordingsTimer);
  if (recordingsOf !== sessionId) $('recordings-list').replaceChildren();
  recordingsOf = sessionId;
  for (const li of $('recent').children) li.classList.toggle('selected', li.dataset.sessionId === sessionId);
  $('recordings').hidden = false;
  $('recordings-session').textContent = sessionId;
  let items;
  try {
    const res = await fetch(`/v1/recordings?sessionId=${encodeURIComponent(sessionId)}&limit=50`, {
      headers: { authorization: `Bearer ${state.authToken}` },
    });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error?.message ?? `Recordings unavailable (${res.status})`);
    items = body.items;
  } catch (error) {
    if (run !== recordingsRun) return;
    $('recordings-list').replaceChildren();
    $('recordings-empty').hidden = false;
    $('recordings-empty').textContent = error.message;
    return;
  }
  if (run !== recordingsRun || $('lobby').hidden) return;
  renderRecordings(items);
  // Refresh while a recording is still being made or processed.
  if (items.some((r) => r.status === 'recording' || r.status === 'processing')) {
    recordingsTimer = setTimeout(() => void showRecordings(sessionId), REFRESH_MS);
  }
}

const RECORDING_STATUS = { recording: 'recording…', processing: 'processing', ready: 'ready', failed: 'failed' };

function renderRecordings(items) {
  const list = $('recordings-list');
  const old = new Map([...list.children].map((li) => [li.dataset.recordingId, li]));
  const lis = items.map((r, i) => {
    const kept = old.get(r.id);
    // A ready recording keeps its element, so a playing video is not reloaded.
    if (kept && kept.dataset.status === 'ready' && r.status === 'ready') return kept;
    return recordingItem(r, i + 1);
  });
  list.replaceChildren(...lis);
  $('recordings-empty').hidden = items.length > 0;
  $('recordings-empty').textContent = 'No recordings of this call. Use the record button during a call.';
}

function recordingItem(r, n) {
  const li = document.createElement('li');
  li.dataset.recordingId = r.id;
  li.dataset.status = r.status;
  const meta = document.createElement('div');
  meta.className = 'meta';
  const what = document.createElement('span');
  const length = r.durationMs ? ` · ${duration(r.durationMs / 1000)}` : '';
  what.textContent = `Recording ${n} · started by ${r.startedBy.name} · ${new Date(r.startedAt).toLocaleTimeString()}${length}`;
  const status = document.createElement('span');
  status.className = 'status';
  const percent = Math.round((r.progress ?? 0) * 100);
  status.textContent = r.status === 'processing' ? `processing ${percent}%` : (RECORDING_STATUS[r.status] ?? r.status);
  meta.append(what, status);
  li.append(meta);
  if (r.status === 'processing') {
    const bar = document.createElement('progress');
    bar.max = 1;
    bar.value = r.progress ?? 0;
    bar.setAttribute('aria-label', `Processing recording ${n}`);
    li.append(bar);
  } else if (r.status === 'ready' && r.playbackUrl) {
    const src = r.playbackUrl;
    const player = document.createElement(r.mimeType?.startsWith('audio/') ? 'audio' : 'video');
    player.controls = true;
    player.preload = 'metadata';
    player.src = src;
    player.setAttribute('aria-label', `Recording ${n}`);
    const download = document.createElement('a');
    download.href = src;
    download.download = `recording-${n}.webm`;
    download.textContent = `Download (${(r.sizeBytes / 1e6).toFixed(1)} MB)`;
    download.className = 'muted';
    li.append(player, download);
  } else if (r.status === 'failed') {
    const why = document.createElement('p');
    why.className = 'muted';
    why.textContent = r.error ?? 'The file could not be made.';
    li.append(why);
  }
  return li;
}

// Ringing: this tab's user channel, and the SDK's incoming / outgoing screens.
let callScreenShown = false;
async function startRinging() {
  await ParleyCalls.login(state.authToken);
  if (callScreenShown) return;
  callScreenShown = true;
  ParleyCalls.renderCallScreen(document.body, {
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
  // Back in the lobby, the recordings shown are this call's.
  state.lastSessionId = sessionId;
  save();
  recordingsOf = undefined;
  clearTimeout(recordingsTimer);
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
