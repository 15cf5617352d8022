// The functions behind the command table (one file per command group).
#pragma once

#include "command.h"

namespace posim::cli {

// The row of a command by its full name ("emv decode"). REQUIRES: it exists.
const Command* findCommand(std::string_view name);

// Scenarios (run_command.cpp, validate_command.cpp, list_commands.cpp, report_command.cpp).
int runRun(const Args& args, Io& io);
int runValidate(const Args& args, Io& io);
int runCards(const Args& args, Io& io);
int runTerminals(const Args& args, Io& io);
int runCalendars(const Args& args, Io& io);
int runReportMerge(const Args& args, Io& io);

// posim load: a real-time load run with live progress (load_command.cpp).
int runLoad(const Args& args, Io& io);

// posim host: the embedded acquirer behind an ISO 8583 TCP server (host_command.cpp).
int runHost(const Args& args, Io& io);

// posim bench: the DESIGN.md §10 figures, targets and limits (bench_command.cpp).
int runBench(const Args& args, Io& io);

// ISO 8583 (iso8583_command.cpp).
int runIso8583Decode(const Args& args, Io& io);
int runIso8583Encode(const Args& args, Io& io);
int runDialects(const Args& args, Io& io);

int runEmvDecode(const Args& args, Io& io);
int runEmvRun(const Args& args, Io& io);

// PC/SC readers and the virtual card served through vpcd (pcsc_commands.cpp).
int runReaders(const Args& args, Io& io);
int runCardServe(const Args& args, Io& io);

// posim crypto ...: the payment crypto calculator (crypto_command.cpp).
int runCryptoKcv(const Args& args, Io& io);
int runCryptoMac(const Args& args, Io& io);
int runCryptoDeriveMk(const Args& args, Io& io);
int runCryptoSessionKey(const Args& args, Io& io);
int runCryptoArqc(const Args& args, Io& io);
int runCryptoArpc(const Args& args, Io& io);
int runCryptoPinBlock(const Args& args, Io& io);
int runCryptoCvv(const Args& args, Io& io);
int runCryptoDukpt(const Args& args, Io& io);
int runCryptoPkiGenerate(const Args& args, Io& io);
int runCryptoRecoverIssuer(const Args& args, Io& io);

}  // namespace posim::cli
