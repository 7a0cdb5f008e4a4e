// Page token encoding: "p1" + lower-case hex of the store cursor.
#include "engine/paging.h"

namespace ptrack::paging {

Result<PageRequest> FromRequest(int page_size, const std::string& page_token) {
  Violations v;
  if (page_size < 0 || page_size > kMaxPageSize) {
    v.Add("page_size", "must be 0..200 (0 = default of 50)");
  }
  PageRequest page;
  page.limit = page_size == 0 ? kDefaultPageSize : page_size;
  if (!page_token.empty()) {
    const bool shaped = page_token.size() >= 2 && page_token.size() <= 1024 &&
                        page_token.compare(0, 2, "p1") == 0 && page_token.size() % 2 == 0;
    std::string after;
    bool ok = shaped;
    for (size_t i = 2; ok && i + 1 < page_token.size(); i += 2) {
      auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
      };
      const int hi = nibble(page_token[i]), lo = nibble(page_token[i + 1]);
      if (hi < 0 || lo < 0)
        ok = false;
      else
        after.push_back(static_cast<char>(hi * 16 + lo));
    }
    if (!ok) v.Add("page_token", "not a token this server issued");
    page.after = after;
  }
  if (!v.empty()) return v.ToStatus();
  return page;
}

Result<size_t> Offset(const PageRequest& page) {
  if (page.after.empty()) return size_t{0};
  if (page.after.size() > 9)
    return Status::InvalidArgument("page_token", "not a token this server issued");
  size_t offset = 0;
  for (char c : page.after) {
    if (c < '0' || c > '9')
      return Status::InvalidArgument("page_token", "not a token this server issued");
    offset = offset * 10 + static_cast<size_t>(c - '0');
  }
  return offset;
}

std::string Token(const std::string& next_after) {
  if (next_after.empty()) return "";
  static const char* kHex = "0123456789abcdef";
  std::string out = "p1";
  for (unsigned char c : next_after) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

}  // namespace ptrack::paging
