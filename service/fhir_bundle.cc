// The FHIR R4 bundle (fhir_bundle.h). Only required and useful elements are written; codes are
// FHIR's own value sets (R4) and LOINC 72514-3 for pain severity.
#include "service/fhir_bundle.h"

#include <sodium.h>

#include <cstdio>

namespace ptrack::fhir {
namespace {

using nlohmann::json;

constexpr const char* kLoinc = "http://loinc.org";
constexpr const char* kPainCode = "72514-3";
constexpr const char* kPainDisplay =
    "Pain severity - 0-10 verbal numeric rating [Score] - Reported";
constexpr const char* kCategorySystem =
    "http://terminology.hl7.org/CodeSystem/observation-category";

std::string Iso(Instant t) {
  return date::format("%FT%TZ", std::chrono::time_point_cast<std::chrono::seconds>(t));
}

// FHIR "name" must start with an upper-case letter and hold only letters, digits and "_".
std::string MachineName(const std::string& id) {
  std::string out;
  bool upper = true;
  for (char ch : id) {
    if (std::isalnum(static_cast<unsigned char>(ch))) {
      out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : ch;
      upper = false;
    } else {
      upper = true;
    }
  }
  if (out.empty() || !std::isalpha(static_cast<unsigned char>(out[0]))) out = "X" + out;
  return out;
}

std::string Canonical(const std::string& exercise_id) {
  return "urn:ptrack:exercises:" + exercise_id;
}

json Entry(const std::string& name, json resource) {
  return {{"fullUrl", UrnFor(name)}, {"resource", std::move(resource)}};
}

// CarePlan.status: active ("on-hold" while a pause covers today), or at its end "completed"
// (completed, goals met, or ended before discharges were recorded) or "revoked" (terminated
// before completion: referred on, dropped out).
std::string CarePlanStatus(const Program& p, LocalDate today) {
  if (p.state != ProgramState::kEnded) return PausedOn(p, today) ? "on-hold" : "active";
  if (p.discharge && (p.discharge->reason == DischargeReason::kReferredOn ||
                      p.discharge->reason == DischargeReason::kDroppedOut)) {
    return "revoked";
  }
  return "completed";
}

// CarePlan.period: from the start date, to the discharge day once discharged.
json Period(const Program& p) {
  json period = {{"start", FormatIsoDate(p.start_date)}};
  if (p.discharge) period["end"] = FormatIsoDate(p.discharge->date);
  return period;
}

// Past phases completed, the scheduled current one in progress, later ones not started.
std::string ActivityStatus(const Program& program, const Phase& phase, LocalDate today) {
  if (program.state == ProgramState::kEnded) return "completed";
  const int week = today < program.start_date
                       ? 0
                       : static_cast<int>((today - program.start_date).count()) / 7 + 1;
  if (week < phase.start_week) return "not-started";
  if (phase.weeks > 0 && week >= phase.start_week + phase.weeks) return "completed";
  return "in-progress";
}

// A Questionnaire per instrument answered (its items as integer choices with their labels), a
// QuestionnaireResponse per response and an Observation of its score.
void AddOutcomes(const PatientRecord& r, const std::string& patient_name,
                 const std::string& patient_ref, json& entries) {
  auto canonical = [](const std::string& id) { return "urn:ptrack:instruments:" + id; };
  for (const auto& [id, in] : r.instruments) {
    json items = json::array();
    for (const OutcomeItem& item : in.items) {
      json options = json::array();
      for (int v = item.min; v <= item.max; ++v) {
        json coding = {{"code", std::to_string(v)}};
        if (!item.labels.empty())
          coding["display"] = item.labels[static_cast<size_t>(v - item.min)];
        options.push_back({{"valueCoding", std::move(coding)}});
      }
      items.push_back({{"linkId", item.id},
                       {"text", item.text.empty() ? item.id : item.text},
                       {"type", "choice"},
                       {"required", item.required},
                       {"answerOption", std::move(options)}});
    }
    json q = {{"resourceType", "Questionnaire"},
              {"id", id},
              {"url", canonical(id)},
              {"name", MachineName(id)},
              {"title", in.display_name},
              {"status", "active"},
              {"copyright", in.licence},
              {"item", std::move(items)}};
    if (!in.loinc.empty()) q["code"] = {{{"system", kLoinc}, {"code", in.loinc}}};
    entries.push_back(Entry("instruments/" + id, std::move(q)));
  }
  for (const OutcomeResponseRecord& o : r.outcomes) {
    const std::string name = patient_name + "/outcomeResponses/" + o.result.id;
    json items = json::array();
    for (const OutcomeAnswer& a : o.answers) {
      json item = {{"linkId", a.item_id},
                   {"answer", {{{"valueCoding", {{"code", std::to_string(a.value)}}}}}}};
      if (!a.activity.empty()) item["text"] = a.activity;
      items.push_back(std::move(item));
    }
    entries.push_back(Entry(
        name, {{"resourceType", "QuestionnaireResponse"},
               {"id", o.result.id},
               {"questionnaire", canonical(o.result.instrument_id)},
               {"status", "completed"},
               {"subject", {{"reference", patient_ref}}},
               {"basedOn", {{{"reference", UrnFor(patient_name + "/programs/" + o.program_id)}}}},
               {"authored", Iso(o.answer_time)},
               {"item", std::move(items)}}));
    json code = {{"text", o.result.judgement.display_name}};
    auto in = r.instruments.find(o.result.instrument_id);
    if (in != r.instruments.end() && !in->second.loinc.empty()) {
      code["coding"] = {{{"system", kLoinc}, {"code", in->second.loinc}}};
    }
    json observation = {
        {"resourceType", "Observation"},
        {"id", o.result.id + "-score"},
        {"status", "final"},
        {"category", {{{"coding", {{{"system", kCategorySystem}, {"code", "survey"}}}}}}},
        {"code", std::move(code)},
        {"subject", {{"reference", patient_ref}}},
        {"effectiveDateTime", Iso(o.answer_time)},
        {"valueQuantity", {{"value", o.result.score}, {"unit", "score"}}},
        {"derivedFrom", {{{"reference", UrnFor(name)}}}}};
    if (o.percent) {
      observation["component"] = {{{"code", {{"text", "Percent of the full scale"}}},
                                   {"valueQuantity",
                                    {{"value", *o.percent},
                                     {"unit", "%"},
                                     {"system", "http://unitsofmeasure.org"},
                                     {"code", "%"}}}}};
    }
    entries.push_back(Entry(name + "/score", std::move(observation)));
  }
}

}  // namespace

std::string UrnFor(const std::string& resource_name) {
  unsigned char d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(d, reinterpret_cast<const unsigned char*>(resource_name.data()),
                     resource_name.size());
  d[6] = static_cast<unsigned char>((d[6] & 0x0f) | 0x80);  // version 8
  d[8] = static_cast<unsigned char>((d[8] & 0x3f) | 0x80);  // RFC 9562 variant
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", d[0], d[1],
                d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14],
                d[15]);
  return std::string("urn:uuid:") + out;
}

