// A full contact EMV transaction: virtual card, kernel and an issuer verifying the ARQC and
// answering with an ARPC (DESIGN.md §10: >= 5,000 per second with CDA and a 1024-bit ICC key;
// the journal arrives with the transaction engine). Reported as transactions per second.
#include <memory>

#include <benchmark/benchmark.h>

#include "posim/base/clock.h"
#include "posim/base/random.h"
#include "posim/emv/issuer_authenticator.h"
#include "posim/emv/kernel.h"
#include "posim/emv/test_cards.h"
#include "posim/emv/test_terminals.h"
#include "posim/emv/virtual_card.h"

namespace posim::emv {
namespace {

class BenchPinPad final : public PinEntry {
 public:
  PinEntryResult enterPin(const PinRequest&) override { return PinEntryResult::entered("1234"); }
};

void runTransactions(benchmark::State& state, const CardProfile& profile) {
  auto image = personalise(profile);
  if (!image.isOk()) {
    state.SkipWithError(image.status().toString().c_str());
    return;
  }
  const TerminalProfile terminal = countertopTerminal();
  IssuerAuthenticator authenticator;
  authenticator.addCard(profile);
  ApprovingIssuer issuer(authenticator);
  BenchPinPad pin_pad;
  SeededRandom random(7);
  KernelEnvironment environment;
  environment.random = &random;
  environment.pin_entry = &pin_pad;
  environment.authorizer = &issuer;
  Kernel kernel(terminal, environment);
  TransactionInputs inputs;
  inputs.amount = Money(1234, terminal.currency);
  inputs.at = *parseIso8601("2026-11-23T12:00:00+08:00");
  auto card = std::make_unique<VirtualCard>(*image);
  std::int64_t on_card = 0;
  std::int64_t approved = 0;
  for (auto _ : state) {
    if (++on_card == 60000) {  // the ATC is two bytes: issue a new card before it wraps
      state.PauseTiming();
      card = std::make_unique<VirtualCard>(*image);
      on_card = 0;
      state.ResumeTiming();
    }
    const KernelResult result = kernel.run(*card, inputs);
    approved += isApproved(result.outcome) ? 1 : 0;
    benchmark::DoNotOptimize(result.cryptogram.data());
  }
  state.counters["tx/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["approved"] = static_cast<double>(approved);
}

// Mastercard debit: CDA (1024-bit ICC key), offline enciphered PIN (a second RSA private
// operation on the card), online ARQC with ARPC and a second GENERATE AC with CDA.
void BM_Transaction_ContactCda_EncipheredPin(benchmark::State& state) {
  runTransactions(state, mastercardDebitCard());
}
BENCHMARK(BM_Transaction_ContactCda_EncipheredPin)->Unit(benchmark::kMicrosecond);

// The same card with its CVM list reduced to online PIN: the CDA transaction the DESIGN target
// names, without the enciphered-PIN RSA operations.
void BM_Transaction_ContactCda_OnlinePin(benchmark::State& state) {
  CardProfile profile = mastercardDebitCard();
  for (CardApplication& app : profile.applications) {
    app.cvm_list = Bytes{0, 0, 0, 0, 0, 0, 0, 0, 0x42, 0x03};  // online PIN if supported
  }
  runTransactions(state, profile);
}
BENCHMARK(BM_Transaction_ContactCda_OnlinePin)->Unit(benchmark::kMicrosecond);

// Visa credit: DDA, online PIN.
void BM_Transaction_ContactDda_OnlinePin(benchmark::State& state) {
  runTransactions(state, visaCreditCard());
}
BENCHMARK(BM_Transaction_ContactDda_OnlinePin)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace posim::emv
