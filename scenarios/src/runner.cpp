#include "posim/scenarios/runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "posim/acquirer/faults.h"
#include "posim/emv/card_profile.h"
#include "posim/emv/tvr.h"
#include "posim/emv/virtual_card.h"
#include "posim/scenarios/dialect_files.h"
#include "posim/scenarios/host_setup.h"
#include "posim/scenarios/live_terminal.h"
#include "posim/terminal/devices.h"
#include "posim/terminal/engine.h"
#include "posim/terminal/journal.h"

namespace posim::scenarios {
namespace {

using acquirer::TransactionType;
using terminal::TransactionRecord;

// splitmix64: derives independent seeds for the run's random streams from the run's seed.
std::uint64_t deriveSeed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

constexpr std::uint64_t kKernelStream = 1;
constexpr std::uint64_t kHostStream = 2;
constexpr std::uint64_t kLoadMixStream = 3;
constexpr std::uint64_t kCardStreamBase = 0x1000;
constexpr std::uint64_t kLoadTerminalStreamBase = 0x100000;

std::string quote(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}
std::string quoteOrNone(std::string_view s) {
  return s.empty() ? std::string("none") : quote(s);
}
std::string boolText(bool b) {
  return b ? "true" : "false";
}
std::string timeText(const std::optional<LocalDateTime>& t) {
  return t ? formatIso8601(*t) : std::string("none");
}
std::string dateText(const std::optional<Date>& d) {
  return d ? formatDate(*d) : std::string("none");
}
std::string moneyText(const std::optional<Money>& m) {
  return m ? m->toString() : std::string("none");
}
std::string failure(std::string_view key, std::string_view expected, std::string_view got) {
  return std::string(key) + ": expected " + std::string(expected) + ", got " + std::string(got);
}

bool anyContains(const std::vector<std::string>& texts, std::string_view needle) {
  return std::any_of(texts.begin(), texts.end(),
                     [&](const std::string& t) { return t.find(needle) != std::string::npos; });
}

// Several card faults on one step act together.
emv::CardFault mergeCardFaults(const std::vector<StepFault>& faults) {
  emv::CardFault out;
  for (const StepFault& f : faults) {
    if (!f.card) continue;
    const emv::CardFault& c = *f.card;
    out.mute = out.mute || c.mute;
    if (!c.remove_at_command.empty()) {
      out.remove_at_command = c.remove_at_command;
      out.remove_at_occurrence = c.remove_at_occurrence;
    }
    if (c.remove_after_apdus) out.remove_after_apdus = c.remove_after_apdus;
    out.wrong_cryptogram = out.wrong_cryptogram || c.wrong_cryptogram;
    out.corrupted_certificate = out.corrupted_certificate || c.corrupted_certificate;
    out.blocked_application = out.blocked_application || c.blocked_application;
    out.pin_try_limit_exceeded = out.pin_try_limit_exceeded || c.pin_try_limit_exceeded;
    if (!c.unexpected_status_command.empty()) {
      out.unexpected_status_command = c.unexpected_status_command;
      out.unexpected_status_word = c.unexpected_status_word;
    }
  }
  return out;
}

bool referencedType(TransactionType type) {
  return type == TransactionType::kCompletion || type == TransactionType::kCancel ||
         type == TransactionType::kRefund || type == TransactionType::kReversal;
}

bool cardType(TransactionType type) {
  return type == TransactionType::kSale || type == TransactionType::kPreauth ||
         type == TransactionType::kBalance;
}

// "iso8583://host:8583?dialect=iso87-ascii&framing=len2" -> id iso8583, options host, port,
// dialect, framing. A plain id ("embedded") has no options.
struct BackendChoice {
  std::string id;
  std::map<std::string, std::string> options;
};
Result<BackendChoice> parseBackendUrl(std::string_view text) {
  BackendChoice choice;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    choice.id = std::string(text);
    return choice;
  }
  choice.id = std::string(text.substr(0, scheme_end));
  std::string_view rest = text.substr(scheme_end + 3);
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (!rest.empty()) {
    std::string_view host = rest;
    std::string_view port;
    if (rest.front() == '[') {  // [::1]:8583
      const auto close = rest.find(']');
      if (close == std::string_view::npos) {
        return invalidArgument("backend " + std::string(text) + ": unclosed '[' in the host");
      }
      host = rest.substr(1, close - 1);
      if (close + 1 < rest.size()) {
        if (rest[close + 1] != ':') {
          return invalidArgument("backend " + std::string(text) +
                                 ": expected ':PORT' after the host");
        }
        port = rest.substr(close + 2);
      }
    } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
    }
    if (!host.empty()) choice.options["host"] = std::string(host);
    if (!port.empty()) choice.options["port"] = std::string(port);
  }
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return invalidArgument("backend " + std::string(text) + ": option '" + std::string(pair) +
                             "' is not KEY=VALUE");
    }
    choice.options[std::string(pair.substr(0, eq))] = std::string(pair.substr(eq + 1));
  }
  return choice;
}

// Counts what one terminal's requests got back, for a real-time load run: timeouts, failures of
// the transaction's own request, reversals delivered.
class CountingBackend final : public acquirer::AcquirerBackend {
 public:
  explicit CountingBackend(acquirer::AcquirerBackend& inner) : inner_(inner) {}
  std::string_view id() const override { return inner_.id(); }
  Result<acquirer::Response> send(const acquirer::Request& request) override {
    Result<acquirer::Response> answer = inner_.send(request);
    const bool own = request.type == watched_;
    if (answer.isOk()) {
      if (request.type == TransactionType::kReversal) ++reversals_;
    } else {
      if (answer.status().code() == StatusCode::kDeadlineExceeded) ++timeouts_;
      if (own) failure_ = answer.status();
    }
    return answer;
  }
  // Before each transaction: which request type is the transaction's own.
  void watch(TransactionType type) {
    watched_ = type;
    failure_ = Status::ok();
  }
  const Status& failure() const { return failure_; }
  std::uint64_t takeTimeouts() { return std::exchange(timeouts_, 0); }
  std::uint64_t takeReversals() { return std::exchange(reversals_, 0); }

 private:
  acquirer::AcquirerBackend& inner_;
  TransactionType watched_ = TransactionType::kSale;
  Status failure_;
  std::uint64_t timeouts_ = 0;
  std::uint64_t reversals_ = 0;
};

// One backend shared by the threads of a real-time load run (the embedded acquirer and issuer are
// not thread-safe): one request at a time, as `posim host` serves them.
class LockedBackend final : public acquirer::AcquirerBackend {
 public:
  explicit LockedBackend(acquirer::AcquirerBackend& inner) : inner_(inner) {}
  std::string_view id() const override { return inner_.id(); }
  Result<acquirer::Response> send(const acquirer::Request& request) override {
    std::lock_guard lock(mutex_);
    return inner_.send(request);
  }

 private:
  acquirer::AcquirerBackend& inner_;
  std::mutex mutex_;
};

// One terminal: its profile, journal, devices and engine. A terminal of a real-time load run also
// owns its clock, its copies of the cards, its backend (connection) and its counters.
struct TerminalUnit {
  emv::TerminalProfile profile;
  std::unique_ptr<terminal::Journal> journal;
  terminal::HeadlessDevices devices;
  std::unique_ptr<SeededRandom> random;
  std::unique_ptr<VirtualClock> clock;
  std::vector<std::unique_ptr<emv::VirtualCard>> cards;
  std::unique_ptr<SeededRandom> backend_random;  // the backend keeps a reference
  std::unique_ptr<acquirer::AcquirerBackend> backend;
  std::unique_ptr<CountingBackend> counter;
  std::unique_ptr<terminal::Engine> engine;  // last: uses everything above
};

// When the `n`th arrival (from 0) of an open loop is due, from the start: `rate` per second,
// rising linearly from 0 over `ramp` (then n arrivals are due after sqrt(2 ramp n / rate)).
std::chrono::nanoseconds arrivalOffset(std::int64_t n, double rate, std::chrono::nanoseconds ramp) {
  const double ramp_s = static_cast<double>(ramp.count()) / 1e9;
  const double during_ramp = rate * ramp_s / 2.0;
  const double index = static_cast<double>(n);
  const double seconds = index < during_ramp ? std::sqrt(2.0 * ramp_s * index / rate)
                                             : ramp_s + (index - during_ramp) / rate;
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(seconds * 1e9)));
}

// Where a reported transaction lives: which terminal, which journal row.
struct RecordRef {
  std::size_t terminal = 0;
  std::int64_t id = 0;
};

