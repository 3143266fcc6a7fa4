// The demo app: a name, a call, an invite link. Uses only the SDK's public API
// and the development login, as an app of yours would use your own login.
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

function remember(sessionId, audioOnly) {
  state.recent = [{ sessionId, audioOnly, at: Date.now() }, ...(state.recent ?? []).filter((c) => c.sessionId !== sessionId)].slice(0, 10);
  save();
}

function renderRecent() {
  const list = $('recent');
  list.replaceChildren();
  for (const call of state.recent ?? []) {
    const li = document.createElement('li');
    const label = document.createElement('span');
    label.textContent = `${call.audioOnly ? '🎙' : '🎥'} ${call.sessionId} · ${new Date(call.at).toLocaleString()}`;
    const again = document.createElement('button');
    again.type = 'button';
    again.className = 'secondary';
    again.textContent = 'Join again';
    again.setAttribute('aria-label', `Join ${call.sessionId} again`);
    again.onclick = () => void enterCall(call.sessionId, call.audioOnly);
    li.append(label, again);
    list.append(li);
  }
  $('recent-empty').hidden = (state.recent ?? []).length > 0;
}

function toLobby() {
  history.replaceState(null, '', location.pathname);
  $('who').textContent = state.name;
  $('who').hidden = false;
  renderRecent();
  show('lobby');
}

async function leaveCall() {
  try {
    await ParleyCalls.endSession();
  } catch {
    // already ended
  }
  toLobby();
}

async function enterCall(sessionId, audioOnly) {
  $('error').hidden = true;
  history.replaceState(null, '', inviteLink(sessionId, audioOnly));
  $('call-id').textContent = sessionId;
  show('call');
  try {
    const token = await ParleyCalls.generateToken(state.authToken, sessionId);
    const settings = new CallSettingsBuilder()
      .setDefaultLayout(true)
      .setIsAudioOnly(audioOnly)
      .setShowRecordingButton(true)
      .setShowSwitchToVideoCall(audioOnly)
      .setDelegate({
        onCallEndButtonPressed: () => void leaveCall(),
        onCallEnded: () => toLobby(),
        onSessionTimeout: () => toLobby(),
      })
      .build();
    await ParleyCalls.startSession(token, settings, $('call-view'));
    remember(sessionId, audioOnly);
  } catch (error) {
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
  const params = new URLSearchParams(location.search);
  const invited = params.get('session');
  if (invited) await enterCall(invited, params.get('audio') === '1');
  else toLobby();
}

void route();
