// Receipts as a terminal prints them: merchant and customer copies as text, with the masked PAN,
// entry mode, AID, TVR, TSI, cryptogram and authorization code (DESIGN.md §2).
#pragma once

#include <string>

#include "posim/emv/terminal_profile.h"
#include "posim/terminal/devices.h"
#include "posim/terminal/transaction.h"

namespace posim::terminal {

// REQUIRES: record.masked_pan (never the clear PAN) is what gets printed.
Receipt formatReceipt(const TransactionRecord& record, const emv::TerminalProfile& terminal,
                      ReceiptCopy copy);

// The batch close report ("SETTLEMENT") with the totals per type.
Receipt formatSettlementReport(const TransactionRecord& settle,
                               const emv::TerminalProfile& terminal);

}  // namespace posim::terminal