class Runner {
 public:
  // `devices`: the scenario terminal's devices when a person operates it (LiveTerminal);
  // null: headless devices driven by the steps.
  Runner(const Scenario& scenario, const RunOptions& options,
         const acquirer::BackendRegistry& backends, const AfterStepHook& after_step = {},
         const terminal::Devices* devices = nullptr)
      : scenario_(scenario),
        options_(options),
        backends_(backends),
        after_step_(after_step),
        devices_(devices),
        clock_(scenario.start),
        host_random_(hostRandomSeed(options.seed)) {}

  Result<RunResult> run() {
    if (options_.steady == nullptr) {
      return invalidArgument("runScenario: RunOptions::steady is required");
    }
    POSIM_RETURN_IF_ERROR(setUp());
    result_.scenario = scenario_.name;
    result_.file = scenario_.file.string();
    result_.seed = options_.seed;

    bool stopped = false;
    for (std::size_t i = 0; i < scenario_.steps.size(); ++i) {
      const Step& step = scenario_.steps[i];
      StepResult out;
      out.id = step.id;
      out.type = step.kind == StepKind::kAdvance
                     ? std::string("advance")
                     : std::string(acquirer::transactionTypeName(step.type));
      out.position = step.position;
      if (!stopped && options_.before_step && !options_.before_step(i, step)) {
        stopped = true;
        result_.stopped = true;
      }
      if (stopped) {
        out.skipped = true;
        out.passed = false;
      } else {
        runStep(step, out);
        out.passed = out.error.empty() && out.failures.empty();
        if (!out.passed && step.stop_on_failure) stopped = true;
      }
      result_.steps.push_back(std::move(out));
      afterStep(i);
      if (options_.progress) options_.progress(i + 1, scenario_.steps.size());
    }
    if (scenario_.load) {
      StepResult out;
      out.id = "load";
      out.type = "load";
      out.position = scenario_.load->position;
      if (stopped) {
        out.skipped = true;
        out.passed = false;
      } else {
        POSIM_RETURN_IF_ERROR(runLoad(*scenario_.load, out));
        out.passed = out.error.empty() && out.failures.empty();
      }
      result_.steps.push_back(std::move(out));
      afterStep(scenario_.steps.size());
    }

    checkDeferred();
    POSIM_RETURN_IF_ERROR(reread());
    result_.finished_at = clock_.localNow();
    result_.summary = summarizeRun(result_.steps, result_.transactions, scenario_.merchant.currency,
                                   result_.load ? &*result_.load : nullptr);
    result_.what_if = whatIfOf(scenario_, result_.transactions);
    result_.passed = std::all_of(result_.steps.begin(), result_.steps.end(),
                                 [](const StepResult& s) { return s.passed; });
    return std::move(result_);
  }

  // -- the manual session (LiveTerminal): the same set-up, one request at a time --

  Status open() {
    if (options_.steady == nullptr) {
      return invalidArgument("LiveTerminal: LiveTerminalOptions::steady is required");
    }
    POSIM_RETURN_IF_ERROR(setUp());
    result_.scenario = scenario_.name;
    result_.file = scenario_.file.string();
    result_.seed = options_.seed;
    return Status::ok();
  }

  VirtualClock& clock() { return clock_; }

  emv::VirtualCard* card(std::string_view name) {
    auto it = card_index_.find(name);
    return it == card_index_.end() ? nullptr : cards_[it->second].get();
  }

  Result<ReportedTransaction> runOne(terminal::TransactionRequest request) {
    if (request.label.empty()) {
      request.label = "manual-" + std::to_string(result_.transactions.size() + 1);
    }
    POSIM_ASSIGN_OR_RETURN(TransactionRecord record, terminals_.front()->engine->run(request));
    ReportedTransaction reported;
    reported.id = request.label;
    reported.card = request.card.empty() ? record.card : request.card;
    reported.status = std::string(terminal::transactionStatusName(record.statusAt(clock_.now())));
    reported.record = std::move(record);
    refs_.push_back({0, reported.record.id});
    result_.transactions.push_back(reported);
    return reported;
  }

  Result<std::vector<ReportedTransaction>> current() {
    POSIM_RETURN_IF_ERROR(reread());
    return result_.transactions;
  }

  // The session so far as a run: one passed step per transaction.
  Result<RunResult> snapshot() {
    POSIM_RETURN_IF_ERROR(reread());
    RunResult run = result_;
    run.steps.clear();
    for (std::size_t i = 0; i < run.transactions.size(); ++i) {
      const ReportedTransaction& t = run.transactions[i];
      StepResult step;
      step.id = t.id;
      step.type = std::string(acquirer::transactionTypeName(t.record.type));
      step.transaction = i;
      run.steps.push_back(std::move(step));
    }
    run.finished_at = clock_.localNow();
    run.summary = summarizeRun(run.steps, run.transactions, scenario_.merchant.currency);
    run.what_if = whatIfOf(scenario_, run.transactions);
    run.passed = true;
    return run;
  }

 private:
  void afterStep(std::size_t index) {
    if (!after_step_) return;
    const StepResult& out = result_.steps.back();
    const ReportedTransaction* transaction =
        out.transaction ? &result_.transactions[*out.transaction] : nullptr;
    after_step_(index, out, transaction);
  }

  Status setUp() {
    const std::uint64_t seed = options_.seed;
    issuer_ = issuerConfigFor(scenario_);
    for (std::size_t i = 0; i < scenario_.cards.size(); ++i) {
      const ScenarioCard& c = scenario_.cards[i];
      emv::CardProfile profile = c.profile;
      if (!c.pin.empty()) profile.offline_pin = c.pin;
      auto card =
          emv::VirtualCard::create(profile, std::nullopt, deriveSeed(seed, kCardStreamBase + i));
      if (!card.isOk()) return card.status().withContext("card " + c.name);
      cards_.push_back(std::make_unique<emv::VirtualCard>(std::move(*card)));
      card_index_.emplace(c.name, i);
    }
    // Cards in readers: the names this scenario has (a run of many files may name a card only
    // some of them have).
    for (const auto& [name, icc] : options_.reader_cards) {
      if (!card_index_.contains(name)) continue;
      if (icc == nullptr) return invalidArgument("card '" + name + "' in a reader: no card");
      if (scenario_.load) {
        return invalidArgument("card '" + name +
                               "' is in a card reader, and a load run takes virtual cards only "
                               "(a card in a reader serves one transaction at a time)");
      }
    }

    BackendChoice choice{scenario_.acquirer.backend, scenario_.acquirer.options};
    if (!options_.backend.empty()) {
      POSIM_ASSIGN_OR_RETURN(BackendChoice override_choice, parseBackendUrl(options_.backend));
      if (override_choice.id == choice.id) {
        for (auto& [k, v] : override_choice.options) choice.options[k] = v;
      } else {
        choice = std::move(override_choice);
      }
    }
    choice_ = choice;
    acquirer::BackendContext context;
    context.options = choice.options;
    context.issuer = &issuer_;
    context.random = &host_random_;
    context.events = options_.events;
    context.dialects = [](std::string_view name) { return resolveDialect(name); };
    context.wire_tap = options_.wire_tap;
    context.steady = options_.steady;
    auto backend = backends_.create(choice.id, std::move(context));
    if (!backend.isOk()) {
      return Status(StatusCode::kUnavailable,
                    "backend " + choice.id + ": " + backend.status().message());
    }
    backend_ = std::move(*backend);
    faults_ = std::make_unique<acquirer::FaultInjectingBackend>(*backend_);

    POSIM_ASSIGN_OR_RETURN(auto main,
                           makeTerminal(options_.journal_path.empty() ? std::string(":memory:")
                                                                      : options_.journal_path,
                                        0, deriveSeed(seed, kKernelStream)));
    terminals_.push_back(std::move(main));
    return Status::ok();
  }

  // Terminal `index` (0: the scenario's own; 1..: load terminals with their own terminal id).
  // `own`: a real-time load terminal, which keeps its own clock and backend (set by the caller
  // before the engine is built) and sends no trace events.
  Result<std::unique_ptr<TerminalUnit>> makeTerminal(const std::string& journal_path,
                                                     std::size_t index, std::uint64_t seed,
                                                     std::unique_ptr<TerminalUnit> own = nullptr) {
    auto unit = own ? std::move(own) : std::make_unique<TerminalUnit>();
    unit->profile = scenario_.terminal;
    const Merchant& m = scenario_.merchant;
    unit->profile.merchant_id = m.id;
    unit->profile.terminal_id = m.terminal_id;
    unit->profile.merchant_category_code = m.mcc;
    unit->profile.currency = m.currency;
    if (!m.name.empty()) unit->profile.merchant_name_location = m.name;
    if (index > 0) {
      std::string suffix = std::to_string(index);
      while (suffix.size() < 4) suffix.insert(suffix.begin(), '0');
      std::string tid = unit->profile.terminal_id;
      if (tid.size() < 8) tid.resize(8, '0');
      unit->profile.terminal_id = tid.substr(0, tid.size() - suffix.size()) + suffix;
    }
    auto journal = terminal::Journal::open(journal_path, {options_.journal_durability});
    if (!journal.isOk()) return journal.status();
    unit->journal = std::move(*journal);
    unit->random = std::make_unique<SeededRandom>(seed);

    terminal::EngineConfig config;
    config.terminal = &unit->profile;
    config.settlement = scenario_.settlement;
    config.calendar = scenario_.calendar;
    config.completion_max_percent = scenario_.acquirer.completion_max_percent;
    terminal::EngineEnvironment env;
    env.devices = index == 0 && devices_ != nullptr ? *devices_ : unit->devices.devices();
    env.backend = unit->counter ? static_cast<acquirer::AcquirerBackend*>(unit->counter.get())
                                : faults_.get();
    env.journal = unit->journal.get();
    env.clock = unit->clock ? unit->clock.get() : &clock_;
    env.steady = options_.steady;
    env.random = unit->random.get();
    env.events = unit->clock ? nullptr : options_.events;
    unit->engine = std::make_unique<terminal::Engine>(std::move(config), env);
    return unit;
  }

