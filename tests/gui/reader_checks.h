// What pcscd says about its readers, for the GUI's PC/SC tests.
#pragma once

#include <QString>

#include "app/pcsc_readers.h"

namespace posim::gui::test {

// True when pcscd lists `reader` with (or, present = false, without) a card in it.
inline bool readerHasCard(const QString& reader, bool present = true) {
  auto readers = listReaders();
  if (!readers.isOk()) return false;
  for (const ReaderEntry& entry : *readers) {
    if (entry.name == reader) return entry.card_present == present;
  }
  return false;
}

// True when pcscd serves both vpcd slots (a private pcscd has started).
inline bool bothVpcdSlotsListed() {
  auto readers = listReaders();
  return readers.isOk() && readers->size() == 2;
}

}  // namespace posim::gui::test
