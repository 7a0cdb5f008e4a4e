// Unit tests for scheduler/plan.h over a small program built here: three phases (weeks 1-2
// daily, weeks 3-4 three times a week, open-ended maintenance twice a week from week 5) whose
// prescriptions have several dose steps. They pin the dose step by week (the last step holds),
// training days by sessions per week, phase boundaries, the "why" text (non-empty exactly when a
// dose differs from the same day one week earlier, and saying whether a scheduled step, a new
// phase or a therapist's revision with its reason caused it), and that a revision changes plans
// only from its effective date on, so plans for earlier dates reproduce from history.
#include "scheduler/plan.h"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "scheduler/calendar.h"

namespace ptrack {
namespace {

using Catch::Matchers::Contains;

LocalDate Ymd(int y, unsigned m, unsigned d) {
  return LocalDate{date::year{y} / date::month{m} / date::day{d}};
}

const LocalDate kStart = Ymd(2026, 3, 2);  // a Monday

// The day `day_of_week` (0..6) of 1-based program week `week`.
LocalDate Day(int week, int day_of_week = 0) {
  return kStart + date::days{7 * (week - 1) + day_of_week};
}

const Dose kChin5{.sets = 1, .reps = 10, .hold_seconds = 5};
const Dose kChin10{.sets = 1, .reps = 10, .hold_seconds = 10};
const Dose kChin2x10{.sets = 2, .reps = 10, .hold_seconds = 10};
const Dose kPlank{.sets = 4, .hold_seconds = 20, .side = Side::kEach};
const Dose kShortPlank{.sets = 4, .hold_seconds = 15, .side = Side::kEach};
const Dose kRow8{.sets = 2, .reps = 8, .band = "yellow"};
const Dose kRow10{.sets = 2, .reps = 10, .band = "yellow"};
const Dose kRow12{.sets = 2, .reps = 12, .band = "yellow"};
const Dose kHomeRow10{.sets = 1, .reps = 10, .band = "yellow"};
const Dose kHomeRow12{.sets = 1, .reps = 12, .band = "yellow"};
const Dose kHomeRowRed{.sets = 1, .reps = 12, .band = "red"};

Prescription Rx(std::string exercise, std::vector<Dose> steps) {
  return Prescription{std::move(exercise), std::move(steps), ""};
}

std::vector<Phase> BasePhases() {
  return {
      Phase{.number = 1,
            .display_name = "Control and tolerance",
            .start_week = 1,
            .weeks = 2,
            .sessions_per_week = 7,
            .prescriptions = {Rx("chin-nod", {kChin5, kChin10}), Rx("side-plank", {kPlank})}},
      Phase{.number = 2,
            .display_name = "Strength and endurance",
            .start_week = 3,
            .weeks = 2,
            .sessions_per_week = 3,
            .prescriptions = {Rx("chin-nod", {kChin2x10}), Rx("band-row", {kRow8, kRow10, kRow12}),
                              Rx("side-plank", {kPlank})}},
      Phase{.number = 3,
            .display_name = "Home maintenance",
            .start_week = 5,
            .weeks = 0,
            .sessions_per_week = 2,
            .prescriptions = {Rx("band-row", {kHomeRow10, kHomeRow12}), Rx("chin-nod", {kChin10})}},
  };
}

// The program as assigned: revision 1 only, effective from the start date.
Program BaseProgram() {
  Program program;
  program.id = "program-1";
  program.patient_id = "patient-1";
  program.protocol_id = "upper-back-12w";
  program.start_date = kStart;
  ProgramRevision r1;
  r1.revision = 1;
  r1.effective_date = kStart;
  r1.reason = "assigned";
  r1.phases = BasePhases();
  program.revisions.push_back(r1);
  return program;
}

// Appends revision n+1, effective from `effective`, with `edit` applied to the latest phases.
template <typename Edit>
void Revise(Program& program, LocalDate effective, std::string reason, Edit edit) {
  ProgramRevision r;
  r.revision = program.latest().revision + 1;
  r.effective_date = effective;
  r.reason = std::move(reason);
  r.author = "clinics/c/therapists/t";
  r.phases = program.latest().phases;
  edit(r.phases);
  program.revisions.push_back(std::move(r));
}

// Week 6, Wednesday 2026-04-08: the maintenance row moves to a red band.
const LocalDate kRev2Date = Day(6, 2);
const char* const kRev2Reason = "pain-free at 12 reps, add a band";
void RedBand(std::vector<Phase>& phases) { phases[2].prescriptions[0].dose_steps = {kHomeRowRed}; }

// Week 10, Monday 2026-05-04: maintenance once a week, chin nods back to two sets.
const LocalDate kRev3Date = Day(10, 0);
void OnceAWeek(std::vector<Phase>& phases) {
  phases[2].sessions_per_week = 1;
  phases[2].prescriptions[1].dose_steps = {kChin2x10};
}

const PlannedExercise* Find(const PlanDay& plan, const std::string& exercise) {
  for (const PlannedExercise& e : plan.exercises) {
    if (e.exercise_id == exercise) return &e;
  }
  return nullptr;
}

std::string Describe(const Dose& d) {
  std::ostringstream out;
  out << d.sets << "/" << d.reps << "/" << d.hold_seconds << "/[";
  for (int r : d.pyramid_reps) out << r << " ";
  out << "]/" << d.load_kg << "/" << d.band << "/" << SideName(d.side) << "/" << d.rest_seconds;
  return out.str();
}

// Every field of a plan, for exact comparisons with readable failure messages.
std::string Describe(const PlanDay& p) {
  std::ostringstream out;
  out << FormatIsoDate(p.date) << " week " << p.program_week << " phase " << p.phase_number << " '"
      << p.phase_name << "' training " << p.training_day << " revision " << p.revision << "\n";
  for (const PlannedExercise& e : p.exercises) {
    out << "  " << e.exercise_id << " " << Describe(e.dose) << " step " << e.dose_step << " why '"
        << e.why << "'\n";
  }
  return out.str();
}

std::vector<std::string> Ids(const PlanDay& plan) {
  std::vector<std::string> ids;
  for (const PlannedExercise& e : plan.exercises) ids.push_back(e.exercise_id);
  return ids;
}

TEST_CASE("DoseForWeek steps through the dose steps and holds the last", "[foundation][plan]") {
  const Prescription rx = Rx("band-row", {kRow8, kRow10, kRow12});
  // week in phase -> 1-based step
  const auto row = GENERATE(table<int, int>({{1, 1}, {2, 2}, {3, 3}, {4, 3}, {52, 3}, {500, 3}}));
  INFO("week " << std::get<0>(row) << " of the phase");
  int step = 0;
  const Dose& dose = DoseForWeek(rx, std::get<0>(row), &step);
  CHECK(step == std::get<1>(row));
  CHECK(&dose == &rx.dose_steps[std::get<1>(row) - 1]);
  CHECK(&DoseForWeek(rx, std::get<0>(row), nullptr) == &dose);
}

TEST_CASE("PlanFor: program week, phase and exercises at phase boundaries", "[foundation][plan]") {
  const Program program = BaseProgram();
  struct Row {
    int offset;  // days from the start date
    int week;
    int phase;
    const char* phase_name;
    std::vector<std::string> exercises;
  };
  const auto row = GENERATE(values<Row>({
      {-30, 0, 0, "", {}},
      {-1, 0, 0, "", {}},
      {0, 1, 1, "Control and tolerance", {"chin-nod", "side-plank"}},
      {13, 2, 1, "Control and tolerance", {"chin-nod", "side-plank"}},  // last day of phase 1
      {14, 3, 2, "Strength and endurance", {"chin-nod", "band-row", "side-plank"}},
      {27, 4, 2, "Strength and endurance", {"chin-nod", "band-row", "side-plank"}},
      {28, 5, 3, "Home maintenance", {"band-row", "chin-nod"}},
      {3650, 522, 3, "Home maintenance", {"band-row", "chin-nod"}},  // ten years on
  }));
  const LocalDate day = kStart + date::days{row.offset};
  INFO("start + " << row.offset << " days");
  const PlanDay plan = PlanFor(program, day);
  CHECK(plan.date == day);
  CHECK(plan.program_week == row.week);
  CHECK(plan.phase_number == row.phase);
  CHECK(plan.phase_name == row.phase_name);
  CHECK(plan.revision == 1);
  CHECK(Ids(plan) == row.exercises);
  if (row.week == 0) CHECK_FALSE(plan.training_day);
}

TEST_CASE("PlanFor: the dose step follows the week in the phase and the last step holds",
          "[foundation][plan]") {
  const Program program = BaseProgram();
  // program week, exercise -> step, dose (on every day of that week)
  const auto row = GENERATE(table<int, std::string, int, Dose>({
      {1, "chin-nod", 1, kChin5},
      {2, "chin-nod", 2, kChin10},
      {1, "side-plank", 1, kPlank},
      {2, "side-plank", 1, kPlank},  // a single step holds
      {3, "chin-nod", 1, kChin2x10},
      {4, "chin-nod", 1, kChin2x10},
      {3, "band-row", 1, kRow8},  // steps restart with the phase
      {4, "band-row", 2, kRow10},
      {5, "band-row", 1, kHomeRow10},
      {6, "band-row", 2, kHomeRow12},
      {7, "band-row", 2, kHomeRow12},  // the last step holds
      {260, "band-row", 2, kHomeRow12},
      {5, "chin-nod", 1, kChin10},
      {260, "chin-nod", 1, kChin10},
  }));
  for (int dow = 0; dow < 7; ++dow) {
    const PlanDay plan = PlanFor(program, Day(std::get<0>(row), dow));
    INFO(Describe(plan));
    const PlannedExercise* e = Find(plan, std::get<1>(row));
    REQUIRE(e != nullptr);
    CHECK(e->dose_step == std::get<2>(row));
    CHECK(e->dose == std::get<3>(row));
  }
}

TEST_CASE("PlanFor: training days follow the phase's sessions per week", "[foundation][plan]") {
  const Program program = BaseProgram();
  // program week -> training days of that week
  const auto row = GENERATE(table<int, std::vector<int>>({
      {1, {0, 1, 2, 3, 4, 5, 6}},
      {2, {0, 1, 2, 3, 4, 5, 6}},
      {3, {0, 2, 4}},
      {4, {0, 2, 4}},
      {5, {0, 3}},
      {60, {0, 3}},
  }));
  std::vector<int> training;
  for (int dow = 0; dow < 7; ++dow) {
    const PlanDay plan = PlanFor(program, Day(std::get<0>(row), dow));
    if (plan.training_day) training.push_back(dow);
    // Rest days still list the phase's prescriptions (plan.h contract).
    INFO(Describe(plan));
    CHECK_FALSE(plan.exercises.empty());
  }
  INFO("week " << std::get<0>(row));
  CHECK(training == std::get<1>(row));
}

TEST_CASE("PlanFor: why is non-empty exactly when the dose differs from one week earlier",
          "[foundation][plan]") {
  const bool revised = GENERATE(false, true);
  Program program = BaseProgram();
  if (revised) {
    Revise(program, kRev2Date, kRev2Reason, RedBand);
    Revise(program, kRev3Date, "flare settled", OnceAWeek);
  }
  INFO((revised ? "with revisions 2 and 3" : "revision 1 only"));
  std::vector<int> offsets;
  for (int offset = -3; offset < 7 * 14; ++offset) offsets.push_back(offset);
  for (int offset = 7 * 200; offset < 7 * 201; ++offset) offsets.push_back(offset);
  int changes = 0;
  for (int offset : offsets) {
    const LocalDate day = kStart + date::days{offset};
    const PlanDay plan = PlanFor(program, day);
    const PlanDay before = PlanFor(program, day - date::days{7});
    INFO(Describe(plan) << "one week earlier:\n" << Describe(before));
    for (const PlannedExercise& e : plan.exercises) {
      const PlannedExercise* prev = Find(before, e.exercise_id);
      // Week 1 has nothing to compare with: no explanations.
      const bool changed = plan.program_week >= 2 && (prev == nullptr || !(prev->dose == e.dose));
      INFO(e.exercise_id);
      CHECK(e.why.empty() == !changed);
      changes += changed ? 1 : 0;
    }
  }
  // The table above must exercise changes at all (scheduled steps, phases, revisions).
  CHECK(changes > 0);
}

TEST_CASE("PlanFor: why names the scheduled step or the new phase and the previous dose",
          "[foundation][plan]") {
  const Program program = BaseProgram();
  struct Row {
    int week;
    const char* exercise;
    std::vector<std::string> fragments;  // empty: no explanation expected
  };
  const auto row = GENERATE(values<Row>({
      {1, "chin-nod", {}},
      {2, "chin-nod", {"Scheduled progression", "(was 1 x 10 reps, hold 5 s)"}},
      {2, "side-plank", {}},
      {3, "chin-nod", {"New phase: Strength and endurance", "(was 1 x 10 reps, hold 10 s)"}},
      {3, "band-row", {"New phase: Strength and endurance"}},
      {3, "side-plank", {}},  // same dose in the new phase: nothing to explain
      {4, "chin-nod", {}},
      {4, "band-row", {"Scheduled progression", "(was 2 x 8 reps, yellow band)"}},
      {5, "band-row", {"New phase: Home maintenance", "(was 2 x 10 reps, yellow band)"}},
      {5, "chin-nod", {"New phase: Home maintenance", "(was 2 x 10 reps, hold 10 s)"}},
      {6, "band-row", {"Scheduled progression", "(was 1 x 10 reps, yellow band)"}},
      {7, "band-row", {}},
  }));
  const int dow = GENERATE(0, 4);
  const PlanDay plan = PlanFor(program, Day(row.week, dow));
  INFO(Describe(plan));
  const PlannedExercise* e = Find(plan, row.exercise);
  REQUIRE(e != nullptr);
  if (row.fragments.empty()) {
    CHECK(e->why.empty());
  } else {
    for (const std::string& fragment : row.fragments) CHECK_THAT(e->why, Contains(fragment));
    CHECK_THAT(e->why, !Contains("therapist"));
  }
  if (row.week == 3 && std::string(row.exercise) == "band-row") {
    CHECK_THAT(e->why, !Contains("(was"));  // it was not in the previous phase
  }
}

TEST_CASE("PlanFor: a therapist's revision explains the change with its reason for one week",
          "[foundation][plan]") {
  const std::string reason = GENERATE(as<std::string>{}, kRev2Reason, "");
  Program program = BaseProgram();
  Revise(program, kRev2Date, reason, RedBand);
  const std::string expected_why = "Changed by your therapist (revision 2, from 2026-04-08)" +
                                   (reason.empty() ? std::string() : ": " + reason);
  INFO("reason '" << reason << "'");
  for (int offset = -2; offset < 14; ++offset) {
    const LocalDate day = kRev2Date + date::days{offset};
    const PlanDay plan = PlanFor(program, day);
    INFO(Describe(plan));
    const PlannedExercise* row = Find(plan, "band-row");
    const PlannedExercise* chin = Find(plan, "chin-nod");
    REQUIRE(row != nullptr);
    REQUIRE(chin != nullptr);
    CHECK(chin->why.empty());  // unchanged by the revision, and by the schedule
    if (offset < 0) {          // before the effective date: revision 1's scheduled step 2
      CHECK(plan.revision == 1);
      CHECK(row->dose == kHomeRow12);
      CHECK_THAT(row->why, Contains("Scheduled progression"));
    } else if (offset < 7) {  // the first seven days compare against revision 1
      CHECK(plan.revision == 2);
      CHECK(row->dose == kHomeRowRed);
      CHECK(row->dose_step == 1);
      CHECK(row->why == expected_why);
    } else {  // a week on, nothing changed since the same day last week
      CHECK(plan.revision == 2);
      CHECK(row->dose == kHomeRowRed);
      CHECK(row->why.empty());
    }
  }
}

TEST_CASE("PlanFor: a revision changes plans only from its effective date on",
          "[foundation][plan]") {
  Program v1 = BaseProgram();
  Program v2 = v1;
  Revise(v2, kRev2Date, kRev2Reason, RedBand);
  Program v3 = v2;
  Revise(v3, kRev3Date, "flare settled", OnceAWeek);

  int differing = 0;
  for (LocalDate day = kStart - date::days{3}; day < Day(30); day += date::days{1}) {
    const PlanDay p1 = PlanFor(v1, day);
    const PlanDay p2 = PlanFor(v2, day);
    const PlanDay p3 = PlanFor(v3, day);
    INFO(Describe(p3));
    if (day < kRev2Date) {
      REQUIRE(Describe(p3) == Describe(p1));
      REQUIRE(p3.revision == 1);
    } else if (day < kRev3Date) {
      REQUIRE(Describe(p3) == Describe(p2));
      REQUIRE(p3.revision == 2);
    } else {
      REQUIRE(p3.revision == 3);
    }
    if (Describe(p3) != Describe(p1)) ++differing;
  }
  CHECK(differing > 0);
  // Revision 3's once-a-week maintenance: week 10's Thursday is now a rest day.
  CHECK(PlanFor(v2, Day(10, 3)).training_day);
  CHECK_FALSE(PlanFor(v3, Day(10, 3)).training_day);
  CHECK(PlanFor(v3, Day(10, 0)).training_day);
  const PlannedExercise* chin = Find(PlanFor(v3, Day(10, 0)), "chin-nod");
  REQUIRE(chin != nullptr);
  CHECK(chin->dose == kChin2x10);
  CHECK_THAT(chin->why, Contains("revision 3") && Contains("flare settled"));
}

// Regression: when the revision in effect differs from last week's, every changed dose is
// explained as the therapist's change, even one the revision left alone whose dose changed only
// because the schedule reached its next step. The patient is told the therapist changed it, for
// the therapist's (unrelated) reason.
TEST_CASE("PlanFor: a revision does not claim the scheduled step of an exercise it left alone",
          "[foundation][plan]") {
  Program program = BaseProgram();
  Revise(program, Day(2, 0), "shorter plank holds",
         [](std::vector<Phase>& phases) { phases[0].prescriptions[1].dose_steps = {kShortPlank}; });
  const PlanDay plan = PlanFor(program, Day(2, 0));
  INFO(Describe(plan));
  REQUIRE(plan.revision == 2);

  const PlannedExercise* plank = Find(plan, "side-plank");
  REQUIRE(plank != nullptr);
  CHECK(plank->dose == kShortPlank);
  CHECK_THAT(plank->why, Contains("therapist") && Contains("shorter plank holds"));

  // Chin nods: step 2 of phase 1 in both revisions, a scheduled progression.
  const PlannedExercise* chin = Find(plan, "chin-nod");
  REQUIRE(chin != nullptr);
  CHECK(chin->dose == kChin10);
  CHECK(chin->dose_step == 2);
  CHECK_THAT(chin->why, Contains("Scheduled progression"));
  CHECK_THAT(chin->why, !Contains("shorter plank holds"));
}

}  // namespace
}  // namespace ptrack
