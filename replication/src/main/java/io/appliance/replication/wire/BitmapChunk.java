package io.appliance.replication.wire;

import java.util.Arrays;

/**
 * Part of the sender's out-of-sync bitmap: {@code words} are the 64-bit bitmap words starting at
 * word index {@code firstWord} (bit i of word w is block {@code 64 * w + i}). 1..8192 words.
 */
public record BitmapChunk(long firstWord, long[] words) implements Packet {
    public BitmapChunk {
        FieldChecks.nonNegative(firstWord, "firstWord");
        if (words == null || words.length < 1 || words.length > WireFormat.MAX_BITMAP_WORDS) {
            throw new IllegalArgumentException("a bitmap chunk carries 1.." + WireFormat.MAX_BITMAP_WORDS + " words");
        }
        words = words.clone();
    }

    /** A copy of the words. */
    @Override
    public long[] words() {
        return words.clone();
    }

    public int wordCount() {
        return words.length;
    }

    /** The word at {@code firstWord + index}. */
    public long word(int index) {
        return words[index];
    }

    @Override
    public Command command() {
        return Command.BITMAP_CHUNK;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BitmapChunk that && firstWord == that.firstWord && Arrays.equals(words, that.words);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(firstWord) + Arrays.hashCode(words);
    }

    @Override
    public String toString() {
        return "BitmapChunk[firstWord=" + firstWord + ", words=" + words.length + "]";
    }
}
