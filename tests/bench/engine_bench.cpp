// The full transaction of DESIGN.md §10: card, kernel, the embedded issuer (ARQC, ARPC, online
// PIN, balances) and the SQLite journal, through the transaction engine. Reported as
// transactions per second, with the journal in memory and in a WAL file.
#include <filesystem>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>

#include "posim/acquirer/embedded.h"
#include "posim/base/clock.h"
#include "posim/base/random.h"
#include "posim/emv/test_cards.h"
#include "posim/emv/test_terminals.h"
#include "posim/emv/virtual_card.h"
#include "posim/terminal/engine.h"

namespace posim::terminal {
namespace {

void runEngine(benchmark::State& state, const emv::CardProfile& profile, bool file_journal) {
  const emv::TerminalProfile terminal = emv::countertopTerminal();
  auto image = emv::personalise(profile);
  if (!image.isOk()) {
    state.SkipWithError(image.status().toString().c_str());
    return;
  }
  acquirer::EmbeddedConfig issuer;
  acquirer::Account account;
  account.name = "card";
  account.card = profile;
  account.online_pin = "1234";
  account.balance = Money(std::int64_t{1} << 60, terminal.currency);
  issuer.accounts.push_back(account);
  issuer.pin_key = terminal.online_pin_key;
  SeededRandom host_random(11);
  acquirer::EmbeddedBackend host(issuer, host_random, nullptr);

  const std::string path =
      file_journal ? (std::filesystem::temp_directory_path() / "posim-engine-bench.db").string()
                   : ":memory:";
  if (file_journal) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
  auto journal = Journal::open(path);
  if (!journal.isOk()) {
    state.SkipWithError(journal.status().toString().c_str());
    return;
  }
  HeadlessDevices devices;
  VirtualClock clock(*parseIso8601("2026-01-05T09:00:00+08:00"));
  ManualSteadyClock steady;
  SeededRandom random(7);
  EngineConfig config;
  config.terminal = &terminal;
  config.print_receipts = true;
  EngineEnvironment env;
  env.devices = devices.devices();
  env.backend = &host;
  env.journal = journal->get();
  env.clock = &clock;
  env.steady = &steady;
  env.random = &random;
  Engine engine(config, env);

  auto card = std::make_unique<emv::VirtualCard>(*image);
  std::int64_t on_card = 0;
  std::int64_t approved = 0;
  TransactionRequest request;
  request.type = TransactionType::kSale;
  request.amount = Money(1234, terminal.currency);
  for (auto _ : state) {
    if (++on_card == 60000) {  // the ATC is two bytes: issue a new card before it wraps
      state.PauseTiming();
      card = std::make_unique<emv::VirtualCard>(*image);
      on_card = 0;
      state.ResumeTiming();
    }
    devices.reader.present(card.get(), emv::EntryMode::kContact, {});
    devices.pin_pad.script({"1234"});
    auto record = engine.run(request);
    if (!record.isOk()) {
      state.SkipWithError(record.status().toString().c_str());
      break;
    }
    approved += record->approved ? 1 : 0;
    devices.display.clear();
    devices.printer.clear();
    devices.pin_pad.clearRequests();
  }
  state.counters["tx/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["approved"] = static_cast<double>(approved);
  journal->reset();
  if (file_journal) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
}

// CDA with a 1024-bit ICC key, offline enciphered PIN (the DESIGN.md §10 figure).
void BM_EngineSaleCda(benchmark::State& state) {
  runEngine(state, emv::mastercardDebitCard(), state.range(0) != 0);
}
BENCHMARK(BM_EngineSaleCda)->Arg(0)->Arg(1)->ArgName("file_journal")->Unit(benchmark::kMicrosecond);

// DDA with online PIN: the issuer decrypts and checks the PIN block too.
void BM_EngineSaleDdaOnlinePin(benchmark::State& state) {
  runEngine(state, emv::visaCreditCard(), state.range(0) != 0);
}
BENCHMARK(BM_EngineSaleDdaOnlinePin)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("file_journal")
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace posim::terminal
