#include "posim/emv/tag.h"

#include "posim/base/bytes.h"

namespace posim::emv {

std::string tagToHex(Tag tag) {
  std::size_t width = 1;
  if (tag > 0xFFFF) {
    width = 3;
  } else if (tag > 0xFF) {
    width = 2;
  }
  return toHex(writeBigEndian(tag, width));
}

}  // namespace posim::emv
