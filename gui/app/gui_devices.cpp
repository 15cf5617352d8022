#include "app/gui_devices.h"

#include <utility>

namespace posim::gui {

class GuiDevices::Reader final : public terminal::CardReader {
 public:
  explicit Reader(GuiDevices& owner) : owner_(owner) {}
  std::optional<terminal::PresentedCard> waitForCard(terminal::CardPrompt prompt) override {
    return owner_.waitForCard(prompt);
  }
  void removeCard() override { owner_.cardRemoved(); }

 private:
  GuiDevices& owner_;
};

class GuiDevices::Pad final : public terminal::PinPad {
 public:
  explicit Pad(GuiDevices& owner) : owner_(owner) {}
  emv::PinEntryResult enterPin(const emv::PinRequest& request) override {
    return owner_.enterPin(request);
  }

 private:
  GuiDevices& owner_;
};

class GuiDevices::Screen final : public terminal::Display {
 public:
  explicit Screen(GuiDevices& owner) : owner_(owner) {}
  void show(std::string_view line1, std::string_view line2) override {
    emit owner_.displayChanged(
        QString::fromUtf8(line1.data(), static_cast<qsizetype>(line1.size())),
        QString::fromUtf8(line2.data(), static_cast<qsizetype>(line2.size())));
  }

 private:
  GuiDevices& owner_;
};

class GuiDevices::Keys final : public terminal::Keypad {
 public:
  explicit Keys(GuiDevices& owner) : owner_(owner) {}
  bool confirm(std::string_view question) override { return owner_.confirm(question); }

 private:
  GuiDevices& owner_;
};

class GuiDevices::Paper final : public terminal::Printer {
 public:
  explicit Paper(GuiDevices& owner) : owner_(owner) {}
  void print(const terminal::Receipt& receipt) override {
    emit owner_.receiptPrinted(receipt.copy == terminal::ReceiptCopy::kMerchant
                                   ? QStringLiteral("merchant")
                                   : QStringLiteral("customer"),
                               QString::fromStdString(receipt.text));
  }