  void runStep(const Step& step, StepResult& out) {
    if (step.kind == StepKind::kAdvance) {
      if (step.advance_to) {
        if (step.advance_to->instant < clock_.now()) {
          out.error = "advance to " + formatIso8601(*step.advance_to) +
                      ": that is before the current time " + formatIso8601(clock_.localNow());
          return;
        }
        clock_.advanceTo(step.advance_to->instant);
      } else {
        if (step.advance < Duration::zero()) {
          out.error = "advance " + formatDuration(step.advance) + ": time never runs backwards";
          return;
        }
        clock_.advance(step.advance);
      }
      return;
    }
    TerminalUnit& unit = *terminals_.front();
    terminal::TransactionRequest request;
    request.type = step.type;
    request.label = step.id;
    request.card = step.card;
    request.amount = step.amount;
    request.force_online = step.force_online;
    request.reversal_reason = step.reversal_reason;
    if (!step.ref.empty()) {
      auto it = step_records_.find(step.ref);
      if (it == step_records_.end()) {
        out.error = "ref: step '" + step.ref + "' has no transaction to refer to";
        return;
      }
      request.original_id = it->second;
    }

    emv::VirtualCard* card = nullptr;
    const ScenarioCard* scenario_card = nullptr;
    bool in_reader = false;  // a physical card (RunOptions::reader_cards)
    if (!step.card.empty()) {
      auto it = card_index_.find(step.card);
      if (it == card_index_.end()) {
        out.error = "card: no card '" + step.card + "' in cards:";
        return;
      }
      card = cards_[it->second].get();
      scenario_card = &scenario_.cards[it->second];
      if (auto reader = options_.reader_cards.find(step.card);
          reader != options_.reader_cards.end()) {
        // The physical card: a chip only (no stripe to swipe, no fallback to one).
        if (step.entry == emv::EntryMode::kMagstripe) {
          out.error = "card " + step.card + " is in a card reader, which reads chips, not stripes";
          return;
        }
        in_reader = true;
        unit.devices.reader.present(reader->second, step.entry, std::string());
      } else {
        unit.devices.reader.present(card, step.entry, emv::magstripeTrack2(scenario_card->profile));
      }
    } else {
      unit.devices.reader.clear();
    }
    if (step.pin_given) {
      unit.devices.pin_pad.script(step.pins);
    } else if (scenario_card != nullptr && !scenario_card->pin.empty()) {
      unit.devices.pin_pad.script({scenario_card->pin});
    } else {
      unit.devices.pin_pad.script({""});
    }

    // Faults: backend ones go into the injector (they last for their count, or until their
    // end time); card ones hold for this step only.
    const bool card_fault = std::any_of(step.faults.begin(), step.faults.end(),
                                        [](const StepFault& f) { return f.card.has_value(); });
    if (card_fault && card == nullptr) {
      out.error = "faults: a card fault needs a step with a card";
      return;
    }
    if (card_fault && in_reader) {
      out.error = "faults: card " + step.card +
                  " is in a card reader; card faults are injected "
                  "into virtual cards only";
      unit.devices.reader.clear();
      return;
    }
    for (const StepFault& f : step.faults) {
      if (!f.backend) continue;
      acquirer::Fault fault = *f.backend;
      if (f.for_duration) fault.until = clock_.now() + *f.for_duration;
      faults_->inject(std::move(fault));
    }
    if (card_fault) card->setFault(mergeCardFaults(step.faults));

    Result<TransactionRecord> done = unit.engine->run(request);
    if (card_fault) card->setFault(emv::CardFault{});
    unit.devices.reader.clear();
    if (!done.isOk()) {
      out.error = done.status().toString();
      return;
    }
    TransactionRecord record = std::move(*done);
    step_records_[step.id] = record.id;
    ReportedTransaction reported;
    reported.id = step.id;
    reported.card = record.card;
    reported.status = std::string(terminal::transactionStatusName(record.statusAt(clock_.now())));
    reported.record = record;
    out.transaction = result_.transactions.size();
    result_.transactions.push_back(std::move(reported));
    refs_.push_back({0, record.id});
    if (!step.has_expect) return;
    if (record.offline_approved && !record.captured_at && hasSettlementExpectations(step.expect)) {
      // An offline approval is captured only when its advice is uploaded (DESIGN.md §5): check
      // its settlement expectations at the end of the run, everything else now.
      Step now = step;
      clearSettlementExpectations(now.expect);
      check(now, record, unit, out.failures);
      deferred_.push_back({result_.steps.size(), &step, record.id});
      return;
    }
    check(step, record, unit, out.failures);
  }

  static bool hasSettlementExpectations(const Expectation& e) {
    return e.arrival_at || e.arrival_within || e.clearing_date || e.settlement_date ||
           e.net_amount || e.fee || e.in_review;
  }
  static void clearSettlementExpectations(Expectation& e) {
    e.arrival_at.reset();
    e.arrival_within.reset();
    e.clearing_date.reset();
    e.settlement_date.reset();
    e.net_amount.reset();
    e.fee.reset();
    e.in_review.reset();
  }

  // Checks the settlement expectations of offline approvals once the run is over.
  void checkDeferred() {
    for (const Deferred& d : deferred_) {
      StepResult& out = result_.steps[d.step_index];
      auto record = terminals_.front()->engine->record(d.record_id);
      if (!record.isOk()) {
        out.error = record.status().toString();
      } else {
        Expectation only;
        const Expectation& e = d.step->expect;
        only.arrival_at = e.arrival_at;
        only.arrival_within = e.arrival_within;
        only.clearing_date = e.clearing_date;
        only.settlement_date = e.settlement_date;
        only.net_amount = e.net_amount;
        only.fee = e.fee;
        only.in_review = e.in_review;
        Step later = *d.step;
        later.expect = only;
        std::vector<std::string> failures;
        check(later, *record, *terminals_.front(), failures);
        for (std::string& f : failures)
          out.failures.push_back(f + " (checked at the end of the run, after the upload)");
      }
      out.passed = out.error.empty() && out.failures.empty();
    }
  }

