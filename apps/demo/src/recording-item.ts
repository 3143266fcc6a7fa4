/**
 * One recording in the list: who started it, when, its length and status; a
 * progress bar while the server makes the file; then a player and a download
 * link. The player loads `playbackUrl`, which carries a short-lived token for
 * that one file (a <video> cannot send headers); the server answers range
 * requests, so seeking works.
 */
import type { Recording, RecordingStatus } from '@parley/protocol';
import { duration } from './format.ts';

const STATUS_TEXT: Record<RecordingStatus, string> = { recording: 'recording…', processing: 'processing', ready: 'ready', failed: 'failed' };

/** The `n`th recording of its call (from 1). */
export function recordingItem(recording: Recording, n: number): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.recordingId = recording.id;
  li.dataset.status = recording.status;
  li.append(summary(recording, n));
  if (recording.status === 'processing') li.append(progressBar(recording, n));
  else if (recording.status === 'ready' && recording.playbackUrl) li.append(...player(recording, recording.playbackUrl, n));
  else if (recording.status === 'failed') li.append(failure(recording));
  return li;
}

function summary(recording: Recording, n: number): HTMLElement {
  const meta = document.createElement('div');
  meta.className = 'meta';
  const what = document.createElement('span');
  const length = recording.durationMs ? ` · ${duration(recording.durationMs / 1000)}` : '';
  what.textContent = `Recording ${n} · started by ${recording.startedBy.name} · ${new Date(recording.startedAt).toLocaleTimeString()}${length}`;
  const status = document.createElement('span');
  status.className = 'status';
  status.textContent = recording.status === 'processing' ? `processing ${Math.round(recording.progress * 100)}%` : STATUS_TEXT[recording.status];
  meta.append(what, status);
  return meta;
}

function progressBar(recording: Recording, n: number): HTMLProgressElement {
  const bar = document.createElement('progress');
  bar.max = 1;
  bar.value = recording.progress;
  bar.setAttribute('aria-label', `Processing recording ${n}`);
  return bar;
}

function player(recording: Recording, src: string, n: number): [HTMLMediaElement, HTMLAnchorElement] {
  const media = document.createElement(recording.mimeType?.startsWith('audio/') ? 'audio' : 'video');
  media.controls = true;
  media.preload = 'metadata';
  media.src = src;
  media.setAttribute('aria-label', `Recording ${n}`);
  const download = document.createElement('a');
  download.href = src;
  download.download = `recording-${n}.webm`;
  download.textContent = `Download (${((recording.sizeBytes ?? 0) / 1e6).toFixed(1)} MB)`;
  download.className = 'muted';
  return [media, download];
}

function failure(recording: Recording): HTMLParagraphElement {
  const why = document.createElement('p');
  why.className = 'muted';
  why.textContent = recording.error ?? 'The file could not be made.';
  return why;
}