 private:
  GuiDevices& owner_;
};

GuiDevices::GuiDevices(QObject* parent)
    : QObject(parent),
      reader_(std::make_unique<Reader>(*this)),
      pad_(std::make_unique<Pad>(*this)),
      screen_(std::make_unique<Screen>(*this)),
      keys_(std::make_unique<Keys>(*this)),
      paper_(std::make_unique<Paper>(*this)) {}

GuiDevices::~GuiDevices() {
  shutDown();
}

terminal::Devices GuiDevices::devices() {
  return {reader_.get(), pad_.get(), screen_.get(), keys_.get(), paper_.get()};
}

void GuiDevices::setCardLookup(CardLookup lookup) {
  std::lock_guard lock(mutex_);
  lookup_ = std::move(lookup);
}

void GuiDevices::setTimeout(std::chrono::milliseconds timeout) {
  std::lock_guard lock(mutex_);
  timeout_ = timeout;
}

void GuiDevices::beginTransaction() {
  std::lock_guard lock(mutex_);
  active_ = true;
  cancelled_ = false;
}

void GuiDevices::endTransaction() {
  std::lock_guard lock(mutex_);
  active_ = false;
  cancelled_ = false;
  card_.reset();
}

void GuiDevices::presentCard(const QString& name, emv::EntryMode entry) {
  std::lock_guard lock(mutex_);
  card_ = CardChoice{name.toStdString(), {}, entry};
  changed_.notify_all();
}

void GuiDevices::presentReaderCard(const QString& reader, emv::EntryMode entry) {
  std::lock_guard lock(mutex_);
  card_ = CardChoice{{}, reader.toStdString(), entry};
  changed_.notify_all();
}

void GuiDevices::removeCard() {
  std::lock_guard lock(mutex_);
  card_.reset();
  card_in_reader_ = false;
}

void GuiDevices::submitPin(const QString& digits) {
  std::lock_guard lock(mutex_);
  if (waiting_ != Wait::kPin) return;
  pin_ = emv::PinEntryResult::entered(digits.toStdString());
  changed_.notify_all();
}

void GuiDevices::bypassPin() {
  std::lock_guard lock(mutex_);
  if (waiting_ != Wait::kPin) return;
  pin_ = emv::PinEntryResult::bypassed();
  changed_.notify_all();
}

void GuiDevices::answer(bool yes) {
  std::lock_guard lock(mutex_);
  if (waiting_ != Wait::kConfirm) return;
  answer_ = yes;
  changed_.notify_all();
}

void GuiDevices::cancel() {
  std::lock_guard lock(mutex_);
  if (waiting_ == Wait::kNone && !active_) {
    card_.reset();
    return;
  }
  cancelled_ = true;
  changed_.notify_all();
}

void GuiDevices::shutDown() {
  std::lock_guard lock(mutex_);
  shut_down_ = true;
  changed_.notify_all();
}

bool GuiDevices::cardInReader() const {
  std::lock_guard lock(mutex_);
  return card_in_reader_;
}

std::optional<terminal::PresentedCard> GuiDevices::waitForCard(terminal::CardPrompt prompt) {
  // Waiting before anyone hears of it: an answer to the signal is never too early.
  std::unique_lock lock(mutex_);
  waiting_ = Wait::kCard;
  lock.unlock();
  emit cardRequested(
      QString::fromUtf8(terminal::cardPromptText(prompt).data(),
                        static_cast<qsizetype>(terminal::cardPromptText(prompt).size())));
  lock.lock();
  const bool given = changed_.wait_for(lock, timeout_, [&] {
    if (shut_down_ || cancelled_ || !card_) return shut_down_ || cancelled_;
    // After "INSERT CARD" only a chip in the slot answers, after "SWIPE CARD" only a swipe.
    if (prompt == terminal::CardPrompt::kInsert) return card_->entry == emv::EntryMode::kContact;
    if (prompt == terminal::CardPrompt::kSwipe) return card_->entry == emv::EntryMode::kMagstripe;
    return true;
  });
  waiting_ = Wait::kNone;
  if (!given || shut_down_ || cancelled_ || !card_) {
    cancelled_ = false;
    lock.unlock();
    emit cardWaitFinished(false, QString());
    return std::nullopt;
  }
  CardChoice taken = std::move(*card_);
  card_.reset();
  CardLookup lookup = lookup_;
  lock.unlock();
  if (!lookup) {
    emit cardWaitFinished(false, QStringLiteral("the terminal has no cards"));
    return std::nullopt;
  }
  Result<terminal::PresentedCard> card = lookup(taken);
  if (!card.isOk()) {
    emit cardWaitFinished(false, QString::fromStdString(card.status().message()));
    return std::nullopt;
  }
  if (taken.entry == emv::EntryMode::kContact) {
    std::lock_guard again(mutex_);
    card_in_reader_ = true;
  }
  emit cardWaitFinished(true, QString());
  return std::move(*card);
}

void GuiDevices::cardRemoved() {
  {
    std::lock_guard lock(mutex_);
    card_in_reader_ = false;
  }
  emit cardRemovalRequested();
}

emv::PinEntryResult GuiDevices::enterPin(const emv::PinRequest& request) {
  QString prompt = request.kind == emv::PinKind::kOnline ? QStringLiteral("ONLINE PIN")
                                                         : QStringLiteral("ENTER PIN");
  if (request.tries_remaining) prompt += QStringLiteral(" (%1 left)").arg(*request.tries_remaining);
  std::unique_lock lock(mutex_);
  waiting_ = Wait::kPin;
  pin_.reset();
  lock.unlock();
  emit pinRequested(prompt, request.attempt);
  lock.lock();
  const bool given =
      changed_.wait_for(lock, timeout_, [&] { return shut_down_ || cancelled_ || pin_; });
  waiting_ = Wait::kNone;
  emv::PinEntryResult result = emv::PinEntryResult::padNotWorking();  // timed out
  if (shut_down_) {
    result = emv::PinEntryResult::padNotWorking();
  } else if (cancelled_) {
    result = emv::PinEntryResult::bypassed();
  } else if (given && pin_) {
    result = std::move(*pin_);
  }
  pin_.reset();
  cancelled_ = false;
  lock.unlock();
  emit pinFinished();
  return result;
}

bool GuiDevices::confirm(std::string_view question) {
  std::unique_lock lock(mutex_);
  waiting_ = Wait::kConfirm;
  answer_.reset();
  lock.unlock();
  emit confirmationRequested(
      QString::fromUtf8(question.data(), static_cast<qsizetype>(question.size())));
  lock.lock();
  changed_.wait_for(lock, timeout_, [&] { return shut_down_ || cancelled_ || answer_; });
  waiting_ = Wait::kNone;
  const bool yes = !shut_down_ && !cancelled_ && answer_.value_or(false);
  answer_.reset();
  cancelled_ = false;
  lock.unlock();
  emit confirmationFinished();
  return yes;
}

}  // namespace posim::gui
