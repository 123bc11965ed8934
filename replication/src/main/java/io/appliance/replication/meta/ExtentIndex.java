package io.appliance.replication.meta;

import java.util.Arrays;

/**
 * Extent number to slot index, an open-addressing table with linear probing and backward-shift
 * deletion: no allocation per lookup on the write path. Not thread-safe (the activity log's lock
 * guards it).
 */
final class ExtentIndex {

    private static final long EMPTY = -1;

    private final long[] keys;
    private final int[] values;
    private final int mask;

    ExtentIndex(int maxEntries) {
        int size = Integer.highestOneBit(Math.max(4, maxEntries * 2 - 1)) << 1;
        keys = new long[size];
        values = new int[size];
        mask = size - 1;
        Arrays.fill(keys, EMPTY);
    }

    /** The slot of {@code extent}, or -1. */
    int get(long extent) {
        for (int i = home(extent); ; i = (i + 1) & mask) {
            long key = keys[i];
            if (key == extent) {
                return values[i];
            }
            if (key == EMPTY) {
                return -1;
            }
        }
    }

    void put(long extent, int slot) {
        int i = home(extent);
        while (keys[i] != EMPTY && keys[i] != extent) {
            i = (i + 1) & mask;
        }
        keys[i] = extent;
        values[i] = slot;
    }

    void remove(long extent) {
        int i = home(extent);
        while (keys[i] != extent) {
            if (keys[i] == EMPTY) {
                return;
            }
            i = (i + 1) & mask;
        }
        // Backward shift: move later entries of the probe run into the hole when their home allows it.
        int hole = i;
        for (int j = (hole + 1) & mask; keys[j] != EMPTY; j = (j + 1) & mask) {
            int home = home(keys[j]);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = EMPTY;
    }

    private int home(long extent) {
        long h = extent * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
