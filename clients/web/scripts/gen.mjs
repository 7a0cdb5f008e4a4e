// Generates the typed API client (src/gen/) from the repository's .proto files with Debian's
// protoc and protoc-gen-es from node_modules. The output is a build product: never edited, never
// committed. Run from clients/web (npm run gen).
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const web = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const protoRoot = resolve(web, "../../proto");
const out = join(web, "src/gen");
const files = [
  ...readdirSync(join(protoRoot, "ptrack/v1"))
    .filter((f) => f.endsWith(".proto"))
    .map((f) => `ptrack/v1/${f}`),
  "grpc/health/v1/health.proto",
  "google/rpc/error_details.proto",
];
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
execFileSync(
  "protoc",
  [
    `--plugin=protoc-gen-es=${join(web, "node_modules/.bin/protoc-gen-es")}`,
    `--es_out=${out}`,
    "--es_opt=target=ts",
    `-I${protoRoot}`,
    ...files,
  ],
  { stdio: "inherit" },
);
