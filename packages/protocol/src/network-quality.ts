/**
 * The quality values that need no schema library (the browser SDK bundles them
 * through runtime.ts): the network quality scale, 0 lost (no media flows) …
 * 5 excellent, and the bound on a sample's connections (quality.ts).
 */
export const NETWORK_QUALITY = { lost: 0, bad: 1, poor: 2, fair: 3, good: 4, excellent: 5 } as const;
export type NetworkQuality = (typeof NETWORK_QUALITY)[keyof typeof NETWORK_QUALITY];

/** The most connections a sample may describe (today: a publisher and a subscriber; a screen share adds one). */
export const MAX_SAMPLE_CONNECTIONS = 4;
