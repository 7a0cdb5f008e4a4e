// The bench smoke test (CTest label "bench"): runs ptrack-bench at tiny sizes with --json and
// checks that every figure the performance issue names is present and sane — numbers where they
// must be, calls that succeeded, ratios that are ratios. It asserts nothing about speed.
//   node check_bench_json.mjs path/to/ptrack-bench
import { execFileSync } from "node:child_process";
import assert from "node:assert/strict";

const bench = process.argv[2];
const out = execFileSync(bench, ["--quick", "--json", "--patients", "20", "--days", "21", "--seconds", "0.5",
  "--inflight", "8"], { encoding: "utf8", timeout: 240_000, stdio: ["ignore", "pipe", "inherit"] });
const lines = out.trim().split("\n");
const fig = JSON.parse(lines[lines.length - 1]);
console.log(fig);

const required = ["null_rpc_qps", "null_rpc_p99_ms", "log_session_qps", "log_session_p99_ms", "log_ratio",
  "plan_qps", "plan_p99_ms", "plan_ratio", "connect_log_qps", "report_ms_1k", "report_ms_10k",
  "report_growth_360_180", "rss_mb", "db_bytes_per_session", "startup_ms"];
for (const k of required) assert.ok(k in fig, `missing ${k}`);
// A quick run has no 1,000 x 180, 10k or 360-day clinic: those figures are null, not invented.
for (const k of ["report_ms_1k", "report_ms_10k", "report_growth_360_180"]) assert.equal(fig[k], null, k);
for (const k of required.filter((k) => fig[k] !== null)) {
  assert.equal(typeof fig[k], "number", `${k} is not a number`);
  assert.ok(Number.isFinite(fig[k]) && fig[k] > 0, `${k} = ${fig[k]} should be positive`);
}
for (const k of ["null_rpc", "log_session", "plan", "connect_log"]) assert.equal(fig[`${k}_failed`], 0, `${k} calls failed`);
assert.ok(Math.abs(fig.log_ratio - fig.log_session_qps / fig.null_rpc_qps) < 1e-3, "log_ratio = log / null");
assert.ok(Math.abs(fig.plan_ratio - fig.plan_qps / fig.null_rpc_qps) < 1e-3, "plan_ratio = plan / null");
assert.ok(fig.null_rpc_p50_ms <= fig.null_rpc_p99_ms && fig.log_session_p50_ms <= fig.log_session_p99_ms);
assert.equal(fig.report_rows, 22, "the report lists the 20 generated patients and the demo's two");
