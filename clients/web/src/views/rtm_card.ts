// Remote Therapeutic Monitoring on the patient page: whether the patient is monitored, the
// current device-supply period's data days, the month's clinician minutes, the codes the records
// support and the forecast (all computed by the server, RtmService.GetRtmStatus); a therapist can
// start monitoring and record time (with or without a live interaction).
import { describe, rtm } from "../api";
import { h, toast } from "../dom";
import { Role } from "../gen/ptrack/v1/auth_pb";
import type { SignedIn } from "../session_store";
import { uuid4 } from "../uuid";

type Reload = () => Promise<void>;

function startForm(parent: string, today: string, reload: Reload): HTMLElement {
  const onboarded = h("input", { type: "checkbox", name: "onboarded" });
  const id = uuid4();
  const button = h("button", { type: "submit", class: "primary" }, "Start monitoring today");
  const form = h("form", { class: "rtm-start", "aria-label": "Start monitoring" },
    h("label", { class: "check" }, onboarded, h("span", null, "Set-up, education and consent done")), button);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    try {
      await rtm.startRtmEpisode({ parent, episodeId: id, episode: { startDate: today, onboardingRecorded: onboarded.checked } });
      toast("Monitoring started.");
      await reload();
    } catch (e) {
      toast(describe(e), "error");
      button.disabled = false;
    }
  });
  return form;
}

function timeForm(parent: string, reload: Reload): HTMLElement {
  const id = uuid4();  // one per form: a retry after a lost answer is the same entry
  const minutes = h("input", { type: "number", name: "minutes", min: 1, max: 240, required: true });
  const activity = h("input", { name: "activity", maxlength: 500, required: true, placeholder: "e.g. reviewed pain trend" });
  const live = h("input", { type: "checkbox", name: "live" });
  const button = h("button", { type: "submit" }, "Record time");
  const form = h("form", { class: "rtm-time", "aria-label": "Record monitoring time" },
    h("div", { class: "nums" },
      h("label", { class: "num" }, h("span", null, "Minutes"), minutes),
      h("label", { class: "field" }, h("span", null, "Activity"), activity)),
    h("label", { class: "check" }, live, h("span", null, "Live phone or video interaction")), button);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    try {
      await rtm.addRtmTimeEntry({ parent, entryId: id, entry: { minutes: Number(minutes.value), activity: activity.value, liveInteraction: live.checked } });
      toast(`${minutes.value} minutes recorded.`);
      await reload();
    } catch (e) {
      toast(describe(e), "error");
      button.disabled = false;
    }
  });
  return form;
}

export async function rtmCard(who: SignedIn, parent: string, today: string, reload: Reload): Promise<HTMLElement> {
  const card = h("section", { class: "card", "data-testid": "rtm" }, h("h2", null, "Remote monitoring (RTM)"));
  try {
    const s = await rtm.getRtmStatus({ parent });
    if (!s.inEpisode) {
      card.append(h("p", null, "Not monitored."));
      card.append(startForm(parent, today, reload));
      return card;
    }
    const codes = s.codes.map((c) => (c.units > 1 ? `${c.code} ×${c.units}` : c.code)).join(", ") || "none yet";
    card.append(
      h("p", null, `Period ${s.periodNumber} (${s.periodStart} to ${s.periodEnd}): `, h("strong", { "data-testid": "rtm-days" }, `${s.dataDays} data day${s.dataDays === 1 ? "" : "s"}`)),
      h("p", null, `This month: `, h("strong", { "data-testid": "rtm-minutes" }, `${s.minutes} minutes`),
        s.liveInteraction ? " with a live interaction" : ", no live interaction yet"),
      h("p", null, "Codes supported so far: ", h("strong", { "data-testid": "rtm-codes" }, codes)),
      h("p", { class: "notice", "data-testid": "rtm-forecast" }, s.forecast));
    if (who.role === Role.THERAPIST) card.append(timeForm(parent, reload));
  } catch (e) {
    card.append(h("p", { class: "error" }, `RTM status could not be loaded: ${describe(e)}`));
  }
  return card;
}
