// The browser tests' harness: a real ptrackd (its own temporary database, free ports, the demo
// clinic), Debian's Chromium driven by playwright-core (never a downloaded browser), a phone-sized
// context for the patient, and the server's own answers (through the Connect port) to check what
// the app claims. A failing scenario leaves a screenshot of every open page under
// $PTRACK_WEB_ARTIFACTS (the build tree). Paths come from CTest's environment:
//   PTRACKD (the binary), PTRACK_WEB_DIR (the built app), PTRACK_WEB_ROOT (clients/web, whose
//   node_modules holds playwright-core), PTRACK_WEB_ARTIFACTS.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run the browser tests through CTest)`);
  return v;
};
const { chromium } = createRequire(resolve(env("PTRACK_WEB_ROOT"), "package.json"))("playwright-core");

export const DEMO = {
  patient: { username: "patient", password: "demo-patient-pass", name: "clinics/demo/patients/jordan" },
  patient2: { username: "patient2", password: "demo-patient2-pass", name: "clinics/demo/patients/sam" },
  therapist: { username: "therapist", password: "demo-therapist-pass" },
  admin: { username: "admin", password: "demo-admin-pass" },
};

/** A phone: what the patient scenarios run in. */
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** Starts ptrackd with the demo clinic on free ports; resolves once both ports are open. */
export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), "ptrack-web-"));
  const portFile = join(dir, "ports");
  const proc = spawn(env("PTRACKD"), [
    "--demo", "--db", join(dir, "ptrack.db"), "--grpc-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0",
    "--web-dir", env("PTRACK_WEB_DIR"), "--port-file", portFile,
  ], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  proc.stdout.on("data", (d) => (log += d));
  proc.stderr.on("data", (d) => (log += d));
  for (let i = 0; i < 600 && !existsSync(portFile); i++) {
    if (proc.exitCode !== null) throw new Error(`ptrackd exited ${proc.exitCode}:\n${log}`);
    await sleep(50);
  }
  if (!existsSync(portFile)) throw new Error(`ptrackd did not start:\n${log}`);
  const ports = Object.fromEntries(readFileSync(portFile, "utf8").trim().split("\n").map((l) => l.split("=")));
  const url = `http://127.0.0.1:${ports.http}`;
  return {
    url,
    log: () => log,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill("SIGTERM");
        await new Promise((r) => proc.once("exit", r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
    /** A unary call through the Connect JSON bridge, as `username`; resolves to the JSON answer. */
    async call(method, body, who) {
      const headers = { "Content-Type": "application/json" };
      if (who) headers.Authorization = `Bearer ${await token(url, who)}`;
      const res = await fetch(`${url}/ptrack.v1.${method}`, { method: "POST", headers, body: JSON.stringify(body) });
      const json = await res.json();
      if (!res.ok) throw new Error(`${method}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    },
  };
}

const tokens = new Map();
async function token(url, who) {
  const key = `${url} ${who.username}`;
  if (!tokens.has(key)) {
    const res = await fetch(`${url}/ptrack.v1.AuthService/SignIn`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: who.username, password: who.password }),
    });
    if (!res.ok) throw new Error(`sign-in of ${who.username}: ${res.status}`);
    tokens.set(key, (await res.json()).token);
  }
  return tokens.get(key);
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.PTRACK_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

/** Signs `who` in through the app's form and waits for their home screen. */
export async function signIn(page, server, who) {
  await page.goto(`${server.url}/#/sign-in`);
  await page.getByLabel("Username").fill(who.username);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("who").waitFor();
}

/** Today's date ("YYYY-MM-DD") in an IANA zone. */
export const todayIn = (timeZone) =>
  new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());

/** `date` plus `n` days ("YYYY-MM-DD"). */
export const addDays = (date, n) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Resolves once `check()` is true (polled every 50 ms); fails after `ms`. */
export async function waitUntil(check, what, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Picks `value` on the session form's 0–10 scale `name` (a radio styled as a button: its label). */
export async function pick(page, name, value) {
  await page.locator(`label[for="${name}-${value}"]`).click();
}

/**
 * Fills and saves the session form (the page must be on it): the given pains and effort, every
 * exercise done as prescribed.
 */
export async function logSessionInForm(page, { painBefore = 2, painAfter = 2, effort = 4 } = {}) {
  await page.getByRole("heading", { name: "Log a session" }).waitFor();
  await pick(page, "pain-before", painBefore);
  await pick(page, "pain-after", painAfter);
  await pick(page, "effort", effort);
  await page.getByRole("button", { name: "Save session" }).click();
}

/** Every session the server holds for `patient` (as the therapist sees them). */
export async function serverSessions(server, patient) {
  const resp = await server.call("SessionService/ListSessions", { parent: patient, pageSize: 200 }, DEMO.therapist);
  return resp.sessions ?? [];
}

/**
 * One scenario: a fresh server and browser, `fn({ server, browser })`, then screenshots of every
 * page if it failed, and clean-up either way.
 */
export function scenario(name, fn) {
  test(name, { timeout: 120_000 }, async () => {
    const server = await startServer();
    const browser = await launch();
    try {
      await fn({ server, browser });
    } catch (e) {
      const out = env("PTRACK_WEB_ARTIFACTS");
      mkdirSync(out, { recursive: true });
      const slug = name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
      let n = 0;
      for (const context of browser.contexts()) {
        for (const page of context.pages()) {
          await page.screenshot({ path: join(out, `${slug}-${n++}.png`), fullPage: true }).catch(() => {});
        }
      }
      console.error(`screenshots: ${out}/${slug}-*.png\nptrackd log:\n${server.log()}`);
      throw e;
    } finally {
      await browser.close();
      await server.stop();
    }
  });
}
