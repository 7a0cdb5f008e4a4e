// Builds the web app into static files: type-checks with tsc, bundles src/main.ts (app.js) and
// src/sw.ts (sw.js, the service worker) with esbuild, and copies static/. The service worker's
// cache name carries a hash of the app shell, so a new build replaces the old shell on next visit.
// Usage: node scripts/build.mjs OUTDIR   (run from clients/web; npm run build -- OUTDIR)
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const web = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = resolve(process.argv[2] ?? join(web, "dist"));

try {
  execFileSync(join(web, "node_modules/.bin/tsc"), ["--noEmit", "-p", web], { stdio: "inherit" });
} catch {
  console.error("web build: type errors (above)");
  process.exit(1);
}

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
cpSync(join(web, "static"), outdir, { recursive: true });

const common = {
  bundle: true,
  minify: true,
  sourcemap: true,
  target: "es2022",
  logLevel: "warning",
};
await esbuild.build({ ...common, entryPoints: [join(web, "src/main.ts")], outfile: join(outdir, "app.js"), format: "esm" });

// The shell is every file the service worker caches; its hash names the cache.
const shell = readdirSync(outdir).filter((f) => !f.endsWith(".map")).sort();
const hash = createHash("sha256");
for (const f of shell) hash.update(f).update(readFileSync(join(outdir, f)));
await esbuild.build({
  ...common,
  entryPoints: [join(web, "src/sw.ts")],
  outfile: join(outdir, "sw.js"),
  format: "iife",
  define: {
    SHELL_VERSION: JSON.stringify(hash.digest("hex").slice(0, 16)),
    SHELL_FILES: JSON.stringify(shell.map((f) => (f === "index.html" ? "./" : `./${f}`))),
  },
});
