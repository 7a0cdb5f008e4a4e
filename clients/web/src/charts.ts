// Two small charts in plain SVG and HTML, shared by the patient's history and the therapist's
// patient page: the adherence calendar (one square per day: done, missed, rest, upcoming) and the
// pain trend (pain before and after each session, 0–10, by date). Both carry text alternatives.
import { addDays, daysBetween, shortDate, weekday } from "./dates";
import { h, s } from "./dom";
import type { AdherenceDay } from "./gen/ptrack/v1/session_pb";

/** Days from GetAdherence, laid out Monday to Sunday; `today` marks where the future starts. */
export function adherenceCalendar(days: AdherenceDay[], today: string): HTMLElement {
  if (days.length === 0) return h("p", null, "No days to show yet.");
  const cells: HTMLElement[] = [];
  for (let i = 0; i < weekday(days[0].date); i++) cells.push(h("span", { class: "day blank" }));
  let done = 0;
  let missed = 0;
  for (const d of days) {
    let kind: string;
    if (d.sessionsDone > 0) kind = "done";
    else if (d.date > today) kind = "future";
    else if (d.sessionsPrescribed > 0 && d.date < today) kind = "missed";
    else if (d.sessionsPrescribed > 0) kind = "due";
    else kind = "rest";
    if (kind === "done") done++;
    if (kind === "missed") missed++;
    const label = `${shortDate(d.date)}: ${kind}${d.maxPain >= 0 ? `, pain up to ${d.maxPain}` : ""}`;
    cells.push(
      h("span", { class: `day ${kind}${d.date === today ? " today" : ""}`, title: label, "aria-label": label, "data-date": d.date },
        String(Number(d.date.slice(8)))),
    );
  }
  return h("figure", { class: "calendar", "data-testid": "adherence-calendar" },
    h("div", { class: "weekdays", "aria-hidden": "true" }, ["M", "T", "W", "T", "F", "S", "S"].map((d) => h("span", null, d))),
    h("div", { class: "days" }, cells),
    h("figcaption", null, `${done} days with a session, ${missed} prescribed days missed.`,
      h("span", { class: "legend" },
        h("span", { class: "day done" }), " done ", h("span", { class: "day missed" }), " missed ",
        h("span", { class: "day rest" }), " rest")));
}

export interface PainPoint {
  date: string;
  before: number;
  after: number;
}

/** Pain before and after each session over [from, to]. */
export function painChart(points: PainPoint[], from: string, to: string): Element {
  if (points.length === 0) return h("p", { "data-testid": "pain-chart-empty" }, "No sessions logged in this period.");
  const W = 320, H = 160, L = 24, R = 8, T = 8, B = 20;
  const span = Math.max(1, daysBetween(from, to));
  const x = (date: string) => L + ((W - L - R) * daysBetween(from, date)) / span;
  const y = (pain: number) => T + ((H - T - B) * (10 - pain)) / 10;
  const line = (pick: (p: PainPoint) => number) =>
    points.map((p) => `${x(p.date).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(" ");
  const grid = [0, 5, 10].map((v) => [
    s("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "grid" }),
    s("text", { x: L - 4, y: y(v) + 4, class: "axis", "text-anchor": "end" }, String(v)),
  ]);
  const mid = addDays(from, Math.floor(span / 2));
  const ticks = [from, mid, to].map((d, i) =>
    s("text", { x: x(d), y: H - 4, class: "axis", "text-anchor": ["start", "middle", "end"][i] }, shortDate(d)));
  const last = points[points.length - 1];
  const summary = `Pain over ${points.length} sessions: most recent ${last.before} before and ${last.after} after (0 = none, 10 = worst).`;
  return h("figure", { class: "pain-chart", "data-testid": "pain-chart" },
    s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": summary },
      grid, ticks,
      s("polyline", { points: line((p) => p.before), class: "before" }),
      s("polyline", { points: line((p) => p.after), class: "after" }),
      points.map((p) => s("circle", { cx: x(p.date), cy: y(p.after), r: 2.5, class: "after" }))),
    h("figcaption", null, summary, " ",
      h("span", { class: "key before" }, "— before"), " ", h("span", { class: "key after" }, "— after")));
}

export interface ScorePoint {
  date: string;
  score: number;
}

/**
 * One outcome measure's scores over time (0..`scaleMax`), with the band of the minimal clinically
 * important difference around the baseline (the first score): a later score outside the band is a
 * change that counts. `higherIsBetter` only words the summary.
 */
export function scoreChart(title: string, points: ScorePoint[], scaleMax: number, mcid: number,
  higherIsBetter: boolean): Element {
  if (points.length === 0) return h("p", null, `No ${title} answers yet.`);
  const W = 320, H = 140, L = 28, R = 8, T = 8, B = 20;
  const from = points[0].date, to = points[points.length - 1].date;
  const span = Math.max(1, daysBetween(from, to));
  const x = (date: string) => L + ((W - L - R) * daysBetween(from, date)) / span;
  const y = (v: number) => T + ((H - T - B) * (scaleMax - Math.min(scaleMax, Math.max(0, v)))) / scaleMax;
  const base = points[0].score;
  const band = mcid > 0
    ? s("rect", { x: L, width: W - L - R, y: y(base + mcid), height: Math.max(0, y(base - mcid) - y(base + mcid)), class: "mcid-band" })
    : null;
  const last = points[points.length - 1];
  const summary = `${title}: baseline ${base}, latest ${last.score} on ${shortDate(last.date)} ` +
    `(${higherIsBetter ? "higher" : "lower"} is better${mcid > 0 ? `; the shaded band is the baseline ± ${mcid}, the MCID` : ""}).`;
  return h("figure", { class: "score-chart", "data-testid": "score-chart" },
    s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": summary },
      band,
      [0, scaleMax].map((v) => s("text", { x: L - 4, y: y(v) + 4, class: "axis", "text-anchor": "end" }, String(v))),
      s("polyline", { points: points.map((p) => `${x(p.date).toFixed(1)},${y(p.score).toFixed(1)}`).join(" "), class: "after" }),
      points.map((p) => s("circle", { cx: x(p.date), cy: y(p.score), r: 3, class: "after" }))),
    h("figcaption", null, summary));
}
