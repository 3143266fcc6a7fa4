/** Gaps in a recording: where every stream had stopped, until the next began. */
import { describe, expect, it } from 'vitest';
import { gapsMetadataArgs, mediaGaps } from './media-gaps.ts';

describe('media gaps', () => {
  it('finds the stretch where every stream had stopped (a crash) until the room made anew sent again', () => {
    const streams = [
      { offsetSec: 0, durationSec: 5 }, // ann's audio before the crash
      { offsetSec: 0.4, durationSec: 4.7 }, // ann's video before, starting at its first key frame
      { offsetSec: 7.25, durationSec: 3 }, // after
      { offsetSec: 7.6, durationSec: 2.5 },
    ];
    expect(mediaGaps(streams)).toEqual([{ startMs: 5100, endMs: 7250 }]);
  });

  it('is no gap while any stream goes on, nor a short hole, nor the start or the end', () => {
    expect(
      mediaGaps([
        { offsetSec: 1.5, durationSec: 3 },
        { offsetSec: 4, durationSec: 3 },
        { offsetSec: 7.3, durationSec: 2 },
      ]),
    ).toEqual([]);
    expect(mediaGaps([])).toEqual([]);
  });

  it('writes them as one JSON tag of the file', () => {
    expect(gapsMetadataArgs([{ startMs: 1, endMs: 2 }])).toEqual(['-metadata', 'PARLEY_MEDIA_GAPS=[{"startMs":1,"endMs":2}]']);
  });
});
