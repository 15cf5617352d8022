// posim's built-in test card profiles (issue 4): the C++ twins of examples/cards/*.yaml.
//
// All PANs are test PANs that pass the Luhn check. RSA keys are those of the own test chain
// tests/data/vectors/emv_oda_own_chain.json (CA 1408 -> issuer 1152 -> ICC 1024 bits, e = 3,
// CA index E1): a terminal verifies these cards with ownChainCapk(rid of the AID) in its CAPK
// store, i.e. the own CA key registered under A000000003, A000000004 and A000000333 (index E1)
// as well as under the test RID A000000999. Issuer master keys are those of
// tests/data/vectors/emv_arqc.json; offline PINs are "1234".
#pragma once

#include <string_view>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/base/status.h"
#include "posim/emv/card_profile.h"
#include "posim/emv/crypto/capk.h"

namespace posim::emv {

// The own chain's keys as a CardPki (CA, issuer, ICC private keys; index E1). Built once.
const CardPki& ownChainPki();

// The own chain's CA public key registered under `rid` (5 bytes) with index E1.
// Errors: InvalidArgument if the RID is not 5 bytes.
Result<crypto::CaPublicKey> ownChainCapk(ByteView rid);

// visa-credit: Visa credit A0000000031010, CVN 18, DDA, online PIN then signature (CVM list
// 4203 1E03 1F03), offline capable (LCOL 5, UCOL 10), qVSDC contactless with fDDA.
CardProfile visaCreditCard();
// visa-debit-sda: Visa debit A0000000032010, CVN 10, SDA, offline plaintext PIN (4103 ...).
CardProfile visaDebitSdaCard();
// mastercard-debit: Mastercard A0000000041010, CVN 16, CDA, offline enciphered PIN (4403 ...),
// format 2 responses, 91 in CDOL2.
CardProfile mastercardDebitCard();
// mastercard-credit-contactless: Mastercard A0000000041010, CVN 17, CDA, M/Chip-style
// contactless (kernel 2) with on-device CVM (AIP byte 1 b2).
CardProfile mastercardCreditContactlessCard();
// unionpay-debit: UnionPay A000000333010101, CVN 18-style (EMV CSK), DDA, online PIN, online
// only (LCOL 0), issuer authentication mandatory.
CardProfile unionpayDebitCard();
// amex-like-magstripe: magnetic stripe only (no chip), service code 101.
CardProfile amexLikeMagstripeCard();
// visa-dual-app: two Visa applications, credit (priority 2) and debit (priority 1), for
// application selection with priority.
CardProfile visaDualAppCard();

// Every test card above, in that order.
std::vector<CardProfile> testCardProfiles();
// The test card with this id. Errors: NotFound listing the ids.
Result<CardProfile> testCardProfile(std::string_view id);

}  // namespace posim::emv
