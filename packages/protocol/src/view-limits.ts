/** The largest rendered size a client can report of a remote video, in device pixels (an 8K screen, with room). No schema library here: the SDK bundles it. */
export const MAX_VIEW_PIXELS = 16_384;
