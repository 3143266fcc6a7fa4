import { describe, expect, it } from 'vitest';
import { preferredVideoCodec } from './browser-support.ts';
import { onlyCodec } from './codec-preference.ts';

const chromium = [
  { mimeType: 'video/VP8' },
  { mimeType: 'video/rtx' },
  { mimeType: 'video/H264', sdpFmtpLine: 'profile-level-id=42e01f' },
  { mimeType: 'video/H264', sdpFmtpLine: 'profile-level-id=640034' },
  { mimeType: 'video/VP9' },
  { mimeType: 'video/red' },
  { mimeType: 'video/ulpfec' },
];

describe('the codec a publisher offers', () => {
  it('is H.264 alone (every profile, with rtx/red/fec) when forced to h264', () => {
    expect(onlyCodec(chromium, 'h264').map((c) => c.mimeType)).toEqual(['video/rtx', 'video/H264', 'video/H264', 'video/red', 'video/ulpfec']);
  });

  it('is VP8 alone by default', () => {
    expect(onlyCodec(chromium, 'vp8').map((c) => c.mimeType)).toEqual(['video/VP8', 'video/rtx', 'video/red', 'video/ulpfec']);
  });

  it('stays what the browser offers when it lacks the codec (Firefox here has no H.264)', () => {
    const firefox = [{ mimeType: 'video/VP8' }, { mimeType: 'video/VP9' }];
    expect(onlyCodec(firefox, 'h264')).toEqual(firefox);
  });
});

describe('the codec the SDK prefers', () => {
  it('is H.264 on Safari and iOS, VP8 in Chromium and Firefox', () => {
    expect(preferredVideoCodec('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Safari/605.1.15')).toBe('h264');
    expect(preferredVideoCodec('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0 Mobile/15E148 Safari/604.1')).toBe('h264');
    expect(preferredVideoCodec('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36')).toBe('vp8');
    expect(preferredVideoCodec('Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0')).toBe('vp8');
  });
});
