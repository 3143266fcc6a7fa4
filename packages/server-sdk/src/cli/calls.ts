/** `parley calls …`: the call log. */
import { CALL_STATUSES, type CallLog, type CallQuality, type CallStatus, type StoredQualitySample } from '@parley/protocol';
import { type Command, option, positionals, usageError } from './command.ts';
import { formatDuration, formatTable, formatTime } from './format.ts';
import { parseSince } from './since.ts';

const DEFAULT_LIMIT = 25;

const list: Command = {
  name: 'calls list',
  usage: '[--since <time|30m|12h|7d>] [--uid <uid>] [--status <status,…>] [--limit <n>]',
  summary: `Calls, newest first (at most --limit, default ${DEFAULT_LIMIT})`,
  options: { since: { type: 'string' }, uid: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' } },
  parse(args) {
    positionals(args, []);
    const sinceText = option(args, 'since');
    const since = sinceText === undefined ? undefined : parseSince(sinceText);
    const limit = count(option(args, 'limit') ?? String(DEFAULT_LIMIT));
    const uid = option(args, 'uid');
    const status = statuses(option(args, 'status'));
    return async ({ client, out }) => {
      const calls: CallLog[] = [];
      // Newest first: the first call older than --since ends the list.
      for await (const call of client.calls.all({ ...(uid === undefined ? {} : { uid }), ...(status ? { status } : {}) })) {
        if (calls.length >= limit || (since && Date.parse(call.initiatedAt) < since.getTime())) break;
        calls.push(call);
      }
      out.result(calls, () => (calls.length === 0 ? 'No calls' : callTable(calls)));
    };
  },
};

const show: Command = {
  name: 'calls show',
  usage: '<sessionId>',
  summary: 'One call: status, participants with their times, minutes, recordings',
  options: {},
  parse(args) {
    const { sessionId } = positionals(args, ['sessionId']);
    return async ({ client, out }) => {
      const call = await client.calls.get(sessionId);
      out.result(call, () => callDetails(call));
    };
  },
};

const quality: Command = {
  name: 'calls quality',
  usage: '<sessionId>',
  summary: "A call's quality timelines: per participant, each 5 s sample (score, bitrates, loss, round trip, jitter, video)",
  options: {},
  parse(args) {
    const { sessionId } = positionals(args, ['sessionId']);
    return async ({ client, out }) => {
      const timelines = await client.calls.quality(sessionId);
      out.result(timelines, () => qualityDetails(timelines));
    };
  },
};

export const callsCommands: readonly Command[] = [list, show, quality];

function count(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw usageError(`--limit takes a whole number of 1 or more, not ${JSON.stringify(text)}`);
  return n;
}

function statuses(text: string | undefined): CallStatus[] | undefined {
  if (text === undefined) return undefined;
  const list = text.split(',').map((s) => s.trim());
  const wrong = list.filter((s) => !(CALL_STATUSES as readonly string[]).includes(s));
  if (wrong.length > 0 || list.length === 0) throw usageError(`--status takes ${CALL_STATUSES.join(', ')} (comma separated), not ${JSON.stringify(text)}`);
  return list as CallStatus[];
}

function callTable(calls: readonly CallLog[]): string {
  return formatTable(
    ['SESSION', 'STATUS', 'TYPE', 'KIND', 'INITIATED (UTC)', 'DURATION', 'PEOPLE', 'RECORDINGS'],
    calls.map((c) => [
      c.sessionId,
      c.status,
      c.type,
      c.kind,
      formatTime(c.initiatedAt),
      formatDuration(c.durationSeconds),
      String(new Set(c.participants.map((p) => p.uid)).size),
      String(c.recordings.length),
    ]),
  );
}

function callDetails(c: CallLog): string {
  const lines = [
    `Session     ${c.sessionId}`,
    `Status      ${c.status}${c.endReason ? ` (${c.endReason})` : ''}`,
    `Type        ${c.type}, ${c.kind}`,
    ...(c.initiator ? [`Caller      ${c.initiator.name} (${c.initiator.uid})`] : []),
    ...(c.receiver ? [`Receiver    ${c.receiver.name} (${c.receiver.uid})`] : []),
    `Initiated   ${formatTime(c.initiatedAt)} UTC`,
    `Started     ${formatTime(c.startedAt)}`,
    `Ended       ${formatTime(c.endedAt)}`,
    `Duration    ${formatDuration(c.durationSeconds)}`,
    `Minutes     ${c.audioMinutes.toFixed(2)} audio, ${c.videoMinutes.toFixed(2)} video`,
    '',
  ];
  lines.push(
    c.participants.length === 0
      ? 'Nobody joined'
      : formatTable(
          ['PARTICIPANT', 'JOINED (UTC)', 'LEFT', 'TIME', 'REASON'],
          c.participants.map((p) => [`${p.name} (${p.uid})`, formatTime(p.joinedAt), formatTime(p.leftAt), formatDuration(p.durationSeconds), p.leaveReason ?? '—']),
        ),
  );
  if (c.recordings.length > 0) {
    lines.push(
      '',
      formatTable(
        ['RECORDING', 'STATUS', 'STARTED (UTC)', 'LENGTH'],
        c.recordings.map((r) => [r.id, r.status, formatTime(r.startedAt), r.durationMs === null ? '—' : formatDuration(r.durationMs / 1000)]),
      ),
    );
  }
  return lines.join('\n');
}

/** One line per sample: both connections summed (out is what the publisher sent, in what the subscriber received), the worst loss, round trip and jitter. */
function sampleRow(s: StoredQualitySample): string[] {
  const sum = (pick: (c: StoredQualitySample['connections'][number]) => number) => s.connections.reduce((total, c) => total + pick(c), 0);
  const worst = (pick: (c: StoredQualitySample['connections'][number]) => number | null) => Math.max(0, ...s.connections.map((c) => pick(c) ?? 0));
  const video = (pick: (c: StoredQualitySample['connections'][number]) => { width: number; height: number; framesPerSecond: number } | null) => {
    const v = s.connections.map(pick).find((x) => x !== null);
    return v ? `${v.width}x${v.height}@${Math.round(v.framesPerSecond)}` : '—';
  };
  return [
    formatTime(s.at),
    String(s.quality),
    sum((c) => c.bitrateOutKbps).toFixed(0),
    sum((c) => c.bitrateInKbps).toFixed(0),
    worst((c) => c.lossPercent).toFixed(1),
    worst((c) => c.rttMs).toFixed(0),
    worst((c) => c.jitterMs).toFixed(0),
    video((c) => c.videoSent),
    video((c) => c.videoReceived),
  ];
}

function qualityDetails(q: CallQuality): string {
  if (q.participants.length === 0) return `Session     ${q.sessionId}\nNobody joined`;
  const blocks = q.participants.map((p) => {
    const stays = p.stays.map((s) => `${formatTime(s.joinedAt)} → ${formatTime(s.leftAt)}`).join(', ') || '—';
    const samples =
      p.samples.length === 0
        ? 'No samples'
        : formatTable(['TIME (UTC)', 'SCORE', 'OUT KBPS', 'IN KBPS', 'LOSS %', 'RTT MS', 'JITTER MS', 'SENT', 'RECEIVED'], p.samples.map(sampleRow));
    return `${p.name} (${p.uid})  in the call ${stays}\n${samples}`;
  });
  return [`Session     ${q.sessionId}`, '', blocks.join('\n\n')].join('\n');
}