  void check(const Step& step, const TransactionRecord& r, const TerminalUnit& unit,
             std::vector<std::string>& failures) {
    const Expectation& e = step.expect;
    if (e.approved && *e.approved != r.approved) {
      failures.push_back(failure("approved", boolText(*e.approved), boolText(r.approved)));
    }
    if (e.response_code && *e.response_code != r.response_code) {
      failures.push_back(
          failure("response_code", quote(*e.response_code), quoteOrNone(r.response_code)));
    }
    if (e.cvm && *e.cvm != r.cvm) {
      failures.push_back(failure("cvm", quote(*e.cvm), quoteOrNone(r.cvm)));
    }
    if (!e.tvr_bits_set.empty() || !e.tvr_bits_clear.empty()) checkTvr(e, r, failures);
    if (e.cryptogram && *e.cryptogram != r.cryptogram) {
      failures.push_back(failure("cryptogram", quote(*e.cryptogram), quoteOrNone(r.cryptogram)));
    }
    if (e.status) {
      const std::string status(terminal::transactionStatusName(r.statusAt(clock_.now())));
      if (*e.status != status)
        failures.push_back(failure("status", quote(*e.status), quote(status)));
    }
    if (e.outcome && *e.outcome != r.outcome) {
      failures.push_back(failure("outcome", quote(*e.outcome), quoteOrNone(r.outcome)));
    }
    if (e.arrival_at && (!r.arrival_at || r.arrival_at->instant != e.arrival_at->instant)) {
      failures.push_back(
          failure("arrival_at", formatIso8601(*e.arrival_at), timeText(r.arrival_at)));
    }
    if (e.arrival_within && (!r.arrival_delay || *r.arrival_delay > *e.arrival_within)) {
      failures.push_back(
          failure("arrival_within", "<= " + formatDuration(*e.arrival_within),
                  r.arrival_delay ? formatDuration(*r.arrival_delay) : std::string("no arrival")));
    }
    if (e.clearing_date && r.clearing_date != e.clearing_date) {
      failures.push_back(
          failure("clearing_date", formatDate(*e.clearing_date), dateText(r.clearing_date)));
    }
    if (e.settlement_date && r.settlement_date != e.settlement_date) {
      failures.push_back(
          failure("settlement_date", formatDate(*e.settlement_date), dateText(r.settlement_date)));
    }
    if (e.net_amount && (!r.net_amount || !(*r.net_amount == *e.net_amount))) {
      failures.push_back(failure("net_amount", e.net_amount->toString(), moneyText(r.net_amount)));
    }
    if (e.fee && (!r.fee || !(*r.fee == *e.fee))) {
      failures.push_back(failure("fee", e.fee->toString(), moneyText(r.fee)));
    }
    if (e.auth_latency_ms_max && r.auth_latency_ms && *r.auth_latency_ms > *e.auth_latency_ms_max) {
      failures.push_back(failure("auth_latency_ms_max", "<= " + formatMs(*e.auth_latency_ms_max),
                                 formatMs(*r.auth_latency_ms)));
    }
    for (const std::string& text : e.display_contains) {
      if (!anyContains(r.display, text)) {
        failures.push_back(failure(
            "display_contains", quote(text),
            r.display.empty() ? std::string("no screen") : quote(joined(r.display, " | "))));
      }
    }
    for (const std::string& text : e.receipt_contains) {
      if (!anyContains(r.receipts, text)) {
        failures.push_back(failure(
            "receipt_contains", quote(text),
            r.receipts.empty() ? std::string("no receipt")
                               : std::to_string(r.receipts.size()) + " receipts without it"));
      }
    }
    if (e.reversal_sent && *e.reversal_sent != r.reversal_sent) {
      failures.push_back(
          failure("reversal_sent", boolText(*e.reversal_sent), boolText(r.reversal_sent)));
    }
    if (e.hold_released) {
      bool released = r.hold_released_at.has_value();
      if ((step.type == TransactionType::kCancel || step.type == TransactionType::kCompletion) &&
          r.original_id) {
        auto original = unit.engine->record(*r.original_id);
        released = original.isOk() && original->hold_released_at.has_value();
      }
      if (*e.hold_released != released) {
        failures.push_back(
            failure("hold_released", boolText(*e.hold_released), boolText(released)));
      }
    }
    if (e.batch_balanced && r.batch_balanced != e.batch_balanced) {
      failures.push_back(failure("batch_balanced", boolText(*e.batch_balanced),
                                 r.batch_balanced ? boolText(*r.batch_balanced) : "none"));
    }
    if (e.offline && *e.offline != r.offline_approved) {
      failures.push_back(failure("offline", boolText(*e.offline), boolText(r.offline_approved)));
    }
    if (e.in_review && *e.in_review != r.in_review) {
      failures.push_back(failure("in_review", boolText(*e.in_review), boolText(r.in_review)));
    }
    if (e.available_balance &&
        (!r.available_balance || !(*r.available_balance == *e.available_balance))) {
      failures.push_back(failure("available_balance", e.available_balance->toString(),
                                 moneyText(r.available_balance)));
    }
  }

  static void checkTvr(const Expectation& e, const TransactionRecord& r,
                       std::vector<std::string>& failures) {
    auto tvr = emv::Tvr::fromHex(r.tvr);
    for (int pass = 0; pass < 2; ++pass) {
      const bool want_set = pass == 0;
      const char* key = want_set ? "tvr_bits_set" : "tvr_bits_clear";
      for (const std::string& name : want_set ? e.tvr_bits_set : e.tvr_bits_clear) {
        auto bit = emv::Tvr::bitByName(name);
        if (!bit.isOk()) {
          failures.push_back(std::string(key) + ": " + bit.status().message());
          continue;
        }
        if (!tvr.isOk()) {
          failures.push_back(failure(key, name + (want_set ? " set" : " clear"), "no TVR"));
          continue;
        }
        if (tvr->test(*bit) != want_set) {
          failures.push_back(failure(key, name + (want_set ? " set" : " clear"),
                                     "TVR " + r.tvr + (want_set ? " without it" : " with it")));
        }
      }
    }
  }

