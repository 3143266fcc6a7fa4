/** `parley recordings …`: download a recording's file. */
import { type Command, option, positionals, usageError } from './command.ts';
import { formatBytes } from './format.ts';
import { progressBarOn } from './progress-bar.ts';

/** `-o -`: the file goes to stdout. */
const STDOUT = '-';

const download: Command = {
  name: 'recordings download',
  usage: '<id> [-o <file> | -o -]',
  summary: 'Download a recording (default file: recording-<id>.webm; "-o -" writes it to stdout)',
  options: { output: { type: 'string', short: 'o' } },
  parse(args) {
    const { id } = positionals(args, ['id']);
    const file = option(args, 'output') ?? `recording-${id}.webm`;
    if (file === STDOUT && args.values.json) throw usageError('--json and "-o -" both want stdout: give -o a file name');
    return async ({ client, out }) => {
      const bar = progressBarOn(out.io.stderr, file === STDOUT ? id : file);
      const saved = await client.recordings.download(id, file === STDOUT ? out.io.stdout : file, {
        ...(bar ? { onProgress: (p) => bar.update(p) } : {}),
      }).finally(() => bar?.finish()); // an error line, if any, then starts on a line of its own
      if (file === STDOUT) return;
      out.result({ id, file, bytes: saved.bytes, mimeType: saved.mimeType }, () => `Saved ${file} (${formatBytes(saved.bytes)})`);
    };
  },
};

export const recordingsCommands: readonly Command[] = [download];
