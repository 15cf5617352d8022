#include "posim/emv/scripted_card.h"

#include <algorithm>
#include <utility>

namespace posim::emv {

ScriptedCard ScriptedCard::fromHex(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::vector<ScriptedExchange> exchanges;
  exchanges.reserve(pairs.size());
  for (const auto& [command, response] : pairs) {
    exchanges.push_back({hexBytes(command), hexBytes(response), {}});
  }
  return ScriptedCard(std::move(exchanges));
}

void ScriptedCard::add(ByteView command, ByteView response, std::string note) {
  exchanges_.push_back({Bytes(command.begin(), command.end()),
                        Bytes(response.begin(), response.end()), std::move(note)});
}

Result<Bytes> ScriptedCard::powerOn(CardInterface /*interface*/) {
  powered_ = true;
  return atr_;
}

Result<Bytes> ScriptedCard::transceive(ByteView command) {
  if (position_ >= exchanges_.size()) {
    Status status =
        failedPrecondition("scripted card: step " + std::to_string(position_ + 1) +
                           ": no more recorded exchanges, but the terminal sent " + toHex(command));
    if (error_.isOk()) error_ = status;
    return status;
  }
  const ScriptedExchange& expected = exchanges_[position_];
  if (!std::equal(expected.command.begin(), expected.command.end(), command.begin(),
                  command.end())) {
    Status status = invalidArgument(
        "scripted card: step " + std::to_string(position_ + 1) +
        (expected.note.empty() ? std::string() : " (" + expected.note + ")") + ": expected " +
        toHex(expected.command) + ", the terminal sent " + toHex(command));
    if (error_.isOk()) error_ = status;
    return status;
  }
  ++position_;
  return expected.response;
}

}  // namespace posim::emv