  static std::string formatMs(double ms) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f ms", ms);
    return buffer;
  }

  static std::string joined(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (const std::string& p : parts) {
      if (!out.empty()) out += sep;
      out += p;
    }
    return out;
  }

  Status runLoad(const LoadSpec& load, StepResult& out) {
    if (load.mix.empty()) {
      out.error = "load: the mix is empty";
      return Status::ok();
    }
    if (load.clock == LoadClock::kReal) {
      POSIM_RETURN_IF_ERROR(runRealTimeLoad(load, out));
    } else {
      POSIM_RETURN_IF_ERROR(runVirtualLoad(load, out));
    }
    checkLoadExpectations(load.expect, *result_.load, out);
    return Status::ok();
  }

  static void checkLoadExpectations(const LoadExpectation& e, const LoadStats& stats,
                                    StepResult& out) {
    auto ms = [](std::uint64_t us) { return formatMs(static_cast<double>(us) / 1000.0); };
    const LogHistogram& h = stats.latency_us;
    if (e.p99_ms && !h.empty() &&
        static_cast<double>(h.valueAtPercentile(99)) / 1000.0 > *e.p99_ms) {
      out.failures.push_back(
          failure("latency p99", "at most " + formatMs(*e.p99_ms), ms(h.valueAtPercentile(99))));
    }
    if (e.p50_ms && !h.empty() &&
        static_cast<double>(h.valueAtPercentile(50)) / 1000.0 > *e.p50_ms) {
      out.failures.push_back(
          failure("latency p50", "at most " + formatMs(*e.p50_ms), ms(h.valueAtPercentile(50))));
    }
    if (e.min_throughput && stats.throughput() < *e.min_throughput) {
      char want[64], got[64];
      std::snprintf(want, sizeof want, "at least %.1f/s", *e.min_throughput);
      std::snprintf(got, sizeof got, "%.1f/s", stats.throughput());
      out.failures.push_back(failure("throughput", want, got));
    }
    if (e.max_errors && stats.errors > *e.max_errors) {
      out.failures.push_back(failure("errors", "at most " + std::to_string(*e.max_errors),
                                     std::to_string(stats.errors)));
    }
    if (e.min_approval_rate) {
      const double rate = stats.completed == 0 ? 0.0
                                               : static_cast<double>(stats.approved) /
                                                     static_cast<double>(stats.completed);
      if (rate < *e.min_approval_rate) {
        char want[64], got[64];
        std::snprintf(want, sizeof want, "at least %.4f", *e.min_approval_rate);
        std::snprintf(got, sizeof got, "%.4f", rate);
        out.failures.push_back(failure("approval_rate", want, got));
      }
    }
  }

  // The load run on the virtual clock: `count` transactions (or as many as arrive within
  // `duration`) at `rate` per second of virtual time, dealt round robin to `terminals` engines
  // that share the clock and the backend. Arrivals that find the clock already past their time
  // start at once.
  Status runVirtualLoad(const LoadSpec& load, StepResult& out) {
    const double rate = load.rate_per_second > 0 ? load.rate_per_second : 1.0;
    const auto gap = Duration(static_cast<std::int64_t>(std::llround(1e6 / rate)));
    std::int64_t count = 0;
    if (load.count) {
      count = *load.count;
    } else if (load.duration) {
      count = std::max<std::int64_t>(
          1, static_cast<std::int64_t>(std::ceil(static_cast<double>(load.duration->count()) /
                                                 static_cast<double>(gap.count()))));
    }
    const std::size_t terminals = static_cast<std::size_t>(std::max(1, load.terminals));
    std::vector<std::size_t> load_terminal;  // index into terminals_
    for (std::size_t k = 1; k <= terminals; ++k) {
      std::string path = ":memory:";
      if (!options_.journal_path.empty() && options_.journal_path != ":memory:") {
        path = options_.journal_path + ".load-" + std::to_string(k);
      }
      auto own = std::make_unique<TerminalUnit>();
      own->counter = std::make_unique<CountingBackend>(*faults_);
      POSIM_ASSIGN_OR_RETURN(
          auto unit, makeTerminal(path, k, deriveSeed(options_.seed, kLoadTerminalStreamBase + k),
                                  std::move(own)));
      load_terminal.push_back(terminals_.size());
      terminals_.push_back(std::move(unit));
    }

    int total_weight = 0;
    int direct_weight = 0;
    for (const LoadMix& m : load.mix) {
      total_weight += std::max(0, m.weight);
      if (!referencedType(m.type)) direct_weight += std::max(0, m.weight);
    }
    if (total_weight <= 0) {
      out.error = "load: the weights of the mix add up to 0";
      return Status::ok();
    }
    SeededRandom mix_random(deriveSeed(options_.seed, kLoadMixStream));
    auto draw = [&](bool direct_only) -> const LoadMix& {
      const int bound = direct_only ? direct_weight : total_weight;
      auto pick = static_cast<int>(mix_random.uniform(static_cast<std::uint64_t>(bound)));
      for (const LoadMix& m : load.mix) {
        if (direct_only && referencedType(m.type)) continue;
        pick -= std::max(0, m.weight);
        if (pick < 0) return m;
      }
      return load.mix.back();
    };
    // Approved originals per load terminal, oldest first, for referenced types in the mix.
    std::vector<std::deque<std::pair<std::int64_t, Money>>> sales(terminals);
    std::vector<std::deque<std::pair<std::int64_t, Money>>> preauths(terminals);

    if (load.ramp_up.count() > 0 && load.duration) {
      // Fewer arrivals fit into the duration while the rate ramps up.
      std::int64_t fit = 0;
      const auto limit = std::chrono::duration_cast<std::chrono::nanoseconds>(*load.duration);
      const auto ramp = std::chrono::duration_cast<std::chrono::nanoseconds>(load.ramp_up);
      while (arrivalOffset(fit, rate, ramp) < limit && (!load.count || fit < *load.count)) ++fit;
      count = std::max<std::int64_t>(1, fit);
    }
    LoadStats stats;
    stats.clock = "virtual";
    stats.mode = "open";
    stats.terminals = static_cast<int>(terminals);
    stats.target_rate = rate;
    stats.scheduled = static_cast<std::uint64_t>(count);
    const auto wall_start = options_.steady->elapsed();

    const Instant start = clock_.now();
    const std::size_t every = std::max<std::size_t>(1, static_cast<std::size_t>(count) / 100);
    std::size_t next_card = 0;
    std::size_t errors = 0;
    for (std::int64_t n = 0; n < count; ++n) {
      const Instant arrival =
          load.ramp_up.count() > 0
              ? start + std::chrono::duration_cast<Duration>(arrivalOffset(
                            n, rate,
                            std::chrono::duration_cast<std::chrono::nanoseconds>(load.ramp_up)))
              : start + gap * n;
      if (arrival > clock_.now()) clock_.advanceTo(arrival);
      const std::size_t t = static_cast<std::size_t>(n) % terminals;
      TerminalUnit& unit = *terminals_[load_terminal[t]];
      const std::string id = "load-" + std::to_string(n + 1);

      const LoadMix* mix = &draw(false);
      std::optional<std::pair<std::int64_t, Money>> original;
      if (referencedType(mix->type)) {
        auto& pool = mix->type == TransactionType::kCompletion ? preauths[t] : sales[t];
        if (!pool.empty()) {
          original = pool.front();
          pool.pop_front();
        } else if (direct_weight > 0) {
          mix = &draw(true);
        } else {
          ++errors;
          if (out.failures.size() < 10) {
            out.failures.push_back(id + ": no approved original for " +
                                   std::string(acquirer::transactionTypeName(mix->type)) +
                                   " on terminal " + std::to_string(t + 1));
          }
          continue;
        }
      }

      terminal::TransactionRequest request;
      request.type = mix->type;
      request.label = id;
      if (original) {
        request.original_id = original->first;
        if (mix->type == TransactionType::kRefund) {
          request.amount = mix->amount < original->second ? mix->amount : original->second;
        } else if (mix->type == TransactionType::kCompletion) {
          request.amount = mix->amount;
        }
        unit.devices.reader.clear();
        unit.devices.pin_pad.script({""});
      } else {
        if (mix->type != TransactionType::kEcho && mix->type != TransactionType::kSettle &&
            mix->type != TransactionType::kBalance) {
          request.amount = mix->amount;
        }
        if (cardType(mix->type)) {
          std::size_t c = 0;
          if (!mix->card.empty()) {
            auto it = card_index_.find(mix->card);
            if (it == card_index_.end()) {
              ++errors;
              if (out.failures.size() < 10) {
                out.failures.push_back(id + ": no card '" + mix->card + "' in cards:");
              }
              continue;
            }
            c = it->second;
          } else if (!cards_.empty()) {
            c = next_card++ % cards_.size();
          } else {
            ++errors;
            if (out.failures.size() < 10)
              out.failures.push_back(id + ": the scenario has no cards");
            continue;
          }
          const ScenarioCard& sc = scenario_.cards[c];
          request.card = sc.name;
          unit.devices.reader.present(cards_[c].get(), mix->entry,
                                      emv::magstripeTrack2(sc.profile));
          unit.devices.pin_pad.script({sc.pin});
        }
      }

      const auto sent = options_.steady->elapsed();
      unit.counter->watch(request.type);
      Result<TransactionRecord> done = unit.engine->run(request);
      const auto finished = options_.steady->elapsed();
      unit.devices.reader.clear();
      // Keep the memory of the recording devices flat over long runs.
      unit.devices.display.clear();
      unit.devices.printer.clear();
      unit.devices.pin_pad.clearRequests();
      if (!done.isOk()) {
        ++errors;
        if (out.failures.size() < 10) out.failures.push_back(id + ": " + done.status().toString());
      } else {
        TransactionRecord record = std::move(*done);
        record.display.clear();
        record.receipts.clear();
        stats.timeouts += unit.counter->takeTimeouts();
        stats.reversals_sent += unit.counter->takeReversals();
        if (unit.counter->failure().isOk()) {
          stats.add(record, finished - sent, finished - sent, RunSummary{}.sla_hours);
        } else {
          ++errors;
          if (out.failures.size() < 10) {
            out.failures.push_back(id + ": no valid answer: " + unit.counter->failure().message());
          }
        }
        if (record.approved) {
          if (record.type == TransactionType::kSale)
            sales[t].emplace_back(record.id, record.amount);
          if (record.type == TransactionType::kPreauth) {
            preauths[t].emplace_back(record.id, record.amount);
          }
        }
        ReportedTransaction reported;
        reported.id = id;
        reported.card = record.card;
        reported.record = std::move(record);
        refs_.push_back({load_terminal[t], reported.record.id});
        result_.transactions.push_back(std::move(reported));
      }
      const auto done_count = static_cast<std::size_t>(n + 1);
      if (options_.progress && (done_count % every == 0 || n + 1 == count)) {
        options_.progress(done_count, static_cast<std::size_t>(count));
      }
    }
    if (errors > out.failures.size()) {
      out.failures.push_back("... and " + std::to_string(errors - out.failures.size()) +
                             " more transactions that could not run");
    }
    if (errors > 0) {
      out.failures.insert(out.failures.begin(), std::to_string(errors) + " of " +
                                                    std::to_string(count) +
                                                    " load transactions could not run");
    }
    stats.errors = errors;
    stats.elapsed_seconds =
        static_cast<double>((options_.steady->elapsed() - wall_start).count()) / 1e9;
    result_.load = std::move(stats);
    return Status::ok();
  }

  // The load run on the wall clock (LoadClock::kReal): every terminal on its own thread with its
  // own clock, cards, journal and backend instance (the shared embedded backend one request at a
  // time), paced by the steady clock. Open loop: arrival n is due at arrivalOffset(n) and the
  // first free terminal takes it; its latency runs from when it was due. Closed loop: each
  // terminal sends, waits, thinks and sends again. The runner's thread reports progress once a
  // second and keeps the throughput of each second.
  Status runRealTimeLoad(const LoadSpec& load, StepResult& out) {
    using std::chrono::nanoseconds;
    const std::size_t terminals = static_cast<std::size_t>(std::max(1, load.terminals));
    const bool open = load.mode == LoadMode::kOpen;
    const double rate = load.rate_per_second > 0 ? load.rate_per_second : 1.0;
    const auto ramp = std::chrono::duration_cast<nanoseconds>(load.ramp_up);
    const auto think = std::chrono::duration_cast<nanoseconds>(load.think_time);
    const std::optional<nanoseconds> limit =
        load.duration
            ? std::optional<nanoseconds>(std::chrono::duration_cast<nanoseconds>(*load.duration))
            : std::nullopt;
    const std::int64_t count = load.count.value_or(std::numeric_limits<std::int64_t>::max());
    int total_weight = 0;
    for (const LoadMix& m : load.mix) total_weight += std::max(0, m.weight);
    if (total_weight <= 0) {
      out.error = "load: the weights of the mix add up to 0";
      return Status::ok();
    }

    std::unique_ptr<LockedBackend> shared;
    if (choice_.id == "embedded") shared = std::make_unique<LockedBackend>(*backend_);
    std::vector<std::unique_ptr<TerminalUnit>> units;
    for (std::size_t k = 1; k <= terminals; ++k) {
      auto own = std::make_unique<TerminalUnit>();
      own->clock = std::make_unique<VirtualClock>(clock_.localNow());
      const std::uint64_t seed = deriveSeed(options_.seed, kLoadTerminalStreamBase + k);
      if (shared) {
        own->counter = std::make_unique<CountingBackend>(*shared);
      } else {
        // One connection per terminal, as many terminals would open.
        own->backend_random = std::make_unique<SeededRandom>(deriveSeed(seed, kHostStream));
        acquirer::BackendContext context;
        context.options = choice_.options;
        context.issuer = &issuer_;
        context.random = own->backend_random.get();
        context.dialects = [](std::string_view name) { return resolveDialect(name); };
        context.wire_tap = options_.wire_tap;
        context.steady = options_.steady;
        auto backend = backends_.create(choice_.id, std::move(context));
        if (!backend.isOk()) {
          return Status(StatusCode::kUnavailable, "backend " + choice_.id + " for load terminal " +
                                                      std::to_string(k) + ": " +
                                                      backend.status().message());
        }
        own->backend = std::move(*backend);
        own->counter = std::make_unique<CountingBackend>(*own->backend);
      }
      for (std::size_t c = 0; c < cards_.size(); ++c) {
        own->cards.push_back(std::make_unique<emv::VirtualCard>(
            cards_[c]->image(), std::nullopt, deriveSeed(seed, kCardStreamBase + c)));
      }
      std::string path = ":memory:";
      if (!options_.journal_path.empty() && options_.journal_path != ":memory:") {
        path = options_.journal_path + ".load-" + std::to_string(k);
      }
      POSIM_ASSIGN_OR_RETURN(auto unit, makeTerminal(path, k, seed, std::move(own)));
      units.push_back(std::move(unit));
    }

    // What each terminal's thread measured; the runner's thread reads it under the mutex.
    struct Share {
      std::mutex mutex;
      LoadStats stats;
      std::uint64_t interval_completed = 0;
      std::uint64_t interval_errors = 0;
      LogHistogram interval_latency_us;
    };
    std::vector<std::unique_ptr<Share>> shares;
    for (std::size_t k = 0; k < terminals; ++k) shares.push_back(std::make_unique<Share>());
    std::mutex failures_mutex;
    std::vector<std::string> failures;
    std::atomic<std::int64_t> next{0};
    std::atomic<std::uint64_t> scheduled{0};
    std::atomic<std::size_t> finished_threads{0};
    std::atomic<bool> stop{false};
    std::mutex wake_mutex;
    std::condition_variable wake;
    std::atomic<std::int64_t> next_second{0};  // steady ns at which the next tick is due
    const double sla_hours = RunSummary{}.sla_hours;
    const Instant virtual_start = clock_.now();
    const nanoseconds t0 = options_.steady->elapsed() + std::chrono::milliseconds(20);
    next_second = (t0 + std::chrono::seconds(1)).count();
    auto stopRequested = [&] {
      return stop.load(std::memory_order_relaxed) ||
             (options_.stop_load != nullptr && options_.stop_load->load(std::memory_order_relaxed));
    };
    auto note = [&](std::string text) {
      std::lock_guard lock(failures_mutex);
      if (failures.size() < 10) failures.push_back(std::move(text));
    };

    auto worker = [&](std::size_t k) {
      TerminalUnit& unit = *units[k];
      Share& share = *shares[k];
      SeededRandom mix_random(deriveSeed(options_.seed, kLoadMixStream + 0x10000 * (k + 1)));
      std::size_t next_card = k;
      auto runOne = [&](std::int64_t n, nanoseconds intended) {
        const LoadMix* mix = &load.mix.back();
        auto pick = static_cast<int>(mix_random.uniform(static_cast<std::uint64_t>(total_weight)));
        for (const LoadMix& m : load.mix) {
          pick -= std::max(0, m.weight);
          if (pick < 0) {
            mix = &m;
            break;
          }
        }
        const std::string id = "load-" + std::to_string(n + 1);
        // Business time follows the wall clock from the scenario's start.
        const Instant now_virtual =
            virtual_start + std::chrono::duration_cast<Duration>(options_.steady->elapsed() - t0);
        if (now_virtual > unit.clock->now()) unit.clock->advanceTo(now_virtual);
        terminal::TransactionRequest request;
        request.type = mix->type;
        request.label = id;
        if (mix->type != TransactionType::kEcho) request.amount = mix->amount;
        if (cardType(mix->type)) {
          std::size_t c = 0;
          if (!mix->card.empty()) {
            c = card_index_.find(mix->card)->second;  // checked when the scenario was loaded
          } else {
            c = next_card++ % unit.cards.size();
          }
          const ScenarioCard& sc = scenario_.cards[c];
          request.card = sc.name;
          unit.devices.reader.present(unit.cards[c].get(), mix->entry,
                                      emv::magstripeTrack2(sc.profile));
          unit.devices.pin_pad.script({sc.pin});
        }
        const nanoseconds sent = options_.steady->elapsed();
        unit.counter->watch(request.type);
        Result<TransactionRecord> done = unit.engine->run(request);
        const nanoseconds finished = options_.steady->elapsed();
        unit.devices.reader.clear();
        unit.devices.display.clear();
        unit.devices.printer.clear();
        unit.devices.pin_pad.clearRequests();
        std::string error;
        if (!done.isOk()) {
          error = done.status().toString();
        } else if (!unit.counter->failure().isOk()) {
          error = "no valid answer: " + unit.counter->failure().message();
        }
        std::lock_guard lock(share.mutex);
        share.stats.timeouts += unit.counter->takeTimeouts();
        share.stats.reversals_sent += unit.counter->takeReversals();
        if (!error.empty()) {
          ++share.stats.errors;
          ++share.interval_errors;
          note(id + " on terminal " + std::to_string(k + 1) + ": " + error);
          if (finished.count() >= next_second.load(std::memory_order_relaxed)) wake.notify_one();
          return;
        }
        share.stats.add(*done, finished - intended, finished - sent, sla_hours);
        ++share.interval_completed;
        share.interval_latency_us.record(static_cast<std::uint64_t>(
            std::max<std::int64_t>(0, (finished - intended).count() + 500) / 1000));
        if (finished.count() >= next_second.load(std::memory_order_relaxed)) wake.notify_one();
      };

      if (open) {
        for (;;) {
          const std::int64_t n = next.fetch_add(1, std::memory_order_relaxed);
          if (n >= count || stopRequested()) break;
          const nanoseconds due = arrivalOffset(n, rate, ramp);
          if (limit && due >= *limit) break;
          scheduled.fetch_add(1, std::memory_order_relaxed);
          options_.steady->sleepUntil(t0 + due);
          if (stopRequested()) break;
          runOne(n, t0 + due);
        }
      } else {
        const auto start = t0 + nanoseconds(ramp.count() * static_cast<std::int64_t>(k) /
                                            static_cast<std::int64_t>(terminals));
        options_.steady->sleepUntil(start);
        for (;;) {
          if (stopRequested()) break;
          const nanoseconds now = options_.steady->elapsed();
          if (limit && now - t0 >= *limit) break;
          const std::int64_t n = next.fetch_add(1, std::memory_order_relaxed);
          if (n >= count) break;
          scheduled.fetch_add(1, std::memory_order_relaxed);
          runOne(n, now);
          if (think.count() > 0) options_.steady->sleepUntil(options_.steady->elapsed() + think);
        }
      }
      finished_threads.fetch_add(1, std::memory_order_release);
      wake.notify_one();
    };

    LoadStats stats;
    stats.clock = "real";
    stats.mode = open ? "open" : "closed";
    stats.terminals = static_cast<int>(terminals);
    stats.target_rate = open ? rate : 0.0;
    stats.aggregated = true;

    std::vector<std::thread> threads;
    threads.reserve(terminals);
    for (std::size_t k = 0; k < terminals; ++k) threads.emplace_back(worker, k);

    // Once a second (and at the end): what finished in that second, and a progress report.
    std::uint64_t completed_so_far = 0, errors_so_far = 0;
    std::int64_t second = 0;
    nanoseconds last_tick = t0;
    // `take`: collect what the terminals measured since the last tick (false: an empty second
    // after a stall).
    auto tick = [&](nanoseconds now, bool take) {
      LoadSecond row;
      row.second = second++;
      LogHistogram interval;
      std::uint64_t timeouts = 0;
      for (auto& share : shares) {
        if (!take) break;
        std::lock_guard lock(share->mutex);
        row.completed += std::exchange(share->interval_completed, 0);
        row.errors += std::exchange(share->interval_errors, 0);
        interval.merge(share->interval_latency_us);
        share->interval_latency_us.clear();
        timeouts += share->stats.timeouts;
      }
      if (!interval.empty()) {
        row.p50_us = interval.valueAtPercentile(50);
        row.p99_us = interval.valueAtPercentile(99);
      }
      completed_so_far += row.completed;
      errors_so_far += row.errors;
      if (options_.load_progress) {
        LoadProgress p;
        p.elapsed_seconds = static_cast<double>((now - t0).count()) / 1e9;
        p.completed = completed_so_far;
        p.errors = errors_so_far;
        p.timeouts = timeouts;
        const double span = static_cast<double>((now - last_tick).count()) / 1e9;
        p.rate_per_second = span > 0 ? static_cast<double>(row.completed) / span : 0.0;
        p.p50_ms = static_cast<double>(row.p50_us.value_or(0)) / 1000.0;
        p.p99_ms = static_cast<double>(row.p99_us.value_or(0)) / 1000.0;
        p.scheduled = scheduled.load(std::memory_order_relaxed);
        options_.load_progress(p);
      }
      last_tick = now;
      stats.per_second.push_back(std::move(row));
    };
    // The runner's thread waits for a second to pass or the terminals to finish. It does not
    // sleep on the steady clock (a test's manual clock would move for it): terminals wake it when
    // they see a second pass, and it looks again at least every 200 ms of the machine's time.
    for (;;) {
      {
        std::unique_lock lock(wake_mutex);
        wake.wait_for(lock, std::chrono::milliseconds(200), [&] {
          return finished_threads.load(std::memory_order_acquire) == terminals ||
                 options_.steady->elapsed().count() >= next_second.load();
        });
      }
      const nanoseconds now = options_.steady->elapsed();
      bool first = true;
      while (now.count() >= next_second.load()) {
        tick(now, first);
        first = false;
        next_second.fetch_add(std::chrono::nanoseconds(std::chrono::seconds(1)).count());
      }
      if (finished_threads.load(std::memory_order_acquire) == terminals) break;
    }
    for (std::thread& t : threads) t.join();
    const nanoseconds end = options_.steady->elapsed();
    tick(end, true);
    stop.store(true);

    stats.elapsed_seconds = static_cast<double>((end - t0).count()) / 1e9;
    stats.scheduled = scheduled.load();
    for (auto& share : shares) stats.merge(share->stats);
    stats.scheduled = scheduled.load();
    // The scenario's clock moves on to where the load run's business time ended.
    Instant latest = clock_.now();
    for (const auto& unit : units) latest = std::max(latest, unit->clock->now());
    if (latest > clock_.now()) clock_.advanceTo(latest);

    for (std::string& f : failures) out.failures.push_back(std::move(f));
    if (stats.errors > failures.size()) {
      out.failures.push_back("... and " + std::to_string(stats.errors - failures.size()) +
                             " more transactions that could not run or got no valid answer");
    }
    if (stats.errors > 0) {
      out.failures.insert(out.failures.begin(),
                          std::to_string(stats.errors) + " of " + std::to_string(stats.scheduled) +
                              " load transactions could not run or got no valid answer");
    }
    result_.load = std::move(stats);
    return Status::ok();
  }

  // Statuses change after a transaction (voided, refunded, settled, released): every record as
  // the journal holds it at the end, status as of the end time.
  Status reread() {
    std::vector<std::map<std::int64_t, TransactionRecord>> by_terminal(terminals_.size());
    std::set<std::size_t> needed;
    for (const RecordRef& ref : refs_) needed.insert(ref.terminal);
    for (std::size_t t : needed) {
      POSIM_ASSIGN_OR_RETURN(std::vector<TransactionRecord> records,
                             terminals_[t]->engine->records());
      for (TransactionRecord& r : records) {
        const std::int64_t rid = r.id;
        by_terminal[t].emplace(rid, std::move(r));
      }
    }
    const Instant now = clock_.now();
    for (std::size_t i = 0; i < result_.transactions.size(); ++i) {
      ReportedTransaction& reported = result_.transactions[i];
      auto& records = by_terminal[refs_[i].terminal];
      if (auto it = records.find(refs_[i].id); it != records.end()) {
        std::vector<std::string> display = std::move(reported.record.display);
        std::vector<std::string> receipts = std::move(reported.record.receipts);
        reported.record = it->second;
        reported.record.display = std::move(display);
        reported.record.receipts = std::move(receipts);
      }
      reported.card = reported.record.card;
      reported.status = std::string(terminal::transactionStatusName(reported.record.statusAt(now)));
    }
    return Status::ok();
  }

  const Scenario& scenario_;
  const RunOptions& options_;
  const acquirer::BackendRegistry& backends_;
  const AfterStepHook& after_step_;
  const terminal::Devices* devices_;
  VirtualClock clock_;
  SeededRandom host_random_;
  acquirer::EmbeddedConfig issuer_;
  std::vector<std::unique_ptr<emv::VirtualCard>> cards_;
  std::map<std::string, std::size_t, std::less<>> card_index_;
  BackendChoice choice_;
  std::unique_ptr<acquirer::AcquirerBackend> backend_;
  std::unique_ptr<acquirer::FaultInjectingBackend> faults_;
  std::vector<std::unique_ptr<TerminalUnit>> terminals_;  // [0]: the scenario's terminal
  std::map<std::string, std::int64_t> step_records_;      // step id -> record id (terminal 0)
  struct Deferred {
    std::size_t step_index;  // in result_.steps
    const Step* step;
    std::int64_t record_id;
  };
  std::vector<Deferred> deferred_;  // offline approvals' settlement expectations
  std::vector<RecordRef> refs_;     // parallel to result_.transactions
  RunResult result_;
};

}  // namespace

