#include "commands.h"

#include <array>
#include <cstdlib>

namespace posim::cli {
namespace {

// Every command of posim, in the order `posim help` shows them.
constexpr std::array kCommands = {
    Command{"run",
            "posim run SCENARIO... [--report F.json] [--junit F.xml] [--csv F.csv] [--trace F] "
            "[--seed N] [--backend embedded|iso8583://HOST:PORT?dialect=..&framing=..] "
            "[--shard K/N] [--journal F] [--pcap F] [--reader CARD=READER]... [--quiet]",
            "run scenarios (files or directories), check their expectations, write reports",
            &runRun},
    Command{"validate", "posim validate SCENARIO...",
            "check scenario files without running them; every problem with file:line:column",
            &runValidate},
    Command{"cards", "posim cards [--json]", "list the example card profiles (examples/cards/)",
            &runCards},
    Command{"terminals", "posim terminals [--json]",
            "list the example terminal profiles (examples/terminals/)", &runTerminals},
    Command{"calendars", "posim calendars [--json]",
            "list the business calendars (examples/calendars/)", &runCalendars},
    Command{"host",
            "posim host [--listen 127.0.0.1:8583] [--dialect NAME|FILE] [--framing NAME] "
            "[--config F] [--seed N] [--mac-key HEX|--mac-key-file F] [--tls-cert F --tls-key F] "
            "[--fault SPEC]... [--pcap F] [--quiet]",
            "serve the embedded acquirer over ISO 8583 TCP until SIGINT/SIGTERM (exit 4 when it "
            "cannot listen)",
            &runHost},
    Command{"dialects", "posim dialects [--json]",
            "list the built-in ISO 8583 dialects (id, flavour, description)", &runDialects},
    Command{"iso8583 decode",
            "posim iso8583 decode --dialect NAME|FILE [--framing binary2|ascii4|bcd2|none] "
            "[--json] HEX|-",
            "decode an ISO 8583 message field by field (exit 3 with byte offsets when malformed)",
            &runIso8583Decode},
    Command{"iso8583 encode",
            "posim iso8583 encode --dialect NAME|FILE [--framing binary2|ascii4|bcd2|none] "
            "[JSON|-]",
            "encode {\"mti\", \"fields\"} JSON (b fields as hex) into an ISO 8583 message in hex",
            &runIso8583Encode},
    Command{"bench", "posim bench [--long] [--json] [--only NAME,...] [--quiet]",
            "measure the DESIGN.md §10 figures next to their targets and this machine's limits",
            &runBench},
    Command{"load",
            "posim load [SCENARIO] [--backend ID|URL] [--terminals N] [--rate R | --closed "
            "[--think-time D]] [--ramp-up D] [--duration D | --count N] [--report F.json]",
            "run a load on the wall clock with live progress: throughput, errors, latency "
            "percentiles",
            &runLoad},
    Command{"report merge", "posim report merge F.json... [-o OUT]",
            "join the JSON reports of CI shards into one suite report", &runReportMerge},
    Command{"emv decode", "posim emv decode HEX|- [--json] [--response] [--scheme NAME]",
            "decode EMV BER-TLV data into named, decoded tags (- reads stdin)", &runEmvDecode},
    Command{"emv run",
            "posim emv run --card NAME --amount 12.34 [--terminal NAME] [--entry "
            "chip|contactless|swipe] "
            "[--pin DIGITS] [--at TIME] [--seed N] [--fault SPEC] [--trace] [--json] "
            "[--reader NAME|list [--wait SECONDS]]",
            "one transaction between a virtual card (or a PC/SC reader's card) and the terminal "
            "kernel (exit 0 approved or declined, 3 bad profile, 4 card failure, no card, pcscd "
            "down)",
            &runEmvRun},
    Command{"readers", "posim readers [--json]",
            "list the PC/SC readers pcscd sees, with the ATR of the card in each (exit 4 when "
            "pcscd is not running)",
            &runReaders},
    Command{"card serve",
            "posim card serve --card NAME [--vpcd HOST:PORT] [--state F] [--fresh] [--seed N] "
            "[--contactless] [--fault removed:COMMAND] [--trace]",
            "serve a virtual card to PC/SC applications through vsmartcard's vpcd reader until "
            "SIGINT/SIGTERM; its state persists in --state",
            &runCardServe},
    Command{"crypto kcv", "posim crypto kcv --key HEX [--json]",
            "key check value of a DES/TDES key (leftmost 3 bytes of E(key, 00..00))",
            &runCryptoKcv},
    Command{"crypto mac", "posim crypto mac --alg 1|3 --padding 1|2 --key HEX --data HEX [--json]",
            "ISO 9797-1 MAC algorithm 1 or 3 with padding method 1 or 2", &runCryptoMac},
    Command{"crypto derive-mk", "posim crypto derive-mk --imk HEX --pan DIGITS --psn NN [--json]",
            "ICC master key from an issuer master key (EMV Book 2 A1.4, option A or B by PAN "
            "length)",
            &runCryptoDeriveMk},
    Command{"crypto session-key",
            "posim crypto session-key --method emv-csk|mc-skd --mk HEX --atc HEX [--un HEX] "
            "[--json]",
            "application cryptogram session key (EMV common session key or Mastercard SKD)",
            &runCryptoSessionKey},
    Command{"crypto arqc",
            "posim crypto arqc --cvn visa-10|visa-18|visa-22|mc-16|mc-17|mc-20|mc-21 --imk HEX "
            "--pan DIGITS --psn NN --atc HEX --data HEX [--un HEX] [--json]",
            "application cryptogram (ARQC/TC/AAC) from the issuer master key", &runCryptoArqc},
    Command{"crypto arpc",
            "posim crypto arpc --method 1 --key HEX --arqc HEX --arc HEX | --method 2 --key HEX "
            "--arqc HEX --csu HEX [--prop HEX] [--json]",
            "ARPC by method 1 or 2 (EMV Book 2 §8.2) and the issuer authentication data (91)",
            &runCryptoArpc},
    Command{"crypto pinblock",
            "posim crypto pinblock --format 0|1|2|3|4 --pin DIGITS [--pan DIGITS] [--fill HEX] "
            "[--seed N] [--key HEX] [--json]",
            "ISO 9564 PIN block, clear or enciphered under --key (TDES-ECB; format 4: AES)",
            &runCryptoPinBlock},
    Command{"crypto cvv",
            "posim crypto cvv --cvk HEX --pan DIGITS --expiry YYMM --service-code NNN [--json]",
            "CVV/CVC (service code 000: CVV2/CVC2, 999: iCVV/chip CVC)", &runCryptoCvv},
    Command{"crypto dukpt", "posim crypto dukpt --bdk HEX --ksn HEX [--aes] [--json]",
            "DUKPT transaction key (ANSI X9.24-1 TDES, or X9.24-3 AES with --aes)",
            &runCryptoDukpt},
    Command{"crypto pki generate",
            "posim crypto pki generate --seed N [--ca-bits N] [--issuer-bits N] [--icc-bits N]",
            "a test PKI (CA, issuer and ICC keys and certificates) as JSON, the same for a seed",
            &runCryptoPkiGenerate},
    Command{"crypto recover-issuer",
            "posim crypto recover-issuer --capk-modulus HEX --capk-exponent HEX --cert HEX "
            "[--remainder HEX] --exponent HEX [--json]",
            "recover and check an issuer public key certificate (EMV Book 2 §5.3)",
            &runCryptoRecoverIssuer},
};

}  // namespace

std::span<const Command> allCommands() {
  return kCommands;
}

const Command* findCommand(std::string_view name) {
  for (const Command& c : kCommands) {
    if (c.name == name) return &c;
  }
  std::abort();
}

}  // namespace posim::cli
