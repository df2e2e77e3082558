package dev.sensorpub.codec;

import java.util.HexFormat;

/** Writes expected wire bytes the way the specification's tables show them: "30 0a 00 03 ...". */
final class Hex {
    private Hex() {
    }

    static byte[] bytes(String spacedHex) {
        return HexFormat.of().parseHex(spacedHex.replace(" ", ""));
    }

    static String of(byte[] b, int offset, int length) {
        return HexFormat.ofDelimiter(" ").formatHex(b, offset, offset + length);
    }
}