Result<RunResult> runScenario(const Scenario& scenario, const RunOptions& options,
                              const acquirer::BackendRegistry& backends,
                              const AfterStepHook& after_step) {
  Runner runner(scenario, options, backends, after_step);
  return runner.run();
}

// -- LiveTerminal: the runner's machinery with a person's devices --

struct LiveTerminal::Impl {
  Impl(Scenario s, const LiveTerminalOptions& live, const acquirer::BackendRegistry& backends,
       terminal::Devices d)
      : scenario(std::move(s)),
        options(optionsOf(live)),
        devices(d),
        runner(scenario, options, backends, no_hook, &devices) {}

  static RunOptions optionsOf(const LiveTerminalOptions& live) {
    RunOptions options;
    options.seed = live.seed;
    options.backend = live.backend;
    options.steady = live.steady;
    options.events = live.events;
    options.wire_tap = live.wire_tap;
    options.journal_path = live.journal_path;
    return options;
  }

  // The runner keeps references to these: they are declared before it.
  Scenario scenario;
  RunOptions options;
  AfterStepHook no_hook;
  terminal::Devices devices;
  Runner runner;
};

Result<std::unique_ptr<LiveTerminal>> LiveTerminal::create(
    Scenario setup, const LiveTerminalOptions& options, const acquirer::BackendRegistry& backends,
    terminal::Devices devices) {
  auto impl = std::make_unique<Impl>(std::move(setup), options, backends, devices);
  POSIM_RETURN_IF_ERROR(impl->runner.open());
  return std::unique_ptr<LiveTerminal>(new LiveTerminal(std::move(impl)));
}

