import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

/**
 * Debian's headless shell (package `chromium-headless-shell`, the same Blink and the same PDF but no browser
 * around it), started directly: `/usr/bin/chromium-headless-shell` is a script that does not `exec`, so its pid
 * would not be the browser's. With two pages it renders the typical playbook in half the CPU of
 * `/usr/bin/chromium`, with 120–300 MB less PSS at the peak and the same PDF but for the `/Creator` of its document
 * information (docs/benchmarks.md, "The headless shell and page recycling").
 */
export const DEFAULT_CHROMIUM_PATH = '/usr/lib/chromium/chromium-headless-shell';

/**
 * Chromium runs at this niceness (CHROMIUM_NICENESS): when it competes for the CPU with the service's own event
 * loop (answering the API, taking jobs off NATS, storing the PDFs) or, on a small machine, with the other
 * services, they go first and the render waits. An idle CPU still goes to Chromium in full (docs/benchmarks.md).
 */
export const DEFAULT_CHROMIUM_NICENESS = 10;

/** A shell-quoted word. */
const quoted = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * What puppeteer starts: Chromium itself, or, at a niceness above 0, a script in the browser's temp folder that
 * `exec`s it under `nice` (puppeteer puts its own flags first, so `nice` cannot be the executable). `exec` keeps
 * the pid and the pipe: the pid puppeteer sees is the browser's, and every process it forks inherits the niceness.
 *
 * Puppeteer starts the browser in a session of its own. Outside any CPU cgroup (a plain Linux host or VM, not a
 * container) the kernel schedules each session as a group (autogroup), and the groups share the CPU as equals
 * whatever the niceness inside them: so the script gives the browser's group the same niceness first. Where there
 * is no such group (no file, or a container's cgroup), nothing changes and the niceness alone does the work.
 */
async function launcherFor(executablePath: string, niceness: number, folder: string): Promise<string> {
  if (niceness === 0) return executablePath;
  const script = join(folder, 'chromium');
  await writeFile(script, `#!/bin/sh\n{ echo ${niceness} > /proc/self/autogroup; } 2>/dev/null\nexec nice -n ${niceness} ${quoted(executablePath)} "$@"\n`);
  await chmod(script, 0o700);
  return script;
}

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
  // Fewer processes, measured with bench/pdf/memory-probe.ts (docs/benchmarks.md): the GPU process (~37 MB PSS,
  // idle with --disable-gpu) and the network service (~35 MB, which only ever refuses requests) run inside the
  // browser process; no spare renderer (~16 MB) waits for a page the pool never opens, and no renderer
  // (~60–70 MB) holds the address bar's popup, which Chromium preloads even headless.
  '--in-process-gpu',
  '--enable-features=NetworkServiceInProcess2',
  '--disable-features=SpareRendererForSitePerProcess,WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup',
];

/** What Chromium may inherit from this process: where to find programs and temp files, the locale, the time zone and fonts. */
const INHERITED_ENV = ['PATH', 'TMPDIR', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'FONTCONFIG_FILE', 'FONTCONFIG_PATH'];

/**
 * Chromium's whole environment: the few variables it needs from `parent`, and a HOME (with its caches) inside
 * the browser's temp folder. Nothing else: the service's secrets (database URL, NATS credentials, key paths)
 * would otherwise sit in `/proc/<pid>/environ` of every Chromium process, where a renderer compromised by a
 * crafted document could read them.
 */
export function chromiumEnvironment(parent: NodeJS.ProcessEnv, home: string): Record<string, string> {
  const env: Record<string, string> = { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') };
  for (const name of INHERITED_ENV) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  return env;
}

export interface LaunchedChromium {
  browser: Browser;
  pid: number | undefined;
  userDataDir: string;
  /** Closes the browser (killing it if it does not close in time) and removes its profile. */
  dispose(): Promise<void>;
}

/**
 * Starts Chromium with a fresh profile and HOME in a temp folder, removed again by `dispose`, and with the
 * minimal environment of `chromiumEnvironment` (its allow-list is read from this process's environment).
 */
export async function launchChromium(executablePath: string, niceness = DEFAULT_CHROMIUM_NICENESS): Promise<LaunchedChromium> {
  const folder = await mkdtemp(join(tmpdir(), 'pdf-chromium-'));
  const userDataDir = join(folder, 'profile');
  let browser: Browser;
  try {
    const home = join(folder, 'home');
    await mkdir(home);
    browser = await puppeteer.launch({
      executablePath: await launcherFor(executablePath, niceness, folder),
      headless: true,
      // A pipe, not a port: no DevTools socket to reach, and Chromium exits by itself when this process dies.
      pipe: true,
      env: chromiumEnvironment(process.env, home),
      args: [...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`],
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      protocolTimeout: 60_000,
    });
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
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
        await rm(folder, { recursive: true, force: true });
      })()),
  };
}
