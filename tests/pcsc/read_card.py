#!/usr/bin/env python3
"""An independent PC/SC client (pyscard) reads an EMV card the way a terminal starts a transaction.

Selects the PPSE (2PAY.SYS.DDF01) and the PSE (1PAY.SYS.DDF01): on a card presented by contact
the PSE answers 9000 with a directory (read with READ RECORD) and the PPSE, which is contactless
only (EMV Book B §3.3), 6A82; on a tapped card the other way round. Then it selects the first
application listed, sends GET PROCESSING OPTIONS with the PDOL filled with zeros, and reads every
record of the AFL. Each of these must answer 9000 and the records must hold the PAN (5A).

Usage: read_card.py READER_NAME contact|contactless
Exit 0 with a summary line (PAN masked); 1 with the reason on failure.
"""
import sys

from smartcard.System import readers


def fail(message):
    print("read_card: " + message, file=sys.stderr)
    sys.exit(1)


def tlv_items(data):
    """Yields (tag, value) of BER-TLV data, descending into constructed objects."""
    i = 0
    while i < len(data):
        if data[i] in (0x00, 0xFF):
            i += 1
            continue
        start = i
        tag = data[i]
        i += 1
        if tag & 0x1F == 0x1F:
            while data[i] & 0x80:
                tag = (tag << 8) | data[i]
                i += 1
            tag = (tag << 8) | data[i]
            i += 1
        length = data[i]
        i += 1
        if length & 0x80:
            n = length & 0x7F
            length = int.from_bytes(bytes(data[i:i + n]), "big")
            i += n
        value = data[i:i + length]
        i += length
        yield tag, value
        if data[start] & 0x20:
            yield from tlv_items(value)


def find(data, wanted):
    return [v for t, v in tlv_items(data) if t == wanted]


def transmit(connection, apdu, what):
    data, sw1, sw2 = connection.transmit(list(apdu))
    if sw1 == 0x61:  # T=0: fetch the rest
        data, sw1, sw2 = connection.transmit([0x00, 0xC0, 0x00, 0x00, sw2])
    if (sw1, sw2) != (0x90, 0x00):
        fail(f"{what}: SW {sw1:02X}{sw2:02X}, expected 9000")
    return data


def select(connection, name, what):
    return transmit(connection, [0x00, 0xA4, 0x04, 0x00, len(name)] + list(name) + [0x00], what)


def select_absent(connection, name, what):
    apdu = [0x00, 0xA4, 0x04, 0x00, len(name)] + list(name) + [0x00]
    _, sw1, sw2 = connection.transmit(apdu)
    if (sw1, sw2) != (0x6A, 0x82):
        fail(f"{what}: SW {sw1:02X}{sw2:02X}, expected 6A82 (not on this interface)")


def read_pse(connection):
    pse = select(connection, b"1PAY.SYS.DDF01", "SELECT PSE")
    sfi = find(pse, 0x88)
    if not sfi:
        fail("the PSE FCI has no SFI of the directory (88)")
    aids = []
    for record in range(1, 11):
        data, sw1, sw2 = connection.transmit([0x00, 0xB2, record, (sfi[0][0] << 3) | 4, 0x00])
        if (sw1, sw2) == (0x6A, 0x83):
            break
        if (sw1, sw2) != (0x90, 0x00):
            fail(f"READ RECORD {record} of the PSE directory: SW {sw1:02X}{sw2:02X}")
        aids += find(data, 0x4F)
    if not aids:
        fail("the PSE directory lists no application (4F)")
    return aids


def read_ppse(connection):
    aids = find(select(connection, b"2PAY.SYS.DDF01", "SELECT PPSE"), 0x4F)
    if not aids:
        fail("the PPSE lists no application (4F)")
    return aids


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("contact", "contactless"):
        fail("usage: read_card.py READER_NAME contact|contactless")
    matching = [r for r in readers() if str(r) == sys.argv[1]]
    if not matching:
        fail(f"no reader {sys.argv[1]!r}: {[str(r) for r in readers()]}")
    connection = matching[0].createConnection()
    connection.connect()

    if sys.argv[2] == "contact":
        select_absent(connection, b"2PAY.SYS.DDF01", "SELECT PPSE")
        aids = read_pse(connection)
    else:
        aids = read_ppse(connection)
        select_absent(connection, b"1PAY.SYS.DDF01", "SELECT PSE")

    aid = aids[0]
    fci = select(connection, aid, "SELECT AID")
    pdol = find(fci, 0x9F38)
    pdol_length = 0
    if pdol:
        dol = pdol[0]
        i = 0
        while i < len(dol):
            i += 2 if dol[i] & 0x1F == 0x1F else 1
            pdol_length += dol[i]
            i += 1
    gpo_data = [0x83, pdol_length] + [0x00] * pdol_length
    gpo = transmit(connection, [0x80, 0xA8, 0x00, 0x00, len(gpo_data)] + gpo_data + [0x00], "GPO")
    if gpo[0] == 0x80:
        afl = gpo[4:]
    else:
        afls = find(gpo, 0x94)
        if not afls:
            fail("GPO response without an AFL (94)")
        afl = afls[0]
    if len(afl) == 0 or len(afl) % 4:
        fail(f"AFL of {len(afl)} bytes")

    records = []
    for i in range(0, len(afl), 4):
        entry_sfi = afl[i] >> 3
        for record in range(afl[i + 1], afl[i + 2] + 1):
            records.append(transmit(connection, [0x00, 0xB2, record, (entry_sfi << 3) | 4, 0x00],
                                    f"READ RECORD {record} of SFI {entry_sfi}"))
    pans = [p for r in records for p in find(r, 0x5A)]
    if not pans:
        fail("no PAN (5A) in the records of the AFL")
    digits = "".join(f"{b:02X}" for b in pans[0]).rstrip("F")
    masked = digits[:6] + "*" * (len(digits) - 10) + digits[-4:]
    aid_hex = "".join(f"{b:02X}" for b in aid)
    print(f"read_card: ok {sys.argv[2]} aid={aid_hex} records={len(records)} pan={masked}")


if __name__ == "__main__":
    main()
