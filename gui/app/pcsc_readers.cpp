#include "app/pcsc_readers.h"

#include <QThread>
#include <QTimer>
#include <utility>

#ifdef POSIM_WITH_PCSC
#include "posim/pcsc/pcsc_card.h"
#endif

namespace posim::gui {

#ifdef POSIM_WITH_PCSC

Result<QList<ReaderEntry>> listReaders() {
  auto listed = pcsc::listReaders();
  if (!listed.isOk()) return listed.status();
  QList<ReaderEntry> readers;
  for (const pcsc::ReaderInfo& info : *listed) {
    ReaderEntry entry;
    entry.name = QString::fromStdString(info.name);
    entry.card_present = info.card_present;
    entry.atr = QString::fromStdString(toHex(info.atr));
    readers.append(std::move(entry));
  }
  return readers;
}

Result<std::unique_ptr<emv::Icc>> openReaderCard(const std::string& reader) {
  auto opened = pcsc::PcscCard::open(reader, std::chrono::milliseconds(0));
  if (!opened.isOk()) return opened.status();
  return std::unique_ptr<emv::Icc>(std::move(*opened));
}

#else

namespace {
constexpr const char* kNoPcsc =
    "posim was built without PC/SC (pcsc-lite): install libpcsclite-dev (scripts/setup does) "
    "and build again";
}

Result<QList<ReaderEntry>> listReaders() {
  return unimplemented(kNoPcsc);
}

Result<std::unique_ptr<emv::Icc>> openReaderCard(const std::string&) {
  return unimplemented(kNoPcsc);
}

#endif

namespace {
constexpr int kWatchIntervalMs = 2000;
}

ReaderList::ReaderList(QObject* parent) : QObject(parent), timer_(new QTimer(this)) {
  timer_->setInterval(kWatchIntervalMs);
  connect(timer_, &QTimer::timeout, this, &ReaderList::refresh);
}

void ReaderList::setWatching(bool watching) {
  if (watching) {
    timer_->start();
  } else {
    timer_->stop();
  }
}

bool ReaderList::watching() const {
  return timer_->isActive();
}

ReaderList::~ReaderList() {
  if (thread_ != nullptr) thread_->wait();
}

void ReaderList::refresh() {
  if (thread_ != nullptr) return;
  thread_ = QThread::create([this] {
    auto listed = listReaders();
    QList<ReaderEntry> readers;
    QString problem;
    if (listed.isOk()) {
      readers = std::move(*listed);
    } else {
      problem = QString::fromStdString(listed.status().message());
    }
    // Queued to this object's thread; dropped if it is gone (its destructor waited for us).
    QMetaObject::invokeMethod(
        this, [this, readers, problem] { finished(readers, problem); }, Qt::QueuedConnection);
  });
  thread_->setObjectName(QStringLiteral("posim readers"));
  connect(thread_, &QThread::finished, thread_, &QObject::deleteLater);
  thread_->start();
}

void ReaderList::finished(QList<ReaderEntry> readers, QString problem) {
  thread_ = nullptr;
  if (!problem.isEmpty()) readers.clear();
  const bool different = readers != readers_;
  readers_ = std::move(readers);
  if (different) emit changed();
  emit listed(readers_, problem);
}

}  // namespace posim::gui