LiveTerminal::LiveTerminal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LiveTerminal::~LiveTerminal() = default;

const Scenario& LiveTerminal::setup() const {
  return impl_->scenario;
}

emv::VirtualCard* LiveTerminal::card(std::string_view name) {
  return impl_->runner.card(name);
}

std::string LiveTerminal::track2(std::string_view name) const {
  const ScenarioCard* c = impl_->scenario.findCard(name);
  return c == nullptr ? std::string() : emv::magstripeTrack2(c->profile);
}

LocalDateTime LiveTerminal::now() const {
  return impl_->runner.clock().localNow();
}

void LiveTerminal::advanceTo(Instant t) {
  VirtualClock& clock = impl_->runner.clock();
  if (t > clock.now()) clock.advanceTo(t);
}

Result<ReportedTransaction> LiveTerminal::run(const terminal::TransactionRequest& request) {
  return impl_->runner.runOne(request);
}

Result<std::vector<ReportedTransaction>> LiveTerminal::transactions() const {
  return impl_->runner.current();
}

Result<RunResult> LiveTerminal::asRun() const {
  return impl_->runner.snapshot();
}

bool arrivesForMerchant(const TransactionRecord& r) {
  return (r.type == TransactionType::kSale || r.type == TransactionType::kCompletion) &&
         r.approved && r.captured_at && !r.voided && !r.reversed;
}

