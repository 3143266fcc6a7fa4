/**
 * Debian's firefox-esr driven by puppeteer-core over WebDriver BiDi (no
 * geckodriver, no downloaded browser), with Firefox's fake camera and
 * microphone and no permission prompts.
 */
import puppeteer, { type Browser } from 'puppeteer-core';
import { type BrowserPage, puppeteerPage } from './browser-page.ts';

export const FIREFOX_PATH = '/usr/bin/firefox-esr';

const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  // Remote audio and video play without a click, as Chromium's --autoplay-policy flag allows.
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
  // Host candidates as addresses, not mDNS names: Janus ignores .local candidates (nat.ignore_mdns).
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  // No update checks, telemetry or first-run pages in a test run.
  'app.update.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'browser.shell.checkDefaultBrowser': false,
};

/** Its start took over puppeteer's 30 s with four Chromium pages in a call on a machine half as fast as usual. */
const LAUNCH_TIMEOUT_MS = 90_000;

/**
 * Headless by default. With `display` (an X server's, e.g. Xvfb's ":99") it runs headed there: headless
 * Firefox has no screen to capture (getDisplayMedia rejects with NotFoundError), a headed one captures
 * that display without a picker (media.navigator.permission.disabled).
 */
export function launchFirefox(display?: string): Promise<Browser> {
  process.env.PUPPETEER_SKIP_DOWNLOAD = '1';
  const headed = display === undefined ? {} : { env: { ...process.env, DISPLAY: display } };
  return puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX_PATH, headless: display === undefined, extraPrefsFirefox: FIREFOX_PREFS, timeout: LAUNCH_TIMEOUT_MS, ...headed });
}

/** A tab in a browser context of its own, with `initScript` run before any page script. */
export async function openFirefoxTab(browser: Browser, initScript: string, label: string): Promise<BrowserPage> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${label} pageerror]`, e instanceof Error ? e.message : e));
  await page.evaluateOnNewDocument(initScript);
  return puppeteerPage(page, context);
}
