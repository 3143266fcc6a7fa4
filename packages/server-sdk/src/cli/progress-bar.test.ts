import { describe, expect, it } from 'vitest';
import { textSink } from '../testing/text-sink.ts';
import { ProgressBar, progressBarOn } from './progress-bar.ts';

describe('the download progress bar', () => {
  it('is drawn only on a terminal', () => {
    expect(progressBarOn(textSink({ isTTY: true }), 'x')).toBeInstanceOf(ProgressBar);
    expect(progressBarOn(textSink(), 'x')).toBeNull();
  });

  it('redraws in place at most ten times a second, and ends its line when done', () => {
    const tty = textSink({ isTTY: true });
    let now = 0;
    const bar = new ProgressBar(tty, 'rec.webm', () => now);
    bar.update({ receivedBytes: 0, totalBytes: 2048 });
    now = 50;
    bar.update({ receivedBytes: 512, totalBytes: 2048 }); // too soon: not drawn
    now = 150;
    bar.update({ receivedBytes: 1024, totalBytes: 2048 });
    bar.finish();
    const draws = tty.text().split('\r').slice(1);
    expect(draws).toHaveLength(3);
    expect(draws[1]).toMatch(/^rec\.webm \[#{15}-{15}\] {2}50% 1\.0 KiB \/ 2\.0 KiB/);
    expect(draws[2]).toMatch(/^rec\.webm \[#{15}-{15}\] {2}50% .*\n$/);
  });

  it('shows the bytes alone when the size is unknown', () => {
    const tty = textSink({ isTTY: true });
    const bar = new ProgressBar(tty, 'rec.webm', () => 0);
    bar.update({ receivedBytes: 3 * 1024 * 1024, totalBytes: null });
    expect(tty.text()).toMatch(/^\rrec\.webm 3\.0 MiB/);
  });
});
