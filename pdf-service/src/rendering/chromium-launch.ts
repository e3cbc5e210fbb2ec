import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

/**
 * Chromium's flags: headless, no sandbox (containers run it as a non-root user without
 * user namespaces), nothing that phones home, /tmp instead of a small /dev/shm.
 */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
  // Request interception stops requests, not the preconnect Chromium opens for an <iframe> before asking;
  // with no host (not even an IP literal) resolvable, no socket is ever opened (not even loopback).
  '--host-resolver-rules=MAP * ~NOTFOUND',
];

export interface LaunchedChromium {
  browser: Browser;
  pid: number | undefined;
  userDataDir: string;
  /** Closes the browser (killing it if it does not close in time) and removes its profile. */
  dispose(): Promise<void>;
}

/** Starts Chromium with a fresh profile in a temp folder, removed again by `dispose`. */
export async function launchChromium(executablePath: string): Promise<LaunchedChromium> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'pdf-chromium-'));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      // A pipe, not a port: no DevTools socket to reach, and Chromium exits by itself when this process dies.
      pipe: true,
      args: [...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`],
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      protocolTimeout: 60_000,
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  const child = browser.process();
  let disposed: Promise<void> | undefined;
  return {
    browser,
    pid: child?.pid,
    userDataDir,
    dispose: () =>
      (disposed ??= (async () => {
        const exited = child && child.exitCode === null && child.signalCode === null ? new Promise((resolve) => child.once('exit', resolve)) : Promise.resolve();
        const killTimer = setTimeout(() => child?.kill('SIGKILL'), 3_000);
        await browser.close().catch(() => child?.kill('SIGKILL'));
        await exited;
        clearTimeout(killTimer);
        await rm(userDataDir, { recursive: true, force: true });
      })()),
  };
}