namespace {

settlement::Distribution distributionOfHistogram(const LogHistogram& h, double scale) {
  settlement::Distribution d;
  d.count = static_cast<std::size_t>(h.count());
  if (h.empty()) return d;
  d.p50 = static_cast<double>(h.valueAtPercentile(50)) * scale;
  d.p95 = static_cast<double>(h.valueAtPercentile(95)) * scale;
  d.p99 = static_cast<double>(h.valueAtPercentile(99)) * scale;
  d.max = static_cast<double>(h.max()) * scale;
  return d;
}

// The listed transactions' values joined with a load run's histograms (µs and seconds).
void foldLoad(RunSummary& s, const LoadStats& load, const std::vector<double>& latencies_ms,
              const std::vector<double>& delays_hours,
              std::map<int, std::pair<std::vector<double>, std::vector<double>>>& listed_per_type,
              std::map<int, std::pair<std::size_t, std::size_t>>& listed_counts) {
  constexpr double kMsPerUs = 1e-3;
  constexpr double kHoursPerSecond = 1.0 / 3600.0;
  auto latencyHistogram = [](const std::vector<double>& ms) {
    LogHistogram h;
    for (double v : ms) h.record(static_cast<std::uint64_t>(std::llround(std::max(0.0, v) * 1e3)));
    return h;
  };
  auto delayHistogram = [](const std::vector<double>& hours) {
    LogHistogram h;
    for (double v : hours) {
      h.record(static_cast<std::uint64_t>(std::llround(std::max(0.0, v) * 3600.0)));
    }
    return h;
  };
  auto within = [&](const std::vector<double>& hours) {
    return static_cast<std::uint64_t>(
        std::count_if(hours.begin(), hours.end(), [&](double h) { return h <= s.sla_hours; }));
  };
  s.transactions += static_cast<std::size_t>(load.completed);
  s.approved += static_cast<std::size_t>(load.approved);
  s.approval_rate = s.transactions == 0
                        ? 0.0
                        : static_cast<double>(s.approved) / static_cast<double>(s.transactions);
  s.reversals_sent += static_cast<std::size_t>(load.reversals_sent);
  LogHistogram latency = latencyHistogram(latencies_ms);
  LogHistogram delay = delayHistogram(delays_hours);
  std::uint64_t in_sla = within(delays_hours);
  for (const auto& [type, t] : load.per_type) {
    latency.merge(t.auth_us);
    delay.merge(t.arrival_delay_s);
    in_sla += t.within_sla;
  }
  s.latency_ms = distributionOfHistogram(latency, kMsPerUs);
  s.arrival_delay_hours = distributionOfHistogram(delay, kHoursPerSecond);
  s.sla_share =
      delay.empty()
          ? std::nullopt
          : std::optional<double>(static_cast<double>(in_sla) / static_cast<double>(delay.count()));
  for (const auto& [day, minor] : load.money_per_day) s.money_per_day[day] += minor;
  std::set<int> types;
  for (const auto& [type, counts] : listed_counts) types.insert(type);
  for (const auto& [type, t] : load.per_type) types.insert(type);
  s.per_type.clear();
  for (int type : types) {
    TypeSummary ts;
    ts.type = std::string(acquirer::transactionTypeName(static_cast<TransactionType>(type)));
    const auto& listed = listed_per_type[type];
    LogHistogram type_latency = latencyHistogram(listed.first);
    LogHistogram type_delay = delayHistogram(listed.second);
    ts.count = listed_counts[type].first;
    ts.approved = listed_counts[type].second;
    if (auto it = load.per_type.find(type); it != load.per_type.end()) {
      ts.count += static_cast<std::size_t>(it->second.count);
      ts.approved += static_cast<std::size_t>(it->second.approved);
      type_latency.merge(it->second.auth_us);
      type_delay.merge(it->second.arrival_delay_s);
    }
    ts.latency_ms = distributionOfHistogram(type_latency, kMsPerUs);
    ts.arrival_delay_hours = distributionOfHistogram(type_delay, kHoursPerSecond);
    s.per_type.push_back(std::move(ts));
  }
}

}  // namespace

RunSummary summarizeRun(const std::vector<StepResult>& steps,
                        const std::vector<ReportedTransaction>& transactions,
                        const Currency& currency, const LoadStats* load) {
  RunSummary s;
  s.currency = currency;
  for (const StepResult& step : steps) {
    ++s.steps;
    if (step.passed) ++s.steps_passed;
    if (!step.passed && !step.skipped) ++s.steps_failed;
  }
  std::vector<double> latencies;
  std::vector<double> delays;
  struct PerType {
    std::size_t count = 0, approved = 0;
    std::vector<double> latencies, delays;
  };
  std::map<int, PerType> per_type;
  settlement::CashFlow cash;
  for (const ReportedTransaction& t : transactions) {
    const TransactionRecord& r = t.record;
    ++s.transactions;
    if (r.approved) ++s.approved;
    PerType& p = per_type[static_cast<int>(r.type)];
    ++p.count;
    if (r.approved) ++p.approved;
    if (r.auth_latency_ms) {
      latencies.push_back(*r.auth_latency_ms);
      p.latencies.push_back(*r.auth_latency_ms);
    }
    if (r.type != TransactionType::kReversal && r.reversal_sent) ++s.reversals_sent;
    if (arrivesForMerchant(r) && r.arrival_at && r.arrival_delay && r.net_amount) {
      const double hours = static_cast<double>(r.arrival_delay->count()) / 3.6e9;
      delays.push_back(hours);
      p.delays.push_back(hours);
      cash.add(r.arrival_at->date(), r.net_amount->minorUnits());
    }
    if (r.type == TransactionType::kRefund && r.approved && r.captured_at) {
      const std::optional<Date> day =
          r.settlement_date
              ? r.settlement_date
              : (r.arrival_at ? std::optional<Date>(r.arrival_at->date()) : std::nullopt);
      if (day) cash.add(*day, -r.amount.minorUnits());
    }
  }
  s.approval_rate = s.transactions == 0
                        ? 0.0
                        : static_cast<double>(s.approved) / static_cast<double>(s.transactions);
  if (load != nullptr && load->aggregated) {
    s.money_per_day = cash.perDay();
    std::map<int, std::pair<std::vector<double>, std::vector<double>>> listed;
    std::map<int, std::pair<std::size_t, std::size_t>> counts;
    for (auto& [type, p] : per_type) {
      listed[type] = {std::move(p.latencies), std::move(p.delays)};
      counts[type] = {p.count, p.approved};
    }
    foldLoad(s, *load, latencies, delays, listed, counts);
    return s;
  }
  s.latency_ms = settlement::distributionOf(latencies);
  s.arrival_delay_hours = settlement::distributionOf(delays);
  s.sla_share = settlement::shareWithin(delays, s.sla_hours);
  s.money_per_day = cash.perDay();
  for (auto& [type, p] : per_type) {
    TypeSummary ts;
    ts.type = std::string(acquirer::transactionTypeName(static_cast<TransactionType>(type)));
    ts.count = p.count;
    ts.approved = p.approved;
    ts.latency_ms = settlement::distributionOf(p.latencies);
    ts.arrival_delay_hours = settlement::distributionOf(p.delays);
    s.per_type.push_back(std::move(ts));
  }
  return s;
}

settlement::WhatIf whatIfOf(const Scenario& scenario,
                            const std::vector<ReportedTransaction>& transactions) {
  if (scenario.what_if.empty()) return {};
  std::vector<settlement::Capture> captures;
  for (const ReportedTransaction& t : transactions) {
    if (!arrivesForMerchant(t.record)) continue;
    captures.push_back({t.id, *t.record.captured_at, t.record.amount});
  }
  std::vector<settlement::NamedPolicy> policies;
  for (const WhatIfPolicy& p : scenario.what_if) policies.push_back({p.name, p.policy});
  return settlement::whatIf(captures, policies, scenario.calendar);
}

acquirer::EmbeddedConfig issuerConfigFor(const Scenario& scenario) {
  acquirer::EmbeddedConfig issuer = scenario.acquirer.issuer;
  const Currency currency = scenario.merchant.currency;
  std::int64_t default_balance = 10000;
  for (int i = 0; i < currency.exponent; ++i) default_balance *= 10;
  for (const ScenarioCard& c : scenario.cards) {
    acquirer::Account account;
    account.name = c.name;
    account.card = c.profile;
    if (!c.pin.empty()) account.card.offline_pin = c.pin;
    account.online_pin = c.pin;
    account.balance = c.balance.value_or(Money(default_balance, currency));
    account.status = c.status;
    issuer.accounts.push_back(std::move(account));
  }
  if (issuer.pin_key.empty()) issuer.pin_key = scenario.terminal.online_pin_key;
  issuer.hold_expiry = scenario.settlement.hold_expiry;
  issuer.completion_max_percent = scenario.acquirer.completion_max_percent;
  return issuer;
}

std::uint64_t hostRandomSeed(std::uint64_t run_seed) {
  return deriveSeed(run_seed, kHostStream);
}

}  // namespace posim::scenarios
