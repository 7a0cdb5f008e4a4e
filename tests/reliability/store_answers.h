// The text of what a Store answers about the migration tests' records (migration_world.h):
// every read of every record — each by its id and each list, page by page with the store's own
// cursors, with date and time bounds around the records' edges — one line per answer, refusals
// by their code. The schema-11 fixture's answers were written with this by the schema-11
// release (tests/reliability/data/make_schema11.cc); the migration test compares them with what
// the current store answers after migrating the fixture. Only reads that both releases have are
// made, and only fields both releases store are shown (not Patient::data_version).
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "storage/json_codec.h"
#include "storage/store.h"
#include "tests/reliability/migration_world.h"

namespace ptrack::testing {

inline std::string Ms(Instant t) { return std::to_string(ToUnixMillis(t)); }

inline std::string Show(const Account& a) {
  return a.username + "|" + a.password_hash + "|" + std::to_string(static_cast<int>(a.role)) + "|" +
         a.clinic_id + "|" + a.subject_id + "|" + Ms(a.create_time) + "|" +
         std::to_string(a.failed_sign_ins) + "|" + Ms(a.last_failed_sign_in) + "|" +
         (a.disabled ? "disabled" : "enabled");
}
inline std::string Show(const Patient& p) {
  return p.id + "|" + p.clinic_id + "|" + p.display_name + "|" + p.time_zone + "|" +
         p.therapist_id + "|" + p.username + "|" + Ms(p.create_time) + "|v" +
         std::to_string(p.version);
}
inline std::string Show(const Therapist& t) {
  return t.id + "|" + t.clinic_id + "|" + t.display_name + "|" + t.username;
}
inline std::string Show(const Session& s) {
  std::string flags;
  for (const auto& f : s.red_flags) flags += f + ",";
  return s.id + "|" + s.patient_id + "|" + s.program_id + "|" + Ms(s.perform_time) + "|" +
         FormatIsoDate(s.local_date) + "|" + Ms(s.receive_time) + "|" +
         std::to_string(s.pain_before) + "/" + std::to_string(s.pain_after) + "/" +
         std::to_string(s.effort) + "|" + json::EncodeLogs(s.exercises).dump() + "|" + s.notes +
         "|" + flags;
}
inline std::string Show(const Program& p) {
  std::string out = p.id + "|" + p.patient_id + "|" + p.protocol_id + "|" +
                    FormatIsoDate(p.start_date) + "|" + std::to_string(static_cast<int>(p.state)) +
                    "|" + Ms(p.create_time);
  for (const ProgramRevision& r : p.revisions) {
    out += "\n  revision " + std::to_string(r.revision) + "|" + FormatIsoDate(r.effective_date) +
           "|" + r.reason + "|" + r.author + "|" + Ms(r.create_time) + "|" +
           json::EncodePhases(r.phases).dump() + "|" + json::Encode(r.rules).dump();
  }
  return out;
}
inline std::string Show(const TokenRecord& t) {
  return t.username + "|" + Ms(t.create_time) + "|" + Ms(t.expire_time) + "|" +
         Ms(t.last_use_time) + "|" + (t.revoked ? "revoked" : "live");
}
inline std::string Show(const AuditEvent& e) {
  return std::to_string(e.id) + "|" + Ms(e.time) + "|" + e.username + "|" +
         std::to_string(static_cast<int>(e.role)) + "|" + e.clinic_id + "|" + e.patient_id + "|" +
         e.method + "|" + e.outcome;
}
inline std::string Show(const TherapistAction& a) {
  return std::to_string(static_cast<int>(a.kind)) + "|" + FormatIsoDate(a.date) + "|" +
         a.decision_id + "|" + a.note + "|" + Ms(a.at);
}
inline std::string Show(const RtmEpisodeRecord& e) {
  return e.id + "|" + e.patient_id + "|" + FormatIsoDate(e.start_date) + "|" +
         (e.end_date ? FormatIsoDate(*e.end_date) : "open") + "|" + (e.onboarding ? "1" : "0") +
         "|" + e.practitioner_id + "|" + e.author + "|" + Ms(e.create_time);
}
inline std::string Show(const RtmTimeEntryRecord& e) {
  return e.id + "|" + e.patient_id + "|" + e.therapist_id + "|" + FormatIsoDate(e.date) + "|" +
         std::to_string(e.minutes) + "|" + (e.live ? "live" : "not live") + "|" + e.activity + "|" +
         Ms(e.create_time);
}
inline std::string Show(const AlertRecord& a) {
  return std::to_string(a.id) + "|" + a.clinic_id + "|" + a.patient_id + "|" +
         std::to_string(static_cast<int>(a.alert.kind)) + "|" + a.alert.key + "|" +
         FormatIsoDate(a.alert.date) + "|" + a.alert.detail + "|" + a.alert.session_id + "|" +
         Ms(a.create_time) + "|" + (a.ack_time ? Ms(*a.ack_time) : "unacknowledged") + "|" +
         a.ack_by;
}

inline std::string Show(const Clinic& c) { return c.id + "|" + c.display_name + "|" + c.time_zone; }
inline std::string Show(const Exercise& e) { return json::Encode(e).dump() + "|" + e.clinic_id; }
inline std::string Show(const Protocol& p) { return json::Encode(p).dump() + "|" + p.clinic_id; }
inline std::string Show(const PainFollowUp& f) {
  return f.session_id + "|" + std::to_string(f.pain) + "|" + Ms(f.received);
}
inline std::string Show(const DailyFacts& f) {
  return FormatIsoDate(f.date) + "|" + std::to_string(f.sessions_done) + "|" +
         std::to_string(f.exercises_done) + "|" + std::to_string(f.max_pain);
}
inline std::string Show(const Instant& t) { return Ms(t); }
inline std::string Show(const ActiveProgramRef& r) {
  return r.id + "|" + FormatIsoDate(r.start_date);
}
inline std::string Show(const PatientSummary& s) { return json::Encode(s).dump(); }
inline std::string Show(const PatientStatusRow& r) {
  return r.patient_id + "|" + r.display_name + "|" + r.therapist_id + "|" + r.time_zone + "|" +
         (r.summary ? Show(*r.summary) : "no summary") + "|" + Ms(r.update_time);
}
inline std::string Show(const SummaryAge& a) {
  return a.patient_id + "|" + a.time_zone + "|" + (a.as_of ? FormatIsoDate(*a.as_of) : "none");
}

template <typename T>
std::string ShowAll(const std::vector<T>& items) {
  std::string out;
  for (const T& item : items) out += Show(item) + "\n";
  return out;
}

// One answer: the value(s) or the refusal's code.
inline std::string CodeOf(const Status& s) {
  const std::string text = s.ToString();
  return text.substr(0, text.find(':'));
}
template <typename T>
std::string Answer(const Result<T>& r) {
  if (!r.ok()) return "refused " + CodeOf(r.status()) + "\n";
  if constexpr (requires(const T& v) {
                  v.begin();
                  v.end();
                }) {
    return "[" + std::to_string(r->size()) + "]\n" + ShowAll(*r);
  } else {
    return Show(*r) + "\n";
  }
}
inline std::string Answer(const Status& s) {
  return s.ok() ? "ok\n" : "refused " + CodeOf(s) + "\n";
}

// Every page of a list, following the store's cursors: each page's items and its cursor.
template <typename T>
std::string Pages(const std::function<Result<Page<T>>(const std::string&)>& fetch) {
  std::string out, after;
  for (int i = 0; i < 100; ++i) {
    auto page = fetch(after);
    if (!page.ok()) return out + "refused " + CodeOf(page.status()) + "\n";
    out += "page " + std::to_string(i) + " after '" + after + "' -> next '" + page->next_after +
           "'\n" + ShowAll(page->items);
    if (page->next_after.empty()) return out;
    after = page->next_after;
  }
  return out + "paging did not end\n";
}

// Every answer, as text. Reads only (GetOrCreateSecret is asked for a secret that exists).
inline std::string StoreAnswers(Store& store, const World& w, const Extras& x) {
  std::string out;
  auto say = [&](const std::string& what, const std::string& answer) {
    out += "## " + what + "\n" + answer;
  };
  const std::vector<std::string> clinics = {"harbour", "summit", "no-such-clinic"};
  const std::vector<std::string> patients = {"jordan", "casey", "riley", "no-such-patient"};
  const std::vector<std::string> therapists = {"ana", "tess", ""};
  const std::vector<std::string> programs = {w.program.id, x.ended.id, x.active.id,
                                             x.riley_program.id, "no-such-program"};
  for (const std::string& c : clinics) {
    say("GetClinic " + c, Answer(store.GetClinic(c)));
    for (int limit : {1, 50}) {
      say("ListTherapists " + c + " " + std::to_string(limit),
          Pages<Therapist>([&](const std::string& after) {
            return store.ListTherapists(c, PageRequest{limit, after});
          }));
      for (const std::string& t : therapists) {
        say("ListPatients " + c + " " + t + " " + std::to_string(limit),
            Pages<Patient>([&](const std::string& after) {
              return store.ListPatients(c, t, PageRequest{limit, after});
            }));
      }
    }
    for (const std::string& t : therapists) {
      say("ListPatientStatus " + c + " " + t, Answer(store.ListPatientStatus(c, t)));
      say("ListAlerts " + c + " " + t, Answer(store.ListAlerts(c, t, 0, 100)));
    }
    for (const std::string& p : {std::string(), std::string("jordan"), std::string("casey")}) {
      say("ListAudit " + c + " " + p, Pages<AuditEvent>([&](const std::string& after) {
            return store.ListAudit(c, p, PageRequest{1, after});
          }));
    }
    for (Region r : {Region::kUnspecified, Region::kNeck, Region::kUpperBack}) {
      say("ListExercises " + c + " " + json::RegionName(r),
          Pages<Exercise>([&](const std::string& after) {
            return store.ListExercises(r, PageRequest{1, after}, c);
          }));
    }
    say("ListProtocols " + c, Pages<Protocol>([&](const std::string& after) {
          return store.ListProtocols(PageRequest{1, after}, c);
        }));
  }
  for (const char* u :
       {"harbour-admin", "ana.ruiz", "jordan", "casey", "riley", "tess.ngata", "no-such-user"}) {
    say("GetAccount " + std::string(u), Answer(store.GetAccount(u)));
  }
  for (const std::string& t : therapists) say("GetTherapist " + t, Answer(store.GetTherapist(t)));
  for (const char* e : {"band-row", "chin-nod", "harbour-wall-angel", "not-in-catalogue"}) {
    say("GetExercise " + std::string(e), Answer(store.GetExercise(e)));
  }
  for (const std::string& p : {w.protocol.id, w.clinic_protocol.id, std::string("nope")}) {
    say("GetProtocol " + p, Answer(store.GetProtocol(p)));
  }

  const LocalDate first = Ymd(2026, 1, 1), last = Ymd(2026, 3, 31);
  for (const std::string& p : patients) {
    say("GetPatient " + p, Answer(store.GetPatient(p)));
    say("ListPrograms " + p, Answer(store.ListPrograms(p)));
    say("GetActiveProgram " + p, Answer(store.GetActiveProgram(p)));
    say("GetActiveProgramRef " + p, Answer(store.GetActiveProgramRef(p)));
    say("GetPatientSummary " + p, Answer(store.GetPatientSummary(p)));
    say("ListRtmEpisodes " + p, Answer(store.ListRtmEpisodes(p)));
    say("ListRtmTimeEntries " + p, Answer(store.ListRtmTimeEntries(p, first, last)));
    for (int limit : {1, 2, 50}) {
      say("ListSessions " + p + " " + std::to_string(limit),
          Pages<Session>([&](const std::string& after) {
            return store.ListSessions(p, std::nullopt, std::nullopt, PageRequest{limit, after});
          }));
    }
    // Date bounds on, and a day either side of, the records' days.
    for (LocalDate from : {Ymd(2026, 1, 7), Ymd(2026, 2, 5), Ymd(2026, 2, 8), Ymd(2026, 3, 4)}) {
      for (int shift : {-1, 0, 1}) {
        const LocalDate f = from + date::days{shift};
        say("ListSessions " + p + " from " + FormatIsoDate(f),
            Pages<Session>([&](const std::string& after) {
              return store.ListSessions(p, f, std::nullopt, PageRequest{2, after});
            }));
        say("ListSessions " + p + " to " + FormatIsoDate(f),
            Pages<Session>([&](const std::string& after) {
              return store.ListSessions(p, std::nullopt, f, PageRequest{2, after});
            }));
        say("ListSessions " + p + " " + FormatIsoDate(f) + ".." + FormatIsoDate(f + date::days{9}),
            Pages<Session>([&](const std::string& after) {
              return store.ListSessions(p, f, f + date::days{9}, PageRequest{3, after});
            }));
        say("GetDailyFacts " + p + " " + FormatIsoDate(f),
            Answer(store.GetDailyFacts(p, f, f + date::days{6})));
      }
    }
    say("GetDailyFacts " + p, Answer(store.GetDailyFacts(p, first, last)));
    for (const Instant from :
         {At(first, 0), At(Ymd(2026, 2, 5), 6, 7), At(Ymd(2026, 2, 14), 9, 30)}) {
      say("ListReceiveTimes " + p + " " + Ms(from),
          Answer(store.ListReceiveTimes(p, from, At(last, 0))));
      say("ListReceiveTimes " + p + " to " + Ms(from),
          Answer(store.ListReceiveTimes(p, At(first, 0), from)));
    }
  }
  for (const std::string& g : programs) {
    say("GetProgram " + g, Answer(store.GetProgram(g)));
    say("ListProgramSessions " + g, Answer(store.ListProgramSessions(g)));
    say("ListPainFollowUps " + g, Answer(store.ListPainFollowUps(g)));
    say("ListTherapistActions " + g, Answer(store.ListTherapistActions(g)));
  }
  std::vector<std::pair<std::string, std::string>> session_keys;
  for (const Session& s : w.sessions) session_keys.emplace_back(s.patient_id, s.id);
  for (const Session& s : x.sessions) {
    session_keys.emplace_back(s.patient_id, s.id);
    session_keys.emplace_back("jordan", s.id);  // another patient's id: NOT_FOUND
  }
  session_keys.emplace_back("riley", x.sessions.front().id);
  for (const auto& [patient, id] : session_keys) {
    say("GetSession " + patient + " " + id, Answer(store.GetSession(patient, id)));
  }
  say("GetTherapistAction " + w.action_id, Answer(store.GetTherapistAction(w.action_id)));
  for (const auto& [id, action] : x.actions) {
    say("GetTherapistAction " + id, Answer(store.GetTherapistAction(id)));
  }
  say("GetTherapistAction none", Answer(store.GetTherapistAction("no-such-action")));
  say("GetToken", Answer(store.GetToken(w.token.token_hash)));
  say("GetToken none", Answer(store.GetToken(std::string(32, 'x'))));
  say("GetRtmTimeEntry", Answer(store.GetRtmTimeEntry(w.entry.id)));
  say("ListSummaryAges", Answer(store.ListSummaryAges()));
  say("GetAlert 1", Answer(store.GetAlert(1)));
  say("GetAlert 99", Answer(store.GetAlert(99)));
  auto secret = store.GetOrCreateSecret(w.secret_name, "a candidate that must not be stored");
  say("GetOrCreateSecret", secret.ok() ? std::to_string(secret->size()) + " bytes, same " +
                                             (*secret == w.secret ? "yes" : "no") + "\n"
                                       : "refused " + CodeOf(secret.status()) + "\n");
  return out;
}

}  // namespace ptrack::testing
