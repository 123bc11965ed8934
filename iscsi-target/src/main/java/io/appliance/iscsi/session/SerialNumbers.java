package io.appliance.iscsi.session;

/**
 * 32-bit serial number arithmetic (RFC 1982, used by RFC 7143 §4.2.2.1 for CmdSN, StatSN, DataSN):
 * {@code a < b} when the forward distance from {@code a} to {@code b} is below 2^31.
 */
final class SerialNumbers {

    private SerialNumbers() {
    }

    static boolean lessThan(int a, int b) {
        return a != b && b - a > 0;
    }

    static boolean lessOrEqual(int a, int b) {
        return a == b || b - a > 0;
    }

    /** True when {@code low <= value <= high} in serial arithmetic. */
    static boolean within(int value, int low, int high) {
        return lessOrEqual(low, value) && lessOrEqual(value, high);
    }
}
