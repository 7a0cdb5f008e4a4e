// RevisionBodyCache: an LRU per kind of body; decoding and copying happen outside the lock.
#include "storage/revision_body_cache.h"

#include "storage/json_codec.h"

namespace ptrack {

RevisionBodyCache& RevisionBodyCache::Shared() {
  static RevisionBodyCache cache(256);
  return cache;
}

template <typename T, typename Decode>
Result<T> RevisionBodyCache::Get(Lru<T>& lru, const std::string& body, Decode decode) {
  std::shared_ptr<const T> found;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = lru.index.find(body);
    if (it != lru.index.end()) {
      lru.order.splice(lru.order.begin(), lru.order, it->second);
      found = it->second->second;
    }
  }
  if (found) return T(*found);
  auto j = json::Parse(body);
  if (!j.ok()) return j.status();
  Result<T> decoded = decode(*j);
  if (!decoded.ok()) return decoded;
  auto shared = std::make_shared<const T>(*decoded);
  std::lock_guard<std::mutex> lock(mu_);
  if (lru.index.count(body) == 0) {
    lru.order.emplace_front(body, std::move(shared));
    lru.index.emplace(body, lru.order.begin());
    if (lru.order.size() > max_entries_) {
      lru.index.erase(lru.order.back().first);
      lru.order.pop_back();
    }
  }
  return decoded;
}

Result<std::vector<Phase>> RevisionBodyCache::Phases(const std::string& body) {
  return Get(phases_, body, [](const nlohmann::json& j) { return json::DecodePhases(j); });
}

Result<ProgressionRules> RevisionBodyCache::Rules(const std::string& body) {
  return Get(rules_, body, [](const nlohmann::json& j) { return json::DecodeRules(j); });
}

bool RevisionBodyCache::Holds(const std::string& body) {
  std::lock_guard<std::mutex> lock(mu_);
  return phases_.index.count(body) > 0;
}

size_t RevisionBodyCache::Size() {
  std::lock_guard<std::mutex> lock(mu_);
  return phases_.order.size() + rules_.order.size();
}

}  // namespace ptrack
