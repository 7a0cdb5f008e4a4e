// Random UUIDs.
#include "service/ids.h"

#include <sodium.h>

namespace ptrack {

std::string NewUuid() {
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;  // version 4
  b[8] = (b[8] & 0x3f) | 0x80;  // variant 1
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, b, sizeof b);
  const std::string s(hex);
  return s.substr(0, 8) + "-" + s.substr(8, 4) + "-" + s.substr(12, 4) + "-" + s.substr(16, 4) +
         "-" + s.substr(20);
}

}  // namespace ptrack
