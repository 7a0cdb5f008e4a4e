// The bench smoke test (CTest label "bench"): runs ptrack-bench at tiny sizes with --json and
// --floor and checks that every figure the performance issue names is present and sane — numbers
// where they must be, calls that succeeded, ratios that are ratios, and the floor server's
// figures beside ptrackd's; then a 12-second soak (--soak), checking its samples and verdicts are
// all there. It asserts nothing about speed.
//   node check_bench_json.mjs path/to/ptrack-bench
import { execFileSync } from "node:child_process";
import assert from "node:assert/strict";

const bench = process.argv[2];
const out = execFileSync(bench, ["--quick", "--json", "--patients", "20", "--days", "21", "--seconds", "0.5",
  "--inflight", "8", "--eval-patients", "2", "--floor"], { encoding: "utf8", timeout: 240_000, stdio: ["ignore", "pipe", "inherit"] });
const lines = out.trim().split("\n");
const fig = JSON.parse(lines[lines.length - 1]);
console.log(fig);

const required = ["null_rpc_qps", "null_rpc_p99_ms", "log_session_qps", "log_session_p99_ms", "log_ratio",
  "plan_qps", "plan_p99_ms", "plan_ratio", "connect_log_qps", "report_ms_1k", "report_ms_10k",
  "report_growth_360_180", "rss_mb", "db_bytes_per_session", "startup_ms", "plan_cold_qps",
  "plan_cold_p99_ms", "eval_ms_60d", "eval_ms_720d", "eval_growth"];
for (const k of required) assert.ok(k in fig, `missing ${k}`);
// A quick run has no 1,000 x 180, 10k or 360-day clinic: those figures are null, not invented.
for (const k of ["report_ms_1k", "report_ms_10k", "report_growth_360_180"]) assert.equal(fig[k], null, k);
for (const k of required.filter((k) => fig[k] !== null)) {
  assert.equal(typeof fig[k], "number", `${k} is not a number`);
  assert.ok(Number.isFinite(fig[k]) && fig[k] > 0, `${k} = ${fig[k]} should be positive`);
}
assert.ok(Math.abs(fig.eval_growth - fig.eval_ms_720d / fig.eval_ms_60d) < 1e-3, "eval_growth = 720 d / 60 d");
// The evaluation after a busy day's last session (the soak's shape), and its ratio to the first's.
// And a replay of that day, with nothing cached (what a session the open day cannot take in costs).
for (const k of ["eval_busy_day_ms_60d", "eval_busy_day_ms_720d", "eval_busy_day_growth",
                 "eval_busy_day_replay_ms_60d", "eval_busy_day_replay_ms_720d"]) {
  assert.ok(Number.isFinite(fig[k]) && fig[k] > 0, `${k} = ${fig[k]} should be positive`);
}
assert.ok(Math.abs(fig.eval_busy_day_growth - fig.eval_busy_day_ms_60d / fig.eval_ms_60d) < 1e-3,
  "eval_busy_day_growth = busy day / first session, 60 d");
// What a cached evaluation costs in memory: the cache's estimate and the heap it gave back.
for (const d of ["60d", "720d"]) {
  for (const k of [`eval_cache_kb_${d}`, `eval_heap_kb_${d}`]) {
    assert.ok(Number.isFinite(fig[k]) && fig[k] > 0, `${k} = ${fig[k]} should be positive`);
  }
}
for (const k of ["null_rpc", "log_session", "plan", "plan_cold", "connect_log"]) assert.equal(fig[`${k}_failed`], 0, `${k} calls failed`);
assert.ok(Math.abs(fig.log_ratio - fig.log_session_qps / fig.null_rpc_qps) < 1e-3, "log_ratio = log / null");
assert.ok(Math.abs(fig.plan_ratio - fig.plan_qps / fig.null_rpc_qps) < 1e-3, "plan_ratio = plan / null");
assert.ok(fig.null_rpc_p50_ms <= fig.null_rpc_p99_ms && fig.log_session_p50_ms <= fig.log_session_p99_ms);
assert.equal(fig.report_rows, 22, "the report lists the 20 generated patients and the demo's two");

