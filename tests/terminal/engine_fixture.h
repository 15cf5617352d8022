// A terminal with headless devices, the embedded acquirer (behind a fault injector), an
// in-memory or file journal and the cn-2026 calendar on a virtual clock.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "posim/acquirer/embedded.h"
#include "posim/acquirer/faults.h"
#include "posim/emv/test_cards.h"
#include "posim/emv/test_terminals.h"
#include "posim/emv/virtual_card.h"
#include "posim/terminal/engine.h"

#include "../settlement/cn_2026.h"

namespace posim::terminal::test {

using settlement::test::at;
using settlement::test::day;

inline Currency cny() {
  return *currencyByAlpha("CNY");
}
inline Money yuan(std::string_view text) {
  return *Money::parse(text, cny());
}

class TerminalRig {
 public:
  explicit TerminalRig(std::string journal_path = ":memory:",
                       std::string_view start = "2026-09-30T15:00:00+08:00")
      : clock_(at(start)) {
    terminal_ = emv::countertopTerminal();
    addAccount("visa", emv::visaCreditCard(), "5000.00");
    addAccount("unionpay", emv::unionpayDebitCard(), "5000.00");
    addAccount("sda", emv::visaDebitSdaCard(), "5000.00");
    addAccount("mc", emv::mastercardDebitCard(), "5000.00");
    issuer_.pin_key = terminal_.online_pin_key;
    issuer_.latency = {acquirer::LatencyModel::Kind::kFixed, std::chrono::milliseconds(150),
                       std::chrono::milliseconds(150)};
    host_ = std::make_unique<acquirer::EmbeddedBackend>(issuer_, host_random_, nullptr);
    faults_ = std::make_unique<acquirer::FaultInjectingBackend>(*host_);
    auto journal = Journal::open(journal_path);
    EXPECT_TRUE(journal.isOk()) << journal.status().toString();
    journal_ = std::move(*journal);
    config_.terminal = &terminal_;
    config_.calendar = settlement::test::cn2026();
    config_.settlement.fee.rate_billionths = 6'000'000;  // 0.6 %
    makeEngine(*faults_);
  }

  // Rebuilds the engine over another backend (the journal stays).
  void makeEngine(acquirer::AcquirerBackend& backend) {
    EngineEnvironment env;
    env.devices = devices_.devices();
    env.backend = &backend;
    env.journal = journal_.get();
    env.clock = &clock_;
    env.steady = &steady_;
    env.random = &random_;
    engine_ = std::make_unique<Engine>(config_, env);
  }

  // Presents the named card with `entry` and scripts the PIN pad.
  void present(const std::string& name, emv::EntryMode entry, std::string pin = "1234") {
    auto it = cards_.find(name);
    ASSERT_NE(it, cards_.end()) << name;
    devices_.reader.present(&it->second, entry, emv::magstripeTrack2(it->second.profile()));
    devices_.pin_pad.script({std::move(pin)});
  }

  Result<TransactionRecord> sale(std::string_view amount, const std::string& card = "visa",
                                 emv::EntryMode entry = emv::EntryMode::kContact,
                                 std::string pin = "1234") {
    present(card, entry, std::move(pin));
    TransactionRequest request;
    request.type = TransactionType::kSale;
    request.card = card;
    request.amount = yuan(amount);
    return engine_->run(request);
  }

  Result<TransactionRecord> preauth(std::string_view amount, const std::string& card = "visa") {
    present(card, emv::EntryMode::kContact);
    TransactionRequest request;
    request.type = TransactionType::kPreauth;
    request.card = card;
    request.amount = yuan(amount);
    return engine_->run(request);
  }

  Result<TransactionRecord> referenced(TransactionType type, std::int64_t original,
                                       std::optional<std::string_view> amount = std::nullopt) {
    TransactionRequest request;
    request.type = type;
    request.original_id = original;
    if (amount) request.amount = yuan(*amount);
    return engine_->run(request);
  }

  Result<TransactionRecord> simple(TransactionType type) {
    TransactionRequest request;
    request.type = type;
    return engine_->run(request);
  }

  emv::VirtualCard& card(const std::string& name) { return cards_.at(name); }
  Engine& engine() { return *engine_; }
  Journal& journal() { return *journal_; }
  VirtualClock& clock() { return clock_; }
  acquirer::EmbeddedBackend& host() { return *host_; }
  acquirer::FaultInjectingBackend& faults() { return *faults_; }
  HeadlessDevices& devices() { return devices_; }
  EngineConfig& config() { return config_; }
  emv::TerminalProfile& terminal() { return terminal_; }

 private:
  void addAccount(const std::string& name, const emv::CardProfile& profile,
                  std::string_view balance) {
    acquirer::Account account;
    account.name = name;
    account.card = profile;
    account.online_pin = "1234";
    account.balance = yuan(balance);
    issuer_.accounts.push_back(account);
    auto card = emv::VirtualCard::create(profile);
    EXPECT_TRUE(card.isOk()) << card.status().toString();
    cards_.emplace(name, std::move(*card));
  }

  emv::TerminalProfile terminal_;
  acquirer::EmbeddedConfig issuer_;
  SeededRandom random_{7};
  SeededRandom host_random_{11};
  VirtualClock clock_;
  ManualSteadyClock steady_;
  std::map<std::string, emv::VirtualCard> cards_;
  std::unique_ptr<acquirer::EmbeddedBackend> host_;
  std::unique_ptr<acquirer::FaultInjectingBackend> faults_;
  std::unique_ptr<Journal> journal_;
  HeadlessDevices devices_;
  EngineConfig config_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace posim::terminal::test
