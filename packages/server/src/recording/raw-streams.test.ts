import { describe, expect, it } from 'vitest';
import { targetExtension } from './raw-streams.ts';

describe('the file janus-pp-rec makes of each stream', () => {
  it('is WebM for VP8, MP4 for H.264, Opus for audio, and nothing for what the grid cannot take', () => {
    expect(targetExtension({ kind: 'video', codec: 'vp8' })).toBe('webm');
    expect(targetExtension({ kind: 'video', codec: 'h264' })).toBe('mp4');
    expect(targetExtension({ kind: 'audio', codec: 'opus' })).toBe('opus');
    expect(targetExtension({ kind: 'video', codec: 'av1' })).toBeUndefined();
    expect(targetExtension({ kind: 'audio', codec: 'g711' })).toBeUndefined();
  });
});