// The floor server's phases (--floor; a run without it has no floor_* figure at all): the same
// figures and the same ratios, checked the same way, for each server.
const floorKeys = Object.keys(fig).filter((k) => k.startsWith("floor_"));
assert.ok(floorKeys.length > 0, "--floor was given: the floor's figures are missing");
for (const prefix of ["", "floor_"]) {
  for (const phase of ["null_rpc", "log_session", "plan"]) {
    for (const k of ["qps", "p50_ms", "p99_ms"]) {
      const v = fig[`${prefix}${phase}_${k}`];
      assert.ok(Number.isFinite(v) && v > 0, `${prefix}${phase}_${k} = ${v} should be positive`);
    }
    assert.equal(fig[`${prefix}${phase}_failed`], 0, `${prefix}${phase} calls failed`);
    assert.ok(fig[`${prefix}${phase}_p50_ms`] <= fig[`${prefix}${phase}_p99_ms`], `${prefix}${phase} p50 <= p99`);
    // What the phase cost, for which limit it hit: CPU per call in the server and in the bench,
    // and the machine's busy share (a clock-tick count: zero is possible in a short phase).
    for (const k of ["server_cpu_us", "bench_cpu_us", "busy"]) {
      const v = fig[`${prefix}${phase}_${k}`];
      assert.ok(Number.isFinite(v) && v >= 0, `${prefix}${phase}_${k} = ${v}`);
    }
    assert.ok(fig[`${prefix}${phase}_busy`] <= 1, `${prefix}${phase}_busy is a share`);
  }
  // ptrackd's ratios are of its phases; the floor's are each the median of three rounds' (its
  // phase figures are the last round's, so they give the third round's ratios).
  const suffix = prefix === "" ? "" : "_3";
  const r = (a, b) => fig[`${prefix}${a}`] / fig[`${prefix}${b}`];
  assert.ok(Math.abs(fig[`${prefix}log_ratio${suffix}`] - r("log_session_qps", "null_rpc_qps")) < 1e-3, `${prefix}log_ratio`);
  assert.ok(Math.abs(fig[`${prefix}plan_ratio${suffix}`] - r("plan_qps", "null_rpc_qps")) < 1e-3, `${prefix}plan_ratio`);
  assert.ok(Math.abs(fig[`${prefix}log_p99_over_null_p99${suffix}`] - r("log_session_p99_ms", "null_rpc_p99_ms")) < 1e-2,
    `${prefix}log_p99_over_null_p99`);
}
const floorRatios = ["floor_log_ratio", "floor_plan_ratio", "floor_log_p99_over_null_p99"];
for (const k of floorRatios) {
  const each = [1, 2, 3].map((round) => fig[`${k}_${round}`]).sort((a, b) => a - b);
  assert.ok(each.every((v) => Number.isFinite(v) && v > 0), `${k}: every round's ratio`);
  assert.equal(fig[k], each[1], `${k} is the median of its rounds`);
}
const floorExpected = ["null_rpc", "log_session", "plan"]
  .flatMap((p) => ["qps", "p50_ms", "p99_ms", "failed", "server_cpu_us", "bench_cpu_us", "busy"]
    .map((k) => `floor_${p}_${k}`))
  .concat(floorRatios.flatMap((k) => [k, `${k}_1`, `${k}_2`, `${k}_3`]));
assert.deepEqual(floorKeys.sort(), floorExpected.sort(), "the floor's figures, and no others");

// The soak mode (docs/RELIABILITY.md, item 5), 12 s with a sample every second: the shape of its
// JSON — every sample with its figures, the verdicts with their rules, failures counted by code.
// Its verdicts are figures, not asserted: under an open-loop rate, whether a busy machine makes
// the server refuse calls is a matter of speed.
const soakOut = execFileSync(bench, ["--soak", "12", "--json", "--patients", "20", "--days", "21", "--seconds", "1",
  "--inflight", "8", "--eval-patients", "2"], { encoding: "utf8", timeout: 120_000, stdio: ["ignore", "pipe", "inherit"] });
