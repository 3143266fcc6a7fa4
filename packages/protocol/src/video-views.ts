/**
 * How a client shows the video it receives, so the server sends each feed at
 * the simulcast layer that fits (or not at all), and what it tells the client
 * back when its link cannot carry video.
 */
import { z } from 'zod';
import { UID } from './rest.ts';
import { MAX_VIEW_PIXELS } from './view-limits.ts';

export { MAX_VIEW_PIXELS };

const Pixels = z.number().int().min(0).max(MAX_VIEW_PIXELS);

/**
 * One remote video as the client renders it now: `uid`'s `source` video at
 * `width` × `height` device pixels; 0 × 0 when it is not shown (hidden,
 * scrolled away, a minimised tile) — the server then sends none of it.
 */
export const VideoView = z.strictObject({
  uid: UID,
  source: z.enum(['camera', 'screen']),
  width: Pixels,
  height: Pixels,
});
export type VideoView = z.infer<typeof VideoView>;

/** `subscriber.views`: the views that changed since the last report (each replaces the one before for its uid and source). */
export const VideoViewsParams = z.strictObject({ views: z.array(VideoView).min(1).max(64) });

/** Why video from others stopped arriving: `poor-connection`, this client's link cannot carry even the lowest layer. */
export const VIDEO_PAUSE_REASONS = ['poor-connection'] as const;
export type VideoPauseReason = (typeof VIDEO_PAUSE_REASONS)[number];
