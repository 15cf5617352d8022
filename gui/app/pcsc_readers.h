// The PC/SC card readers the faceplate's card selector offers next to the virtual cards
// (simulator/pcsc over pcsc-lite and pcscd). ReaderList lists them off the UI thread;
// openReaderCard() connects to the card in one, as the kernel's Icc, on the terminal worker.
//
// Built without pcsc-lite (POSIM_WITH_PCSC unset: libpcsclite-dev was missing), the list is
// always empty and says why, and no reader card opens.
#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <memory>
#include <string>

#include "posim/base/status.h"
#include "posim/emv/icc.h"

class QThread;
class QTimer;

namespace posim::gui {

struct ReaderEntry {
  QString name;  // as pcscd names it ("ACS ACR39U ICC Reader 00 00")
  bool card_present = false;
  QString atr;  // hex, of the card in it; empty without one

  friend bool operator==(const ReaderEntry&, const ReaderEntry&) = default;
};

// The readers pcscd sees, in its order. Blocks (briefly): call it off the UI thread. Errors:
// Unavailable when pcscd is not running (the message names pcscd), Unimplemented when posim was
// built without PC/SC.
Result<QList<ReaderEntry>> listReaders();

// The card in `reader` (its full name), connected now (it must already be in the reader).
// Errors: Unavailable for no card in the reader or pcscd not running, NotFound for a reader
// that is not there (naming those that are). One thread at a time uses the card.
Result<std::unique_ptr<emv::Icc>> openReaderCard(const std::string& reader);

// Lists the readers on a thread of its own; the answer arrives as listed() on the UI thread.
// A refresh() while one runs is folded into it. While watching, it lists them again every
// couple of seconds, so a reader plugged in or a card inserted shows without asking.
class ReaderList final : public QObject {
  Q_OBJECT

 public:
  explicit ReaderList(QObject* parent = nullptr);
  ~ReaderList() override;  // waits for a listing under way

  void refresh();
  bool refreshing() const { return thread_ != nullptr; }
  void setWatching(bool watching);
  bool watching() const;
  // The readers of the last listing (empty before the first, or when it failed).
  const QList<ReaderEntry>& readers() const { return readers_; }

 signals:
  // `problem` is empty when the listing worked (an empty list: no reader is connected); else it
  // says why there is no list ("pcscd is not running ...").
  void listed(const QList<posim::gui::ReaderEntry>& readers, const QString& problem);
  // The readers (or a card in one) differ from the listing before.
  void changed();

 private:
  void finished(QList<ReaderEntry> readers, QString problem);

  QThread* thread_ = nullptr;
  QTimer* timer_ = nullptr;
  QList<ReaderEntry> readers_;
};

}  // namespace posim::gui
