// The evaluation cache (engine/evaluation_cache.h): an entry is served only for the key it was
// stored under, the least recently used entries go first once the byte cap is passed (never the
// one just stored), and catalogue snapshots are held per clinic and generation.
#include "engine/evaluation_cache.h"

#include <catch2/catch.hpp>

#include "engine/catalogue_snapshot.h"
#include "engine/progress_runner.h"

namespace ptrack {
namespace {

std::shared_ptr<const Evaluated> Value() { return std::make_shared<const Evaluated>(); }

const LocalDate kDay{date::days{20600}};

}  // namespace

TEST_CASE("an entry is served only under the key it was stored with", "[engine][cache]") {
  EvaluationCache cache(1000);
  const auto v = Value();
  cache.Put("p", {3, kDay, 1}, v, 10);
  CHECK(cache.Find("p", {3, kDay, 1}) == v);
  CHECK(cache.Find("p", {4, kDay, 1}) == nullptr);                  // a write since
  CHECK(cache.Find("p", {3, kDay + date::days{1}, 1}) == nullptr);  // another day
  CHECK(cache.Find("p", {3, kDay, 2}) == nullptr);                  // the catalogue changed
  CHECK(cache.Find("q", {3, kDay, 1}) == nullptr);
  const EvaluationCacheStats s = cache.Stats();
  CHECK(s.hits == 1);
  CHECK(s.misses == 4);
  CHECK(s.entries == 1);
  CHECK(s.bytes == 10);
  cache.Put("p", {4, kDay, 1}, Value(), 20);  // replaces
  CHECK(cache.Stats().entries == 1);
  CHECK(cache.Stats().bytes == 20);
  cache.Erase("p");
  CHECK(cache.Stats().bytes == 0);
}

TEST_CASE("past the byte cap the least recently used entries go", "[engine][cache]") {
  EvaluationCache cache(100);
  cache.Put("a", {1, kDay, 1}, Value(), 40);
  cache.Put("b", {1, kDay, 1}, Value(), 40);
  REQUIRE(cache.Find("a", {1, kDay, 1}) != nullptr);  // a is now the most recently used
  cache.Put("c", {1, kDay, 1}, Value(), 40);          // 120 > 100: b goes
  CHECK(cache.Find("b", {1, kDay, 1}) == nullptr);
  CHECK(cache.Find("a", {1, kDay, 1}) != nullptr);
  CHECK(cache.Find("c", {1, kDay, 1}) != nullptr);
  CHECK(cache.Stats().evictions == 1);
  cache.Put("huge", {1, kDay, 1}, Value(), 500);  // alone over the cap: kept, the rest go
  CHECK(cache.Find("huge", {1, kDay, 1}) != nullptr);
  CHECK(cache.Stats().entries == 1);
}

TEST_CASE("catalogue snapshots are held per clinic and generation", "[engine][cache]") {
  EvaluationCache cache(100);
  auto snapshot = std::make_shared<const CatalogueSnapshot>();
  cache.PutCatalogue("c", 7, snapshot);
  CHECK(cache.FindCatalogue("c", 7) == snapshot);
  CHECK(cache.FindCatalogue("c", 8) == nullptr);
  CHECK(cache.FindCatalogue("d", 7) == nullptr);
}

}  // namespace ptrack