json Bundle(const PatientRecord& r, LocalDate today, Instant now) {
  const std::string patient_name = "clinics/" + r.patient.clinic_id + "/patients/" + r.patient.id;
  const std::string patient_ref = UrnFor(patient_name);
  json entries = json::array();
  entries.push_back(Entry(
      patient_name, {{"resourceType", "Patient"},
                     {"id", r.patient.id},
                     {"identifier", {{{"system", "urn:ptrack:patients"}, {"value", patient_name}}}},
                     {"name", {{{"text", r.patient.display_name}}}}}));

  for (const auto& [id, e] : r.exercises) {
    json ad = {{"resourceType", "ActivityDefinition"},
               {"id", id},
               {"url", Canonical(id)},
               {"name", MachineName(id)},
               {"title", e.display_name},
               {"status", "active"},
               {"kind", "Task"},
               {"code", {{"text", e.display_name}}}};
    if (!e.instructions.empty()) ad["description"] = e.instructions;
    entries.push_back(Entry("exercises/" + id, std::move(ad)));
  }

  for (const Program& p : r.programs) {
    json activities = json::array();
    for (const Phase& phase : p.latest().phases) {
      for (const Prescription& rx : phase.prescriptions) {
        auto ex = r.exercises.find(rx.exercise_id);
        const std::string title =
            ex == r.exercises.end() ? rx.exercise_id : ex->second.display_name;
        activities.push_back(
            {{"detail",
              {{"kind", "Task"},
               {"instantiatesCanonical", {Canonical(rx.exercise_id)}},
               {"code", {{"text", title}}},
               {"status", ActivityStatus(p, phase, today)},
               {"description", "Phase " + std::to_string(phase.number) + " (" + phase.display_name +
                                   "), from program week " + std::to_string(phase.start_week)}}}});
      }
    }
    const std::string name = patient_name + "/programs/" + p.id;
    auto title = r.protocol_titles.find(p.protocol_id);
    entries.push_back(
        Entry(name, {{"resourceType", "CarePlan"},
                     {"id", p.id},
                     {"status", CarePlanStatus(p, today)},
                     {"intent", "plan"},
                     {"title", title == r.protocol_titles.end() ? p.protocol_id : title->second},
                     {"subject", {{"reference", patient_ref}}},
                     {"period", Period(p)},
                     {"created", Iso(p.create_time)},
                     {"activity", std::move(activities)}}));
  }

  for (const Session& s : r.sessions) {
    const std::string session_name = patient_name + "/sessions/" + s.id;
    for (const auto& [suffix, value, when] :
         {std::tuple{"before", s.pain_before, "before exercise"},
          std::tuple{"after", s.pain_after, "after exercise"}}) {
      entries.push_back(Entry(
          session_name + "/pain-" + suffix,
          {{"resourceType", "Observation"},
           {"id", s.id + "-pain-" + suffix},
           {"status", "final"},
           {"category", {{{"coding", {{{"system", kCategorySystem}, {"code", "survey"}}}}}}},
           {"code",
            {{"coding", {{{"system", kLoinc}, {"code", kPainCode}, {"display", kPainDisplay}}}},
             {"text", std::string("Pain ") + when}}},
           {"subject", {{"reference", patient_ref}}},
           {"effectiveDateTime", Iso(s.perform_time)},
           {"valueInteger", value},
           {"note", {{{"text", std::string("Reported ") + when}}}}}));
    }
  }
  AddOutcomes(r, patient_name, patient_ref, entries);
  return {{"resourceType", "Bundle"},
          {"type", "collection"},
          {"timestamp", Iso(now)},
          {"entry", std::move(entries)}};
}

}  // namespace ptrack::fhir
