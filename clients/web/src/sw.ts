// The service worker: keeps the app shell (index.html, app.js, styles, icon, manifest) so the app
// opens offline. Shell files are served cache-first; a new build (new SHELL_VERSION) caches the
// new shell and deletes the old. API calls (POST) and anything else pass straight to the network,
// never cached: patient data lives in the page's own storage (outbox.ts, cache.ts).

declare const SHELL_VERSION: string;
declare const SHELL_FILES: string[];

// The worker-scope types ("webworker" lib) clash with the page's DOM types in one program, so
// only what is used is declared here.
interface InstallEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface ShellFetchEvent extends Event {
  request: Request;
  respondWith(r: Promise<Response>): void;
}
const worker = self as unknown as {
  addEventListener(type: "install" | "activate", fn: (e: InstallEvent) => void): void;
  addEventListener(type: "fetch", fn: (e: ShellFetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  location: Location;
};

const CACHE = `ptrack-shell-${SHELL_VERSION}`;

worker.addEventListener("install", (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL_FILES)).then(() => worker.skipWaiting()));
});

worker.addEventListener("activate", (e) => {
  e.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await worker.clients.claim();
  })());
});

worker.addEventListener("fetch", (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== "GET" || url.origin !== worker.location.origin) return;
  const shellPath = url.pathname === "/" ? "./" : `.${url.pathname}`;
  if (!SHELL_FILES.includes(shellPath)) return;
  e.respondWith((async () => {
    const cached = await caches.match(shellPath === "./" ? "./" : e.request, { cacheName: CACHE });
    return cached ?? fetch(e.request);
  })());
});
