import { describe, expect, it } from 'vitest';
import { CSS } from './styles.ts';

// The SDK's build targets Chromium 110, Firefox 115 (ESR) and Safari 16: the stylesheet may use
// container queries and their units (Firefox 110, Safari 16) but nothing newer.
const NEWER_THAN_TARGETS: Array<[RegExp, string]> = [
  [/:has\(/, ':has() (Firefox 121)'],
  [/@scope\b/, '@scope (Firefox 128+ behind a flag, Safari 17.4)'],
  [/@starting-style\b/, '@starting-style (Firefox 129, Safari 17.5)'],
  [/\btext-wrap\s*:/, 'text-wrap (Firefox 121, Safari 17.4)'],
  [/\{[^{}]*&[^{}]*\{/, 'CSS nesting (Firefox 117, Safari 16.5)'],
];

describe('the default UI stylesheet', () => {
  it('uses nothing that Firefox ESR 115 or Safari 16 lacks', () => {
    const found = NEWER_THAN_TARGETS.filter(([pattern]) => pattern.test(CSS)).map(([, what]) => what);
    expect(found).toEqual([]);
  });
});
