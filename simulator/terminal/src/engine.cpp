#include "posim/terminal/engine.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "posim/base/bytes.h"
#include "posim/base/crash_point.h"
#include "posim/base/pan.h"
#include "posim/emv/kernel.h"
#include "posim/emv/tag_dictionary.h"
#include "posim/emv/tlv.h"
#include "posim/terminal/receipt.h"

namespace posim::terminal {

namespace {

__extension__ using Wide = __int128;  // amount x percentage without overflow

using acquirer::MessageKind;
using acquirer::Request;
using acquirer::Response;
using Kind = PendingMessage::Kind;
using State = PendingMessage::State;

// "online PIN" -> "online_pin", "no CVM" -> "no_cvm", "CDCVM" -> "cdcvm".
std::string cvmWord(std::string_view kernel_cvm) {
  std::string out;
  for (char c : kernel_cvm) {
    out += c == ' ' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string outcomeWord(emv::Outcome outcome) {
  std::string out;
  for (char c : emv::outcomeName(outcome)) out += c == ' ' ? '_' : c;
  return out;
}

std::string posEntryMode(emv::EntryMode entry, bool fallback, bool pin_capable) {
  std::string mode;
  if (fallback) {
    mode = "80";
  } else {
    switch (entry) {
      case emv::EntryMode::kContact: mode = "05"; break;
      case emv::EntryMode::kContactless: mode = "07"; break;
      case emv::EntryMode::kMagstripe: mode = "90"; break;
    }
  }
  return mode + (pin_capable ? "1" : "2");
}

// The MTI a request of this type travels as (ISO 8583:1987 generic mapping, DOMAIN.md §4.2).
std::string mtiOf(TransactionType type) {
  switch (type) {
    case TransactionType::kPreauth:
    case TransactionType::kBalance: return "0100";
    case TransactionType::kReversal:
    case TransactionType::kCancel: return "0400";
    case TransactionType::kSettle: return "0500";
    case TransactionType::kEcho: return "0800";
    default: return "0200";
  }
}

// What a request referring to `original` carries about it (DE 90, DE 37, DE 38). The
// transmission time is when its request left: card_done_at (the engine sends right after).
acquirer::OriginalData originalDataOf(const TransactionRecord& original) {
  acquirer::OriginalData data;
  data.type = original.type;
  data.mti = mtiOf(original.type);
  data.stan = original.stan;
  data.rrn = original.rrn;
  data.authorization_code = original.authorization_code;
  data.transmitted_at = original.card_done_at.value_or(original.started_at);
  data.amount = original.amount;
  return data;
}

// A chip reader without a chip in it: a magstripe transaction needs no Icc.
class NoChip final : public emv::Icc {
 public:
  Result<Bytes> powerOn(emv::CardInterface) override { return unavailable("no chip"); }
  Result<Bytes> transceive(ByteView) override { return unavailable("no chip"); }
  void powerOff() override {}
};

double millisecondsBetween(std::chrono::nanoseconds a, std::chrono::nanoseconds b) {
  return static_cast<double>((b - a).count()) / 1e6;
}

// Crash points (posim/base/crash_point.h): "engine.<transaction type>.<step>".
void crashAt(TransactionType type, std::string_view step) {
  crashPoint("engine", acquirer::transactionTypeName(type), step);
}

bool reversalAnswered(const std::string& code) {
  // CUP treats 00, 12 and 25 alike as "reversal complete" (DOMAIN.md §4.4); any other answer
  // still ends the repeats: the host has seen the reversal.
  return !code.empty();
}

}  // namespace

// The kernel's OnlineAuthorizer: turns its request into an acquirer request, arms the reversal
// in the journal, sends, and maps the answer back.
class Engine::OnlineBridge final : public emv::OnlineAuthorizer {
 public:
  OnlineBridge(Engine& engine, TransactionRecord& record) : engine_(engine), record_(record) {}

  emv::OnlineResponse authorize(const emv::OnlineRequest& online) override {
    emv::OnlineResponse out;
    out.kind = emv::OnlineResponse::Kind::kUnableToGoOnline;
    Engine& e = engine_;
    // The card and the cardholder have done their part.
    e.env_.clock->advance(readTime() +
                          (online.pin_block.empty() ? Duration(0) : e.config_.timing.pin_entry));
    record_.card_done_at = e.env_.clock->localNow();

    Request request = e.baseRequest(record_);
    request.pan = online.pan;
    request.pan_sequence_number = online.pan_sequence_number;
    request.track2 = online.track2;
    request.expiry_yymm = online.expiry_yymm;
    request.pos_entry_mode =
        posEntryMode(online.entry_mode, online.fallback, e.config_.terminal->pin_pad_present);
    request.pin_block = online.pin_block;
    request.icc_data = online.icc_data;
    request.amount = online.amount;
    request.other_amount = online.other_amount;
    record_.pan = online.pan;
    record_.masked_pan = online.pan.masked();
    record_.pan_sequence_number = online.pan_sequence_number;
    record_.expiry_yymm = online.expiry_yymm;

    status_ = e.sendWithReversal(record_, request, reversal_, response_);
    if (!status_.isOk()) return out;  // journal failure: the engine reports it
    if (!response_) return out;       // no valid answer: unable to go online
    const Response& r = *response_;
    out.kind =
        r.approved() ? emv::OnlineResponse::Kind::kApproved : emv::OnlineResponse::Kind::kDeclined;
    out.response_code = r.response_code;
    out.authorization_code = r.authorization_code;
    const emv::TlvDecodeResult tlv = emv::decodeTlv(r.icc_data);
    for (const emv::TlvNode& node : tlv.nodes) {
      if (node.tag == 0x91) {
        out.issuer_authentication_data.assign(node.value.begin(), node.value.end());
      } else if (node.tag == 0x71 || node.tag == 0x72) {
        const auto begin = r.icc_data.begin() + static_cast<std::ptrdiff_t>(node.offset);
        out.issuer_scripts.insert(
            out.issuer_scripts.end(), begin,
            begin + static_cast<std::ptrdiff_t>(node.header_length + node.value.size()));
      }
    }
    return out;
  }

  Duration readTime() const {
    const Timing& t = engine_.config_.timing;
    if (!record_.entry) return t.chip_read;
    switch (*record_.entry) {
      case emv::EntryMode::kContactless: return t.contactless_read;
      case emv::EntryMode::kMagstripe: return t.swipe_read;
      case emv::EntryMode::kContact: break;
    }
    return t.chip_read;
  }

  bool called() const { return record_.card_done_at.has_value(); }
  const Status& status() const { return status_; }
  const std::optional<Response>& response() const { return response_; }
  std::optional<PendingMessage>& reversal() { return reversal_; }

 private:
  Engine& engine_;
  TransactionRecord& record_;
  Status status_;
  std::optional<Response> response_;
  std::optional<PendingMessage> reversal_;
};

Engine::Engine(EngineConfig config, EngineEnvironment environment)
    : config_(std::move(config)), env_(environment) {}

Engine::~Engine() = default;

void Engine::show(std::string_view line1, std::string_view line2) {
  if (env_.devices.display != nullptr) env_.devices.display->show(line1, line2);
  std::string screen(line1);
  if (!line2.empty()) screen += " / " + std::string(line2);
  if (env_.events != nullptr) {
    env_.events->onEvent({TraceKind::kDisplay, env_.clock->now(), "terminal", screen, {}, {}});
  }
  screens_.push_back(std::move(screen));
}

void Engine::traceReceipt(const Receipt& receipt) {
  if (env_.events == nullptr) return;
  env_.events->onEvent(
      {TraceKind::kReceipt,
       env_.clock->now(),
       "printer",
       (receipt.copy == ReceiptCopy::kMerchant ? "merchant copy\n" : "customer copy\n") +
           receipt.text,
       {},
       {}});
}

void Engine::note(std::string summary) {
  if (env_.events != nullptr) {
    env_.events->onEvent(
        {TraceKind::kStateChange, env_.clock->now(), "terminal", std::move(summary), {}, {}});
  }
}

Request Engine::baseRequest(const TransactionRecord& record) const {
  Request r;
  r.type = record.type;
  r.stan = record.stan;
  r.transmitted_at = env_.clock->localNow();
  r.terminal_id = config_.terminal->terminal_id;
  r.merchant_id = config_.terminal->merchant_id;
  r.merchant_category_code = config_.terminal->merchant_category_code;
  r.batch_number = record.batch_number;
  r.pos_condition_code = record.type == TransactionType::kPreauth ? "06" : "00";
  r.amount = record.amount;
  r.pan = record.pan;
  r.pan_sequence_number = record.pan_sequence_number;
  r.expiry_yymm = record.expiry_yymm;
  return r;
}

// Arms a reversal (journal first), sends, handles the answer. `response` is empty when no valid
// answer came; the armed reversal then becomes pending, unless the request never left.
Status Engine::sendWithReversal(TransactionRecord& record, Request& request,
                                std::optional<PendingMessage>& reversal,
                                std::optional<Response>& response) {
  POSIM_RETURN_IF_ERROR(env_.journal->begin());
  POSIM_ASSIGN_OR_RETURN(record.stan, env_.journal->nextStan());
  request.stan = record.stan;
  request.transmitted_at = env_.clock->localNow();
  record.went_online = true;

  // A refund is reversible too: one the host approved while the terminal died before it had the
  // answer on record would otherwise stay in the host's batch and not in the terminal's.
  const bool reversible = record.type != TransactionType::kBalance &&
                          record.type != TransactionType::kEcho &&
                          record.type != TransactionType::kSettle;
  if (reversible) {
    PendingMessage armed;
    armed.kind = Kind::kReversal;
    armed.state = State::kArmed;
    armed.transaction_id = record.id;
    Request rev = request;
    rev.type = TransactionType::kReversal;
    rev.kind = MessageKind::kRequest;
    rev.pin_block.clear();
    POSIM_ASSIGN_OR_RETURN(rev.stan, env_.journal->nextStan());
    acquirer::OriginalData original;
    original.type = record.type;
    original.mti = mtiOf(record.type);
    original.stan = request.stan;
    original.transmitted_at = request.transmitted_at;
    original.amount = request.amount;
    if (request.original) {
      original.rrn = request.original->rrn;
      original.authorization_code = request.original->authorization_code;
    }
    rev.original = original;
    rev.reversal_reason = "98";
    armed.request = std::move(rev);
    POSIM_RETURN_IF_ERROR(env_.journal->addPending(armed));
    reversal = std::move(armed);
  }
  POSIM_RETURN_IF_ERROR(env_.journal->update(record));
  POSIM_RETURN_IF_ERROR(env_.journal->commit());
  // The STAN and the armed reversal are on record; nothing has left yet.
  crashAt(record.type, "request_journaled");

  note("send " + std::string(acquirer::transactionTypeName(request.type)) + " stan " +
       request.stan + " " + request.pan.masked());
  const auto before = env_.steady->elapsed();
  Result<Response> answer = env_.backend->send(request);
  const auto after = env_.steady->elapsed();
  record.auth_latency_ms = millisecondsBetween(before, after);
  // The host may have acted on the request; the journal does not know its answer.
  crashAt(record.type, "response_received");

  if (!answer.isOk()) {
    const Status& s = answer.status();
    record.reason = "no valid response: " + s.message();
    record.response_code.clear();
    if (s.code() == StatusCode::kDeadlineExceeded) env_.clock->advance(config_.timing.host_timeout);
    if (reversal) {
      // A request that never left (host down, connection refused) needs no reversal.
      const bool delivered = s.code() != StatusCode::kUnavailable;
      reversal->state = delivered ? State::kPending : State::kCancelled;
      reversal->request.reversal_reason = s.code() == StatusCode::kMalformed ? "96" : "98";
      record.reversal_pending = delivered;
      record.reversal_reason = delivered ? reversal->request.reversal_reason : "";
      POSIM_RETURN_IF_ERROR(env_.journal->begin());
      POSIM_RETURN_IF_ERROR(env_.journal->updatePending(*reversal));
      POSIM_RETURN_IF_ERROR(env_.journal->update(record));
      POSIM_RETURN_IF_ERROR(env_.journal->commit());
      crashAt(record.type, "no_response_journaled");
    }
    note("no valid response: " + s.toString());
    return Status::ok();
  }
  response = std::move(*answer);
  env_.clock->advance(response->host_time);
  record.authorized_at = env_.clock->localNow();
  record.response_code = response->response_code;
  record.authorization_code = response->authorization_code;
  record.rrn = response->rrn;
  if (reversal && reversal->request.original) {
    reversal->request.original->rrn = response->rrn;
    reversal->request.original->authorization_code = response->authorization_code;
  }
  note("response " + response->response_code + " for stan " + request.stan);
  return Status::ok();
}

Status Engine::resolveReversal(TransactionRecord& record, std::optional<PendingMessage>& reversal,
                               bool needed, std::string_view reason) {
  if (!reversal || reversal->state != State::kArmed) return Status::ok();
  reversal->state = needed ? State::kPending : State::kCancelled;
  if (needed) {
    reversal->request.reversal_reason = std::string(reason);
    record.reversal_pending = true;
    record.reversal_reason = std::string(reason);
  }
  // Written with the transaction's result, in finish(): until then the reversal stays armed, so
  // a process that dies before the result is on record reverses the request on restart.
  resolution_ = *reversal;
  return Status::ok();
}

Result<TransactionRecord> Engine::run(const TransactionRequest& request) {
  screens_.clear();
  receipts_.clear();
  resolution_.reset();
  original_update_.reset();
  if (config_.terminal == nullptr || env_.journal == nullptr || env_.backend == nullptr ||
      env_.clock == nullptr || env_.steady == nullptr || env_.random == nullptr) {
    return failedPrecondition(
        "engine: terminal profile, journal, backend, clocks and random "
        "are required");
  }
  POSIM_RETURN_IF_ERROR(loadHolds());
  POSIM_RETURN_IF_ERROR(releaseExpiredHolds());
  // Store and forward: what earlier transactions left goes first.
  if (request.type != TransactionType::kSettle) {
    POSIM_RETURN_IF_ERROR(sendPending(/*include_armed=*/true));
  }

  TransactionRecord record;
  record.label = request.label;
  record.type = request.type;
  record.card = request.card;
  record.started_at = env_.clock->localNow();
  record.amount = Money(0, config_.terminal->currency);
  record.refunded = Money(0, config_.terminal->currency);
  if (request.amount) {
    if (request.amount->currency() != config_.terminal->currency) {
      return invalidArgument("amount " + request.amount->toString() +
                             " is not in the terminal currency " +
                             std::string(config_.terminal->currency.alpha));
    }
    if (request.amount->isNegative()) {
      return invalidArgument("amount " + request.amount->toString() + " is negative");
    }
    record.amount = *request.amount;
  }
  record.original_id = request.original_id;
  POSIM_RETURN_IF_ERROR(env_.journal->begin());
  POSIM_ASSIGN_OR_RETURN(record.batch_number, env_.journal->batchNumber());
  POSIM_ASSIGN_OR_RETURN(record.invoice_number, env_.journal->nextInvoice());
  POSIM_RETURN_IF_ERROR(env_.journal->insert(record));
  POSIM_RETURN_IF_ERROR(env_.journal->commit());
  crashAt(record.type, "started");
  note(std::string(acquirer::transactionTypeName(record.type)) + " #" + std::to_string(record.id) +
       " started");

  Result<TransactionRecord> done = [&]() -> Result<TransactionRecord> {
    switch (request.type) {
      case TransactionType::kSale:
      case TransactionType::kPreauth:
      case TransactionType::kBalance:
        if (request.type != TransactionType::kBalance && !request.amount) {
          return invalidArgument(std::string(acquirer::transactionTypeName(request.type)) +
                                 " needs an amount");
        }
        return runCardTransaction(request, std::move(record));
      case TransactionType::kCompletion:
      case TransactionType::kCancel:
      case TransactionType::kRefund:
      case TransactionType::kReversal: return runReferenced(request, std::move(record));
      case TransactionType::kEcho: return runEcho(std::move(record));
      case TransactionType::kSettle: return runSettle(std::move(record));
    }
    return internalError("engine: unknown transaction type");
  }();
  if (done.isOk() && done->reversal_pending && config_.send_reversals_immediately) {
    // The first chance to send the reversal is right now.
    POSIM_RETURN_IF_ERROR(sendPending(/*include_armed=*/false));
    POSIM_ASSIGN_OR_RETURN(TransactionRecord after, env_.journal->find(done->id));
    after.display = std::move(done->display);
    after.receipts = std::move(done->receipts);
    return after;
  }
  return done;
}

Result<TransactionRecord> Engine::runCardTransaction(const TransactionRequest& request,
                                                     TransactionRecord record) {
  const emv::TerminalProfile& terminal = *config_.terminal;
  show(request.type == TransactionType::kBalance ? "BALANCE" : record.amount.toString(),
       cardPromptText(CardPrompt::kPresent));

  emv::TransactionInputs inputs;
  inputs.transaction_type =
      request.type == TransactionType::kBalance ? emv::kTxnBalanceInquiry : emv::kTxnPurchase;
  inputs.amount = record.amount;
  inputs.merchant_forced_online = request.force_online;
  inputs.sequence_counter = record.invoice_number;

  OnlineBridge bridge(*this, record);
  NoChip no_chip;
  emv::KernelEnvironment kenv;
  kenv.random = env_.random;
  kenv.events = env_.events;
  kenv.pin_entry = env_.devices.pin_pad;
  kenv.authorizer = &bridge;
  emv::Kernel kernel(terminal, kenv);

  CardPrompt prompt = CardPrompt::kPresent;
  bool fallback = false;
  emv::KernelResult result;
  bool have_result = false;
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::optional<PresentedCard> card;
    if (env_.devices.reader != nullptr) card = env_.devices.reader->waitForCard(prompt);
    if (!card) break;
    record.entry = card->entry;
    record.fallback = fallback;
    inputs.entry_mode = card->entry;
    inputs.track2 = card->track2;
    inputs.fallback = fallback && card->entry == emv::EntryMode::kMagstripe;
    inputs.at = env_.clock->localNow();
    show("PROCESSING", "PLEASE WAIT");
    result = kernel.run(card->icc != nullptr ? *card->icc : no_chip, inputs);
    have_result = true;
    POSIM_RETURN_IF_ERROR(bridge.status());
    if (result.outcome == emv::Outcome::kTryAnotherInterface ||
        result.outcome == emv::Outcome::kUseChipReader) {
      prompt = CardPrompt::kInsert;
      show(cardPromptText(prompt));
      continue;
    }
    if (result.outcome == emv::Outcome::kFallbackToMagstripe) {
      prompt = CardPrompt::kSwipe;
      fallback = true;
      show(cardPromptText(prompt));
      continue;
    }
    break;
  }

  if (!have_result) {
    record.outcome = "no_card";
    record.reason = "no card was presented";
    show("NO CARD", "TRANSACTION CANCELLED");
    return finish(record);
  }
  if (!bridge.called()) {
    env_.clock->advance(bridge.readTime());
    record.card_done_at = env_.clock->localNow();
  }
  env_.clock->advance(config_.timing.completion);

  // The card has given its final answer (second GENERATE AC); the journal does not have it yet.
  crashAt(record.type, "card_done");

  // What the card said.
  record.outcome = outcomeWord(result.outcome);
  if (record.reason.empty() || result.outcome != emv::Outcome::kApprovedOffline) {
    record.reason = result.reason;
  }
  if (record.masked_pan.empty()) record.masked_pan = result.masked_pan;
  if (record.pan.empty()) {
    const Bytes pan = result.find(emv::kTag5AApplicationPan);
    if (!pan.empty()) {
      std::string digits = toHex(pan);
      while (!digits.empty() && (digits.back() == 'F' || digits.back() == 'f')) digits.pop_back();
      record.pan = Pan(digits);
      record.masked_pan = maskPan(digits);
    }
  }
  record.cvm = cvmWord(result.cvm);
  record.signature_required = result.signature_required;
  if (result.entry_mode != emv::EntryMode::kMagstripe) {
    record.tvr = toHex(result.tvr.bytes());
    record.tsi = toHex(result.tsi.bytes());
  }
  record.aid = toHex(result.aid);
  record.application_label = result.application_label;
  if (result.cryptogram_type) {
    record.cryptogram = std::string(emv::cryptogramTypeName(*result.cryptogram_type));
  }
  record.cryptogram_hex = toHex(result.cryptogram);
  record.atc = toHex(result.atc);
  record.entry = result.entry_mode;
  record.fallback = result.fallback;

  const bool host_approved = bridge.response() && bridge.response()->approved();
  record.approved = emv::isApproved(result.outcome);
  if (request.type == TransactionType::kBalance) {
    record.approved = host_approved;
    if (bridge.response()) {
      record.available_balance = bridge.response()->available_balance;
      record.ledger_balance = bridge.response()->ledger_balance;
    }
  }
  // The card declined after the host approved: reverse (DOMAIN.md §4.4).
  const bool card_declined_after_approval =
      host_approved && !record.approved && request.type != TransactionType::kBalance;
  if (bridge.reversal() && bridge.reversal()->state == State::kArmed) {
    POSIM_RETURN_IF_ERROR(
        resolveReversal(record, bridge.reversal(), card_declined_after_approval, "06"));
  }
  if (card_declined_after_approval) {
    record.reason = "the card declined after the host approved: " + result.reason;
  }

  if (record.approved && result.outcome == emv::Outcome::kApprovedOffline) {
    record.offline_approved = true;
    record.authorized_at = env_.clock->localNow();
    record.response_code = result.authorisation_response_code;  // Y1 / Y3
    // Queue the advice: the host learns of it at the next online contact or settle.
    PendingMessage advice;
    advice.kind = Kind::kAdvice;
    advice.state = State::kPending;
    advice.transaction_id = record.id;
    Request r = baseRequest(record);
    r.kind = MessageKind::kAdvice;
    r.icc_data = result.icc_data;
    r.pos_entry_mode =
        posEntryMode(result.entry_mode, result.fallback, config_.terminal->pin_pad_present);
    r.offline_authorization_code = result.authorisation_response_code;
    POSIM_RETURN_IF_ERROR(env_.journal->begin());
    POSIM_ASSIGN_OR_RETURN(r.stan, env_.journal->nextStan());
    record.stan = r.stan;
    advice.request = std::move(r);
    POSIM_RETURN_IF_ERROR(env_.journal->addPending(advice));
    POSIM_RETURN_IF_ERROR(env_.journal->update(record));
    POSIM_RETURN_IF_ERROR(env_.journal->commit());
    crashAt(record.type, "advice_queued");
  } else if (record.approved) {
    if (!record.authorized_at) record.authorized_at = env_.clock->localNow();
    if (record.type == TransactionType::kSale) {
      record.captured_at = record.authorized_at;
      POSIM_RETURN_IF_ERROR(applySettlement(record));
    } else if (record.type == TransactionType::kPreauth) {
      record.hold_placed_at = record.authorized_at;
      holds_[record.id] = settlement::holdExpiry(config_.settlement, *record.hold_placed_at);
    }
  }
  if (env_.devices.reader != nullptr) env_.devices.reader->removeCard();
  return finish(record);
}

Result<TransactionRecord> Engine::refuse(TransactionRecord record, std::string reason) {
  record.approved = false;
  record.outcome = "refused";
  record.reason = std::move(reason);
  show("NOT ALLOWED", record.reason);
  return finish(record);
}

Result<TransactionRecord> Engine::runReferenced(const TransactionRequest& request,
                                                TransactionRecord record) {
  if (!request.original_id) {
    return invalidArgument(std::string(acquirer::transactionTypeName(request.type)) +
                           " needs the original transaction");
  }
  Result<TransactionRecord> found = env_.journal->find(*request.original_id);
  if (!found.isOk()) {
    return invalidArgument("no original transaction #" + std::to_string(*request.original_id) +
                           " in the journal");
  }
  TransactionRecord original = std::move(*found);
  env_.clock->advance(config_.timing.referenced_entry);
  record.card = original.card;
  record.pan = original.pan;
  record.masked_pan = original.masked_pan;
  record.pan_sequence_number = original.pan_sequence_number;
  record.expiry_yymm = original.expiry_yymm;
  record.entry = original.entry;
  record.aid = original.aid;
  record.application_label = original.application_label;
  record.card_done_at = env_.clock->localNow();
  const std::string original_name = std::string(acquirer::transactionTypeName(original.type)) +
                                    " #" + std::to_string(original.id);
  const Instant now = env_.clock->now();

  if (!original.approved)
    return refuse(std::move(record), "the " + original_name + " was not approved");
  if (original.voided || original.reversed) {
    return refuse(std::move(record), "the " + original_name + " was already cancelled or reversed");
  }

  switch (request.type) {
    case TransactionType::kCompletion: {
      if (original.type != TransactionType::kPreauth) {
        return refuse(std::move(record), "a completion needs a pre-auth, not a " + original_name);
      }
      if (original.completed)
        return refuse(std::move(record), "the pre-auth was already completed");
      if (original.hold_released_at && original.hold_released_at->instant <= now) {
        return refuse(std::move(record),
                      "the pre-auth's hold was released (" + original.hold_release_reason + ")");
      }
      if (original.hold_placed_at &&
          settlement::holdExpiry(config_.settlement, *original.hold_placed_at).instant <= now) {
        return refuse(std::move(record), "the pre-auth's hold has expired");
      }
      if (!request.amount) record.amount = original.amount;
      const Wide limit =
          static_cast<Wide>(original.amount.minorUnits()) * config_.completion_max_percent;
      if (static_cast<Wide>(record.amount.minorUnits()) * 100 > limit) {
        return refuse(std::move(record),
                      "the completion of " + record.amount.toString() + " exceeds " +
                          std::to_string(config_.completion_max_percent) + "% of the pre-auth (" +
                          original.amount.toString() + ")");
      }
      break;
    }
    case TransactionType::kCancel: {
      if (original.type != TransactionType::kSale && original.type != TransactionType::kPreauth &&
          original.type != TransactionType::kCompletion) {
        return refuse(std::move(record), "only a sale, pre-auth or completion can be cancelled");
      }
      if (request.amount && *request.amount != original.amount) {
        return refuse(std::move(record),
                      "a cancel is for the full amount (" + original.amount.toString() + ")");
      }
      record.amount = original.amount;
      if (original.type != TransactionType::kPreauth) {
        POSIM_ASSIGN_OR_RETURN(std::uint32_t batch, env_.journal->batchNumber());
        if (original.batch_number != batch) {
          return refuse(std::move(record),
                        "the " + original_name + " is not in the open batch: refund it instead");
        }
        if (!original.refunded.isZero()) {
          return refuse(std::move(record), "the " + original_name + " was partly refunded");
        }
      } else if (original.completed) {
        return refuse(std::move(record), "the pre-auth was completed: cancel the completion");
      } else if (original.hold_released_at && original.hold_released_at->instant <= now) {
        return refuse(std::move(record), "the pre-auth's hold was already released");
      }
      break;
    }
    case TransactionType::kRefund: {
      if (original.type != TransactionType::kSale &&
          original.type != TransactionType::kCompletion) {
        return refuse(std::move(record), "only a sale or completion can be refunded");
      }
      const Money remaining = original.amount - original.refunded;
      if (!request.amount) record.amount = remaining;
      if (record.amount.isZero()) return refuse(std::move(record), "a refund needs an amount");
      if (record.amount > remaining) {
        return refuse(std::move(record), "the refund of " + record.amount.toString() +
                                             " exceeds what is left to refund (" +
                                             remaining.toString() + ")");
      }
      break;
    }
    case TransactionType::kReversal: record.amount = original.amount; break;
    default: return internalError("engine: not a referenced type");
  }

  if (request.type == TransactionType::kReversal) {
    // A technical reversal goes through the store-and-forward queue like any other.
    PendingMessage reversal;
    reversal.kind = Kind::kReversal;
    reversal.state = State::kPending;
    reversal.transaction_id = original.id;
    Request r = baseRequest(original);
    r.type = TransactionType::kReversal;
    POSIM_ASSIGN_OR_RETURN(r.stan, env_.journal->nextStan());
    record.stan = r.stan;
    r.transmitted_at = env_.clock->localNow();
    r.batch_number = record.batch_number;
    r.original = originalDataOf(original);
    if (!original.went_online || !original.card_done_at) {
      r.original->transmitted_at = original.authorized_at.value_or(original.started_at);
    }
    r.reversal_reason = request.reversal_reason;
    reversal.request = std::move(r);
    original.reversal_pending = true;
    original.reversal_reason = request.reversal_reason;
    POSIM_RETURN_IF_ERROR(env_.journal->begin());
    POSIM_RETURN_IF_ERROR(env_.journal->addPending(reversal));
    POSIM_RETURN_IF_ERROR(env_.journal->update(original));
    POSIM_RETURN_IF_ERROR(env_.journal->update(record));
    POSIM_RETURN_IF_ERROR(env_.journal->commit());
    crashAt(record.type, "queued");
    POSIM_RETURN_IF_ERROR(sendPending(false));
    POSIM_ASSIGN_OR_RETURN(TransactionRecord after, env_.journal->find(original.id));
    record.approved = after.reversed;
    record.outcome = after.reversed ? "reversed" : "reversal_pending";
    record.reason = after.reversed ? "the host confirmed the reversal"
                                   : "the reversal is queued until the host answers";
    record.reversal_sent = after.reversal_sent;
    POSIM_ASSIGN_OR_RETURN(std::vector<PendingMessage> all, env_.journal->allPending());
    for (const PendingMessage& m : all) {
      if (m.id == reversal.id) record.response_code = m.response_code;
    }
    record.authorized_at = env_.clock->localNow();
    return finish(record);
  }

  Request r = baseRequest(record);
  r.original = originalDataOf(original);
  r.pos_entry_mode = "012";  // keyed from the journal, PIN capable
  if (request.type == TransactionType::kCompletion) r.pos_condition_code = "06";

  std::optional<PendingMessage> reversal;
  std::optional<Response> response;
  show("PROCESSING", "PLEASE WAIT");
  POSIM_RETURN_IF_ERROR(sendWithReversal(record, r, reversal, response));
  // The request's transmission time is what the host matches a later reversal by.
  record.card_done_at = r.transmitted_at;
  if (!response) {
    record.outcome = "no_response";
    return finish(record);
  }
  record.approved = response->approved();
  record.outcome = record.approved ? "approved_online" : "declined_online";
  record.reason = response->message.empty()
                      ? std::string(acquirer::responseCodeMeaning(response->response_code))
                      : response->message;
  POSIM_RETURN_IF_ERROR(resolveReversal(record, reversal, false, ""));
  if (!record.approved) return finish(record);

  const LocalDateTime at = *record.authorized_at;
  switch (request.type) {
    case TransactionType::kCompletion:
      original.completed = true;
      original.hold_released_at = at;
      original.hold_release_reason = "completion";
      holds_.erase(original.id);
      record.captured_at = at;
      POSIM_RETURN_IF_ERROR(applySettlement(record));
      break;
    case TransactionType::kCancel:
      original.voided = true;
      if (original.type == TransactionType::kPreauth) {
        original.hold_released_at = at;
        original.hold_release_reason = "cancel";
        holds_.erase(original.id);
      } else {
        // Void before settlement: the original no longer arrives.
        clearSettlement(original);
      }
      break;
    case TransactionType::kRefund:
      original.refunded = original.refunded + record.amount;
      record.captured_at = at;
      POSIM_RETURN_IF_ERROR(applySettlement(record));
      break;
    default: break;
  }
  original_update_ = std::move(original);  // committed with the record, in finish()
  return finish(record);
}

Result<TransactionRecord> Engine::runEcho(TransactionRecord record) {
  Request r = baseRequest(record);
  std::optional<PendingMessage> no_reversal;
  std::optional<Response> response;
  POSIM_RETURN_IF_ERROR(sendWithReversal(record, r, no_reversal, response));
  record.approved = response && response->approved();
  record.outcome =
      response ? (record.approved ? "approved_online" : "declined_online") : "no_response";
  return finish(record);
}

Result<TransactionRecord> Engine::runSettle(TransactionRecord record) {
  show("SETTLEMENT", "PLEASE WAIT");
  // Everything the host has not seen goes first, so that the totals agree.
  POSIM_RETURN_IF_ERROR(sendPending(/*include_armed=*/true));
  POSIM_ASSIGN_OR_RETURN(std::vector<PendingMessage> left, env_.journal->pending());
  POSIM_ASSIGN_OR_RETURN(acquirer::BatchTotals totals, openBatchTotals());
  record.batch_totals = totals;
  crashAt(record.type, "totals_computed");
  if (!left.empty()) {
    record.outcome = "refused";
    record.reason =
        std::to_string(left.size()) + " queued message(s) could not be sent: the batch stays open";
    return finish(record);
  }
  Request r = baseRequest(record);
  r.totals = totals;
  r.amount = Money(totals.debit_amount - totals.credit_amount, config_.terminal->currency);
  std::optional<PendingMessage> no_reversal;
  std::optional<Response> response;
  POSIM_RETURN_IF_ERROR(sendWithReversal(record, r, no_reversal, response));
  if (!response) {
    record.outcome = "no_response";
    return finish(record);
  }
  record.approved = response->approved() || response->response_code == "95";
  record.batch_balanced = response->batch_balanced.value_or(response->approved());
  record.outcome = *record.batch_balanced ? "balanced" : "out_of_balance";
  record.reason = *record.batch_balanced ? "the host's totals agree"
                                         : "the host's totals differ from the terminal's";
  if (record.approved) {
    crashAt(record.type, "host_accepted");
    POSIM_ASSIGN_OR_RETURN(std::uint32_t next, env_.journal->closeBatch());
    crashAt(record.type, "batch_closed");
    note("batch " + std::to_string(record.batch_number) + " closed; batch " + std::to_string(next) +
         " open");
  }
  return finish(record);
}

Result<acquirer::BatchTotals> Engine::openBatchTotals() const {
  POSIM_ASSIGN_OR_RETURN(std::uint32_t batch, env_.journal->batchNumber());
  POSIM_ASSIGN_OR_RETURN(std::vector<TransactionRecord> records,
                         env_.journal->batchTransactions(batch));
  acquirer::BatchTotals totals;
  for (const TransactionRecord& r : records) {
    if (!r.approved || r.reversed) continue;
    switch (r.type) {
      case TransactionType::kSale:
      case TransactionType::kCompletion:
        if (r.voided) break;
        ++totals.debit_count;
        totals.debit_amount += r.amount.minorUnits();
        break;
      case TransactionType::kRefund:
        ++totals.credit_count;
        totals.credit_amount += r.amount.minorUnits();
        break;
      case TransactionType::kCancel:
        ++totals.cancel_count;
        totals.cancel_amount += r.amount.minorUnits();
        break;
      default: break;
    }
  }
  return totals;
}

Result<int> Engine::recover() {
  POSIM_RETURN_IF_ERROR(loadHolds());
  POSIM_ASSIGN_OR_RETURN(std::vector<PendingMessage> before, env_.journal->pending(true));
  POSIM_RETURN_IF_ERROR(sendPending(/*include_armed=*/true));
  POSIM_ASSIGN_OR_RETURN(std::vector<PendingMessage> after, env_.journal->pending(true));
  return static_cast<int>(before.size() - after.size());
}

Status Engine::sendPending(bool include_armed) {
  // Most transactions find the queue empty: ask before reading it.
  POSIM_ASSIGN_OR_RETURN(bool queued, env_.journal->hasPending(include_armed));
  if (!queued) return Status::ok();
  POSIM_ASSIGN_OR_RETURN(std::vector<PendingMessage> queue, env_.journal->pending(include_armed));
  if (queue.empty()) return Status::ok();
  // Reversals before advices (DOMAIN.md §4.4), each kind oldest first.
  std::stable_sort(queue.begin(), queue.end(),
                   [](const PendingMessage& a, const PendingMessage& b) {
                     return a.kind == Kind::kReversal && b.kind == Kind::kAdvice;
                   });
  for (PendingMessage& message : queue) {
    if (message.state == State::kArmed) {
      // Armed by a process that never handled its response: the request may have reached the
      // host, so the reversal is due.
      message.state = State::kPending;
      POSIM_RETURN_IF_ERROR(env_.journal->updatePending(message));
    }
    bool answered = false;
    for (int tries = 0; tries < config_.reversal_max_attempts && !answered; ++tries) {
      Request request = message.request;
      request.repeat = message.attempts > 0;
      request.transmitted_at = env_.clock->localNow();
      ++message.attempts;
      // The attempt is on record before it leaves.
      POSIM_RETURN_IF_ERROR(env_.journal->updatePending(message));
      crashPoint("engine", pendingKindName(message.kind), "attempt_journaled");
      note(std::string(pendingKindName(message.kind)) + (request.repeat ? " repeat" : "") +
           " stan " + request.stan + " for #" + std::to_string(message.transaction_id));
      Result<Response> answer = env_.backend->send(request);
      if (!answer.isOk()) {
        if (answer.status().code() == StatusCode::kDeadlineExceeded) {
          env_.clock->advance(config_.timing.host_timeout);
        }
        if (answer.status().code() == StatusCode::kUnavailable) break;  // host down: later
        continue;
      }
      crashPoint("engine", pendingKindName(message.kind), "answered");
      env_.clock->advance(answer->host_time);
      answered = reversalAnswered(answer->response_code);
      message.response_code = answer->response_code;
    }
    if (!answered) {
      POSIM_RETURN_IF_ERROR(env_.journal->updatePending(message));
      return Status::ok();  // the host is not answering: keep the rest for the next chance
    }
    message.state = State::kDone;
    POSIM_ASSIGN_OR_RETURN(TransactionRecord target, env_.journal->find(message.transaction_id));
    if (message.kind == Kind::kReversal && target.offline_approved) {
      // The online request was reversed, but the card approved offline afterwards (Y3): the
      // transaction stands, and its advice tells the host.
      target.reversal_pending = false;
      target.reversal_sent = true;
    } else if (message.kind == Kind::kReversal) {
      target.reversal_pending = false;
      target.reversal_sent = true;
      target.reversed = true;
      clearSettlement(target);
      if (target.type == TransactionType::kPreauth && !target.hold_released_at &&
          target.hold_placed_at) {
        target.hold_released_at = env_.clock->localNow();
        target.hold_release_reason = "reversal";
        holds_.erase(target.id);
      }
    } else {
      target.advice_sent = true;
      if (!target.reversed && !target.voided && target.approved) {
        if (target.type == TransactionType::kPreauth) {
          if (!target.hold_placed_at) target.hold_placed_at = target.authorized_at;
        } else {
          // Offline approvals are captured when the host learns of them (DESIGN.md §5).
          target.captured_at = env_.clock->localNow();
          POSIM_RETURN_IF_ERROR(applySettlement(target));
        }
      }
    }
    POSIM_RETURN_IF_ERROR(env_.journal->begin());
    POSIM_RETURN_IF_ERROR(env_.journal->updatePending(message));
    POSIM_RETURN_IF_ERROR(env_.journal->update(target));
    POSIM_RETURN_IF_ERROR(env_.journal->commit());
    crashPoint("engine", pendingKindName(message.kind), "done");
  }
  return Status::ok();
}

void Engine::clearSettlement(TransactionRecord& record) {
  record.clearing_date.reset();
  record.settlement_date.reset();
  record.arrival_at.reset();
  record.arrival_delay.reset();
  record.fee.reset();
  record.net_amount.reset();
  record.in_review = false;
}

Status Engine::applySettlement(TransactionRecord& record) {
  if (!record.captured_at) return Status::ok();
  settlement::Arrival arrival;
  if (record.type == TransactionType::kRefund) {
    arrival = settlement::computeRefundCredit(config_.settlement, config_.calendar,
                                              *record.captured_at, record.amount);
  } else {
    arrival = settlement::computeArrival(config_.settlement, config_.calendar, *record.captured_at,
                                         record.amount);
  }
  record.clearing_date = arrival.clearing_date;
  record.settlement_date = arrival.settlement_date;
  record.arrival_at = arrival.arrival_at;
  record.arrival_delay = arrival.delay;
  record.fee = arrival.fee;
  record.net_amount = arrival.net_amount;
  record.in_review = arrival.in_review;
  return Status::ok();
}

Status Engine::loadHolds() {
  if (holds_loaded_) return Status::ok();
  POSIM_ASSIGN_OR_RETURN(std::vector<TransactionRecord> records, env_.journal->transactions());
  for (TransactionRecord& r : records) {
    if (r.outcome.empty()) {
      // Started by a process that died before its result was on record: it did not happen. A
      // request it may have sent is undone by the reversal it armed (sendPending).
      r.approved = false;
      r.outcome = "interrupted";
      r.reason = "the terminal stopped before the transaction finished";
      POSIM_RETURN_IF_ERROR(env_.journal->update(r));
      continue;
    }
    if (r.type == TransactionType::kPreauth && r.approved && r.hold_placed_at &&
        !r.hold_released_at && !r.voided && !r.reversed && !r.completed) {
      holds_[r.id] = settlement::holdExpiry(config_.settlement, *r.hold_placed_at);
    }
  }
  holds_loaded_ = true;
  return Status::ok();
}

Status Engine::releaseExpiredHolds() {
  const Instant now = env_.clock->now();
  for (auto it = holds_.begin(); it != holds_.end();) {
    if (it->second.instant > now) {
      ++it;
      continue;
    }
    POSIM_ASSIGN_OR_RETURN(TransactionRecord record, env_.journal->find(it->first));
    record.hold_released_at = it->second;
    record.hold_release_reason = "expiry";
    POSIM_RETURN_IF_ERROR(env_.journal->update(record));
    note("hold of #" + std::to_string(record.id) + " expired");
    it = holds_.erase(it);
  }
  return Status::ok();
}

Result<TransactionRecord> Engine::finish(TransactionRecord& record) {
  const bool card_transaction =
      record.type == TransactionType::kSale || record.type == TransactionType::kPreauth ||
      record.type == TransactionType::kCompletion || record.type == TransactionType::kCancel ||
      record.type == TransactionType::kRefund;
  // The result, the reversal's resolution and the original's new state: one commit, before the
  // display or a receipt tells anyone. A terminal killed after telling "APPROVED" would
  // otherwise reverse, on restart, a sale the customer holds a receipt for.
  POSIM_RETURN_IF_ERROR(env_.journal->begin());
  if (resolution_) {
    POSIM_RETURN_IF_ERROR(env_.journal->updatePending(*resolution_));
    resolution_.reset();
  }
  if (original_update_) {
    POSIM_RETURN_IF_ERROR(env_.journal->update(*original_update_));
    original_update_.reset();
  }
  POSIM_RETURN_IF_ERROR(env_.journal->update(record));
  POSIM_RETURN_IF_ERROR(env_.journal->commit());
  crashAt(record.type, "result_journaled");
  if (record.approved) {
    show("APPROVED", record.authorization_code.empty()
                         ? std::string_view()
                         : std::string_view(record.authorization_code));
  } else if (record.outcome != "refused") {
    show("DECLINED", record.response_code);
  }
  if (config_.print_receipts && env_.devices.printer != nullptr) {
    if (card_transaction && record.outcome != "refused" && record.outcome != "no_card") {
      for (ReceiptCopy copy : {ReceiptCopy::kMerchant, ReceiptCopy::kCustomer}) {
        Receipt receipt = formatReceipt(record, *config_.terminal, copy);
        env_.devices.printer->print(receipt);
        traceReceipt(receipt);
        receipts_.push_back(receipt.text);
      }
      env_.clock->advance(config_.timing.print);
    } else if (record.type == TransactionType::kSettle && record.batch_totals) {
      Receipt receipt = formatSettlementReport(record, *config_.terminal);
      env_.devices.printer->print(receipt);
      traceReceipt(receipt);
      receipts_.push_back(receipt.text);
    }
  }
  crashAt(record.type, "receipt_printed");
  note(std::string(acquirer::transactionTypeName(record.type)) + " #" + std::to_string(record.id) +
       " " + record.outcome + (record.response_code.empty() ? "" : " " + record.response_code));
  record.display = screens_;
  record.receipts = receipts_;
  return record;
}

Result<std::vector<TransactionRecord>> Engine::records() const {
  return env_.journal->transactions();
}

Result<TransactionRecord> Engine::record(std::int64_t id) const {
  return env_.journal->find(id);
}

}  // namespace posim::terminal