const soakLines = soakOut.trim().split("\n");
const soak = JSON.parse(soakLines[soakLines.length - 1]);
console.log({ ...soak, samples: `${soak.samples.length} samples`, mix: soak.mix.map((m) => `${m.kind} ${m.calls}`) });
assert.equal(soak.mode, "soak");
for (const k of ["capacity_qps", "capacity_after_qps", "rate_qps", "achieved_qps", "scheduled", "calls", "interval_s", "rss_base_mb",
  "wal_max_bytes", "wal_bound_bytes", "p99_first_third_ms", "p99_last_third_ms"]) {
  assert.ok(Number.isFinite(soak[k]) && soak[k] > 0, `${k} = ${soak[k]} should be positive`);
}
for (const k of ["capacity_settled_qps", "capacity_cpu_us", "capacity_after_settled_qps", "capacity_after_cpu_us",
  "capacity_cpu_kept", "cpu_us_per_call_first_third", "cpu_us_per_call_last_third"]) {
  assert.ok(Number.isFinite(soak[k]) && soak[k] > 0, `${k} = ${soak[k]} should be positive`);
}
assert.ok(soak.capacity_settled_qps <= soak.capacity_qps + 1e-6, "the deferred work only adds time");
assert.ok(Math.abs(soak.rate_qps - 0.8 * soak.capacity_settled_qps) < 1e-2,
  "the soak runs at 80 % of the capacity with the deferred work");
assert.ok(Math.abs(soak.capacity_cpu_kept - soak.capacity_cpu_us / soak.capacity_after_cpu_us) < 1e-3,
  "capacity kept is CPU per call before over after");
assert.equal(Object.values(soak.errors_by_code).reduce((n, c) => n + c, 0), soak.errors,
  "the failures by code add up to the failures");
assert.equal(soak.capacity_failed, 0, "calls failed while measuring capacity");
assert.equal(soak.calls + soak.not_made, soak.scheduled, "every scheduled call was made or counted as not made");
assert.equal(soak.samples.length, 12, "a sample a second");
for (const s of soak.samples) {
  for (const k of ["t_s", "calls", "errors", "late", "p50_ms", "p99_ms", "max_ms", "rss_mb", "wal_bytes", "db_bytes",
    "wal_restart_wait_ms", "wal_restarts_gave_up"]) {
    assert.equal(typeof s[k], "number", `sample ${JSON.stringify(s)}: ${k}`);
  }
  // A second in which no call completed (the machine busy with other tests) is a sample too.
  assert.ok(s.calls >= 0 && s.rss_mb > 0 && s.db_bytes > 0 && s.p50_ms <= s.p99_ms && s.p99_ms <= s.max_ms,
    `sample ${JSON.stringify(s)}`);
}
assert.equal(soak.samples.reduce((n, s) => n + s.calls, 0), soak.calls, "the samples add up to the calls");
const kinds = soak.mix.map((m) => m.kind);
assert.deepEqual(kinds, ["log_session", "connect_log", "plan", "list_sessions", "adherence", "report"]);
assert.equal(soak.mix.reduce((n, m) => n + m.weight, 0), 1000, "weights per 1,000 calls");
// Each kind alone before and after the soak: the server's CPU per call, where growth comes from.
for (const m of soak.mix.filter((m) => m.weight > 0)) {
  for (const k of ["alone_cpu_us_before", "alone_cpu_us_after"]) {
    assert.ok(Number.isFinite(m[k]) && m[k] > 0, `${m.kind} ${k} = ${m[k]} should be positive`);
  }
}
for (const v of ["errors", "rss_growth", "wal_bounded", "latency_stable", "capacity_kept", "schedule_kept"]) {
  assert.ok(v in soak.verdicts, `verdict ${v}`);
  assert.equal(typeof soak.verdicts[v].met, "boolean", `verdict ${v} is met or missed`);
  assert.equal(typeof soak.verdicts[v].rule, "string");
}
assert.equal(soak.verdicts.errors.met, soak.errors === 0, "the errors verdict follows the count");
assert.equal(soak.verdicts.capacity_kept.met, soak.capacity_cpu_kept >= 0.95, "the capacity verdict follows CPU per call");
