// The issuer's side of EMV online authentication (EMV Book 2 §8.1-8.2): verify the card's ARQC
// from the DE 55 data of an authorization request, and answer with the ARPC (tag 91) the card
// checks in EXTERNAL AUTHENTICATE or its second GENERATE AC.
//
// It holds the issuer master keys of the cards it issued (from their profiles). The embedded
// issuer of the acquirer layer builds its decisions on it; `posim emv run` uses
// ApprovingIssuer below until then.
#pragma once

#include <map>
#include <string>

#include "posim/base/bytes.h"
#include "posim/emv/card_profile.h"
#include "posim/emv/crypto/cryptogram.h"
#include "posim/emv/kernel.h"

namespace posim::emv {

struct ArqcCheck {
  bool verified = false;  // the ARQC matches the one computed from the IMK and the data
  std::string reason;     // why not, when not ("no keys for this card", "ARQC mismatch", ...)
  crypto::Cvn cvn = crypto::Cvn::kVisa18;
  Bytes arqc;      // 9F26 as received
  Bytes expected;  // the cryptogram computed from the data (empty if not computable)
  Bytes atc;       // 9F36
};

class IssuerAuthenticator {
 public:
  // Registers every application of a card (keys by PAN, PSN and AID).
  void addCard(const CardProfile& card);

  // Recomputes the cryptogram of the DE 55 data (9F02 9F03 9F1A 95 5F2A 9A 9C 9F37 82 9F36 9F10
  // 9F26 and 84/4F for the application) and compares it with 9F26.
  ArqcCheck verifyArqc(const std::string& pan, const std::string& psn, ByteView icc_data) const;

  // The tag 91 value for a verified ARQC and a response code ("00" -> ARC "3030"), by the
  // ARPC method and key of the card's CVN (method 1: ARPC ‖ ARC; method 2: ARPC ‖ CSU).
  // REQUIRES: check.verified.
  Result<Bytes> issuerAuthenticationData(const std::string& pan, const std::string& psn,
                                         ByteView icc_data, const ArqcCheck& check,
                                         const std::string& response_code) const;

 private:
  struct Keys {
    crypto::Cvn cvn = crypto::Cvn::kVisa18;
    Bytes imk_ac;
  };
  const Keys* findKeys(const std::string& pan, const std::string& psn, ByteView aid) const;

  // Key: PAN digits + "/" + PSN + "/" + AID hex.
  std::map<std::string, Keys> keys_;
};

// An issuer that approves every transaction whose ARQC verifies (response code 00, with an ARPC),
// and declines with 05 ("do not honour") when it does not. For `posim emv run` and kernel tests.
class ApprovingIssuer final : public OnlineAuthorizer {
 public:
  explicit ApprovingIssuer(const IssuerAuthenticator& authenticator)
      : authenticator_(authenticator) {}
  OnlineResponse authorize(const OnlineRequest& request) override;

  // The check of the last request, for reports and tests.
  const ArqcCheck& lastCheck() const { return last_check_; }

 private:
  const IssuerAuthenticator& authenticator_;
  ArqcCheck last_check_;
};

}  // namespace posim::emv
