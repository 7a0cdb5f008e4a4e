// Program revisions' phases and rules, decoded once per distinct stored body. A program is read
// on every evaluation that is not cached, and decoding its revisions' JSON was a quarter of such
// an evaluation (docs/PERFORMANCE.md, "Where the soak's cost goes"); most programs copy their
// protocol, so a clinic has few distinct bodies. Keyed by the body's text itself, not by its key
// in revision_bodies: a text decodes to the same value whatever row holds it, so an entry can
// never go stale (a key read inside a write transaction that rolls back could later name another
// body). Holds at most `max_entries` bodies of each kind, dropping the least recently used.
// Thread-safe; one per process (Shared()), as the values depend on nothing but the text.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "scheduler/catalogue.h"
#include "scheduler/rules.h"
#include "scheduler/status.h"

namespace ptrack {

class RevisionBodyCache {
 public:
  explicit RevisionBodyCache(size_t max_entries) : max_entries_(max_entries) {}

  // The process's cache (256 bodies of each kind).
  static RevisionBodyCache& Shared();

  // `body` decoded as phases (json::DecodePhases) or rules (json::DecodeRules); the decoder's
  // error when it does not decode (not cached).
  Result<std::vector<Phase>> Phases(const std::string& body);
  Result<ProgressionRules> Rules(const std::string& body);

  // For tests: whether `body` is held as phases, and how many bodies are held in all.
  bool Holds(const std::string& body);
  size_t Size();

 private:
  // Least recently used first out; values shared so that a copy is made outside the lock.
  template <typename T>
  struct Lru {
    std::list<std::pair<std::string, std::shared_ptr<const T>>> order;  // most recent first
    std::unordered_map<std::string, typename decltype(order)::iterator> index;
  };
  // `decode` takes the parsed JSON.
  template <typename T, typename Decode>
  Result<T> Get(Lru<T>& lru, const std::string& body, Decode decode);

  const size_t max_entries_;
  std::mutex mu_;
  Lru<std::vector<Phase>> phases_;
  Lru<ProgressionRules> rules_;
};

}  // namespace ptrack
