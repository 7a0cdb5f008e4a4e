// Page sizes and opaque page tokens for List methods (AIP-158). A token wraps the store's
// keyset cursor so that clients cannot depend on its form; a token that does not decode is
// INVALID_ARGUMENT on "page_token".
#pragma once

#include <string>

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

}  // namespace ptrack::paging
