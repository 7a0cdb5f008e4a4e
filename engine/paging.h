// Page sizes and opaque page tokens for List methods (AIP-158). A token wraps the store's
// keyset cursor so that clients cannot depend on its form; a token that does not decode is
// INVALID_ARGUMENT on "page_token".
#pragma once

#include <iterator>
#include <string>
#include <vector>

#include "scheduler/status.h"
#include "storage/store.h"

namespace ptrack::paging {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 200;

// Validates page_size (0 = default, 1..kMaxPageSize) and decodes page_token.
Result<PageRequest> FromRequest(int page_size, const std::string& page_token);
// For lists paged in memory: the offset a token from Token(std::to_string(offset)) carries.
Result<size_t> Offset(const PageRequest& page);
// The next_page_token for a store cursor ("" stays "").
std::string Token(const std::string& next_after);

// Every item of a paged store listing: `list(page)` returns one Page<T>; pages of `page_size`
// are fetched until the store reports no more.
template <typename T, typename List>
Result<std::vector<T>> All(List list, int page_size = kMaxPageSize) {
  std::vector<T> out;
  PageRequest page{page_size, ""};
  do {
    PTRACK_ASSIGN_OR_RETURN(Page<T> got, list(page));
    out.insert(out.end(), std::make_move_iterator(got.items.begin()),
               std::make_move_iterator(got.items.end()));
    page.after = got.next_after;
  } while (!page.after.empty());
  return out;
}

}  // namespace ptrack::paging
