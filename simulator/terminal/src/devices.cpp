#include "posim/terminal/devices.h"

#include <algorithm>

namespace posim::terminal {

std::string_view cardPromptText(CardPrompt prompt) {
  switch (prompt) {
    case CardPrompt::kPresent: return "PRESENT CARD";
    case CardPrompt::kInsert: return "INSERT CARD";
    case CardPrompt::kSwipe: return "SWIPE CARD";
  }
  return "PRESENT CARD";
}

void HeadlessCardReader::present(emv::Icc* icc, emv::EntryMode entry, std::string track2) {
  card_ = PresentedCard{icc, entry, std::move(track2)};
}

std::optional<PresentedCard> HeadlessCardReader::waitForCard(CardPrompt prompt) {
  prompts_.push_back(prompt);
  if (!card_) return std::nullopt;
  PresentedCard card = *card_;
  switch (prompt) {
    case CardPrompt::kPresent: break;
    case CardPrompt::kInsert:
      if (card.icc == nullptr) return std::nullopt;  // no chip to insert
      card.entry = emv::EntryMode::kContact;
      break;
    case CardPrompt::kSwipe:
      if (card.track2.empty()) return std::nullopt;  // no stripe to swipe
      card.entry = emv::EntryMode::kMagstripe;
      break;
  }
  return card;
}

void ScriptedPinPad::script(std::vector<std::string> entries) {
  entries_.assign(entries.begin(), entries.end());
  have_last_ = false;
  last_.clear();
}

emv::PinEntryResult ScriptedPinPad::enterPin(const emv::PinRequest& request) {
  requests_.push_back(request);
  std::string entry;
  if (!entries_.empty()) {
    entry = entries_.front();
    entries_.pop_front();
    last_ = entry;
    have_last_ = true;
  } else if (have_last_) {
    entry = last_;
  } else {
    return emv::PinEntryResult::bypassed();
  }
  if (entry.empty()) return emv::PinEntryResult::bypassed();
  if (entry == "timeout") return emv::PinEntryResult::padNotWorking();
  return emv::PinEntryResult::entered(entry);
}

void RecordingDisplay::show(std::string_view line1, std::string_view line2) {
  std::string screen(line1);
  if (!line2.empty()) {
    screen += " / ";
    screen += line2;
  }
  screens_.push_back(std::move(screen));
}

bool RecordingDisplay::contains(std::string_view text) const {
  return std::any_of(screens_.begin(), screens_.end(),
                     [&](const std::string& s) { return s.find(text) != std::string::npos; });
}

bool HeadlessKeypad::confirm(std::string_view question) {
  questions_.emplace_back(question);
  return answer_;
}

bool RecordingPrinter::contains(std::string_view text) const {
  return std::any_of(receipts_.begin(), receipts_.end(),
                     [&](const Receipt& r) { return r.text.find(text) != std::string::npos; });
}

}  // namespace posim::terminal
