package io.appliance.replication.meta;

import io.appliance.iscsi.block.BlockDevice;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.Objects;

/**
 * The quick-sync bitmap: bit {@code i} set means data bytes {@code [i*4096, (i+1)*4096)} may differ
 * from the peer. Held in memory as {@code long[]} words (bit {@code i} is bit {@code i % 64} of word
 * {@code i / 64}); on disk each word is a big-endian u64 and 512 words form one 4 KiB page.
 *
 * <p>Thread safety: every method may be called from any thread. Bit operations take one short
 * lock and never do I/O; they mark the pages they change dirty. {@link #flush()} and
 * {@link #flushRange} copy dirty pages under that lock and write them outside it; flushes are
 * serialised among themselves so that an older copy of a page never lands after a newer one.
 */
public final class OutOfSyncBitmap {

    static final int WORDS_PER_PAGE = MetadataLayout.PAGE_BYTES / Long.BYTES;
    private static final int PAGES_PER_WRITE = 256;
    private static final int BLOCK_SHIFT = 12;

    private final BlockDevice device;
    private final MetadataLayout layout;
    private final long bitCount;
    private final int wordCount;
    private final int pageCount;
    private final long lastWordMask;

    private final Object lock = new Object();
    private final long[] words;
    private final long[] nonZeroWords;
    private final BitSet dirtyPages;
    private long cardinality;
    private long pageWrites;

    private final Object flushLock = new Object();

    /** Set when a grow replaced this bitmap: every later change and flush goes to the successor. */
    private volatile OutOfSyncBitmap successor;

    private OutOfSyncBitmap(BlockDevice device, MetadataLayout layout) {
        this.device = Objects.requireNonNull(device, "device");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.bitCount = layout.bitCount();
        long wordsNeeded = (bitCount + 63) / 64;
        if (wordsNeeded > Integer.MAX_VALUE - WORDS_PER_PAGE) {
            throw new IllegalArgumentException("data area of " + layout.dataBytes() + " bytes is beyond the bitmap's "
                + "limit of " + ((long) Integer.MAX_VALUE * 64 * MetadataLayout.BLOCK_BYTES) + " bytes");
        }
        this.wordCount = (int) wordsNeeded;
        this.pageCount = (wordCount + WORDS_PER_PAGE - 1) / WORDS_PER_PAGE;
        int tailBits = (int) (bitCount % 64);
        this.lastWordMask = tailBits == 0 ? -1L : (1L << tailBits) - 1;
        this.words = new long[wordCount];
        this.nonZeroWords = new long[(wordCount + 63) / 64];
        this.dirtyPages = new BitSet(pageCount);
    }

    /** A bitmap with every bit set, written durably (create-md: a new disk is entirely out of sync). */
    static OutOfSyncBitmap createAllSet(BlockDevice device, MetadataLayout layout) throws MetadataException {
        OutOfSyncBitmap bitmap = new OutOfSyncBitmap(device, layout);
        bitmap.setAll();
        bitmap.flush();
        return bitmap;
    }

    /**
     * The bitmap of a grown layout: the bits of {@code old}, plus every bit of the blocks the old
     * layout did not cover, all written durably to {@code layout}'s bitmap area. {@code old} is
     * left as it is until {@link #retireInto} forwards it here.
     */
    static OutOfSyncBitmap grownFrom(BlockDevice device, MetadataLayout layout, OutOfSyncBitmap old)
            throws MetadataException {
        if (layout.bitCount() < old.bitCount) {
            throw new IllegalArgumentException("a grown bitmap cannot have fewer bits than " + old.bitCount);
        }
        OutOfSyncBitmap grown = new OutOfSyncBitmap(device, layout);
        grown.orWords(0, old.words(0, old.wordCount));
        grown.changeBits(old.bitCount, grown.bitCount, true);
        synchronized (grown.lock) {
            grown.dirtyPages.set(0, grown.pageCount);
        }
        grown.flush();
        return grown;
    }

    /**
     * Makes {@code grown} this bitmap's successor: later changes and flushes of this bitmap go to
     * it (a holder of this bitmap must never write the old, now dead, area), and the bits set here
     * since {@link #grownFrom} copied them are ORed into it. A change racing with this call lands
     * in both: it either precedes the catch-up copy (under the lock) or sees the successor.
     */
    void retireInto(OutOfSyncBitmap grown) {
        successor = grown;
        grown.orWords(0, words(0, wordCount));
    }

    /** Reads the bitmap area; bits beyond {@link #bitCount()} on disk are ignored. */
    static OutOfSyncBitmap load(BlockDevice device, MetadataLayout layout) throws MetadataException {
        OutOfSyncBitmap bitmap = new OutOfSyncBitmap(device, layout);
        bitmap.readAll();
        return bitmap;
    }

    /** Number of bits: one per 4 KiB block of the data area. */
    public long bitCount() {
        return bitCount;
    }

    /** Number of set bits (out-of-sync blocks). */
    public long cardinality() {
        synchronized (lock) {
            return cardinality;
        }
    }

    /** Out-of-sync bytes: set bits times 4096. */
    public long outOfSyncBytes() {
        return cardinality() * MetadataLayout.BLOCK_BYTES;
    }

    /** Number of 4 KiB pages written by flushes since this bitmap was loaded. */
    public long pageWrites() {
        synchronized (lock) {
            return pageWrites;
        }
    }

    /** Marks every block the byte range touches (partially covered blocks included). */
    public void setRange(long offset, long length) {
        checkRange(offset, length);
        if (length == 0) {
            return;
        }
        changeBits(offset >>> BLOCK_SHIFT, ((offset + length - 1) >>> BLOCK_SHIFT) + 1, true);
    }

    /** Clears only the blocks the byte range fully covers. */
    public void clearRange(long offset, long length) {
        checkRange(offset, length);
        long from = (offset + MetadataLayout.BLOCK_BYTES - 1) >>> BLOCK_SHIFT;
        long to = (offset + length) >>> BLOCK_SHIFT;
        if (from < to) {
            changeBits(from, to, false);
        }
    }

    /** True if any block the byte range touches is marked. */
    public boolean anySet(long offset, long length) {
        checkRange(offset, length);
        if (length == 0) {
            return false;
        }
        long from = offset >>> BLOCK_SHIFT;
        long last = (offset + length - 1) >>> BLOCK_SHIFT;
        synchronized (lock) {
            long found = nextSetBitLocked(from);
            return found >= 0 && found <= last;
        }
    }

    /** True if bit {@code bit} is set. */
    public boolean get(long bit) {
        checkBit(bit);
        synchronized (lock) {
            return (words[(int) (bit >>> 6)] & (1L << bit)) != 0;
        }
    }

    /** The first set bit at or after {@code fromBit}, or -1; skips empty regions 4096 blocks at a time. */
    public long nextSetBit(long fromBit) {
        if (fromBit < 0) {
            throw new IllegalArgumentException("fromBit " + fromBit + " is negative");
        }
        if (fromBit >= bitCount) {
            return -1;
        }
        synchronized (lock) {
            return nextSetBitLocked(fromBit);
        }
    }

    /** Sets every bit. */
    public void setAll() {
        changeBits(0, bitCount, true);
    }

    /** Clears every bit. */
    public void clearAll() {
        changeBits(0, bitCount, false);
    }

    /** A copy of {@code count} words from word {@code fromWord} (for the bitmap exchange). */
    public long[] words(int fromWord, int count) {
        checkWords(fromWord, count);
        long[] copy = new long[count];
        synchronized (lock) {
            System.arraycopy(words, fromWord, copy, 0, count);
        }
        return copy;
    }

    /** Number of words in the bitmap ({@code ceil(bitCount / 64)}). */
    public int wordCount() {
        return wordCount;
    }

    /** ORs words received from the peer into this bitmap; bits beyond {@link #bitCount()} are ignored. */
    public void orWords(int fromWord, long[] source) {
        Objects.requireNonNull(source, "source");
        checkWords(fromWord, source.length);
        synchronized (lock) {
            for (int i = 0; i < source.length; i++) {
                int index = fromWord + i;
                long incoming = index == wordCount - 1 ? source[i] & lastWordMask : source[i];
                storeWord(index, words[index] | incoming);
            }
        }
        OutOfSyncBitmap next = successor;
        if (next != null) {
            next.orWords(fromWord, source);
        }
    }

    /** Writes every dirty page durably. */
    public void flush() throws MetadataException {
        OutOfSyncBitmap next = successor;
        if (next != null) {
            next.flush();
            return;
        }
        flushPages(0, pageCount);
    }

    /** Writes durably the dirty pages that hold bits of the byte range. */
    public void flushRange(long offset, long length) throws MetadataException {
        checkRange(offset, length);
        if (length == 0) {
            return;
        }
        OutOfSyncBitmap next = successor;
        if (next != null) {
            next.flushRange(offset, length);
            return;
        }
        long firstBit = offset >>> BLOCK_SHIFT;
        long lastBit = (offset + length - 1) >>> BLOCK_SHIFT;
        flushPages(pageOfBit(firstBit), pageOfBit(lastBit) + 1);
    }

    /** True when some page holds changes not yet written. */
    public boolean hasDirtyPages() {
        synchronized (lock) {
            return !dirtyPages.isEmpty();
        }
    }

    private void changeBits(long fromBit, long toBit, boolean set) {
        if (fromBit >= toBit) {
            return;
        }
        int firstWord = (int) (fromBit >>> 6);
        int lastWord = (int) ((toBit - 1) >>> 6);
        long firstMask = -1L << fromBit;
        long lastMask = -1L >>> -toBit;
        synchronized (lock) {
            for (int index = firstWord; index <= lastWord; index++) {
                long mask = -1L;
                if (index == firstWord) {
                    mask &= firstMask;
                }
                if (index == lastWord) {
                    mask &= lastMask;
                }
                storeWord(index, set ? words[index] | mask : words[index] & ~mask);
            }
        }
        OutOfSyncBitmap next = successor;
        if (next != null) {
            next.changeBits(fromBit, toBit, set);
        }
    }

    /** Stores a word, keeping the count, the non-zero summary and the dirty pages right. Holds {@link #lock}. */
    private void storeWord(int index, long value) {
        long old = words[index];
        if (old == value) {
            return;
        }
        words[index] = value;
        cardinality += Long.bitCount(value) - Long.bitCount(old);
        if (value == 0) {
            nonZeroWords[index >>> 6] &= ~(1L << index);
        } else {
            nonZeroWords[index >>> 6] |= 1L << index;
        }
        dirtyPages.set(index / WORDS_PER_PAGE);
    }

    private long nextSetBitLocked(long fromBit) {
        int index = (int) (fromBit >>> 6);
        long word = words[index] & (-1L << fromBit);
        if (word != 0) {
            return ((long) index << 6) + Long.numberOfTrailingZeros(word);
        }
        int next = index + 1;
        if (next >= wordCount) {
            return -1;
        }
        int summaryIndex = next >>> 6;
        long summary = nonZeroWords[summaryIndex] & (-1L << next);
        while (summary == 0) {
            summaryIndex++;
            if (summaryIndex >= nonZeroWords.length) {
                return -1;
            }
            summary = nonZeroWords[summaryIndex];
        }
        int wordIndex = (summaryIndex << 6) + Long.numberOfTrailingZeros(summary);
        return ((long) wordIndex << 6) + Long.numberOfTrailingZeros(words[wordIndex]);
    }

    private void flushPages(int fromPage, int toPage) throws MetadataException {
        synchronized (flushLock) {
            BitSet written = new BitSet();
            boolean needsDeviceFlush = false;
            int cursor = fromPage;
            try {
                while (true) {
                    int first;
                    int end;
                    ByteBuffer image;
                    boolean moreAfter;
                    synchronized (lock) {
                        first = dirtyPages.nextSetBit(cursor);
                        if (first < 0 || first >= toPage) {
                            break;
                        }
                        end = first + 1;
                        while (end < toPage && end - first < PAGES_PER_WRITE && dirtyPages.get(end)) {
                            end++;
                        }
                        image = copyPages(first, end);
                        dirtyPages.clear(first, end);
                        written.set(first, end);
                        int nextDirty = dirtyPages.nextSetBit(end);
                        moreAfter = nextDirty >= 0 && nextDirty < toPage;
                        pageWrites += end - first;
                    }
                    boolean single = !needsDeviceFlush && !moreAfter;
                    long offset = layout.bitmapOffset() + (long) first * MetadataLayout.PAGE_BYTES;
                    MetaIo.write(device, offset, image, single, "bitmap pages " + first + ".." + (end - 1));
                    needsDeviceFlush |= !single;
                    cursor = end;
                }
                if (needsDeviceFlush) {
                    MetaIo.flush(device, "bitmap");
                }
            } catch (MetadataException | RuntimeException e) {
                synchronized (lock) {
                    dirtyPages.or(written);
                }
                throw e;
            }
        }
    }

    private ByteBuffer copyPages(int firstPage, int endPage) {
        ByteBuffer image = ByteBuffer.allocate((endPage - firstPage) * MetadataLayout.PAGE_BYTES);
        int fromWord = firstPage * WORDS_PER_PAGE;
        int toWord = Math.min(endPage * WORDS_PER_PAGE, wordCount);
        for (int index = fromWord; index < toWord; index++) {
            image.putLong(words[index]);
        }
        image.clear();
        return image;
    }

    private void readAll() throws MetadataException {
        for (int first = 0; first < pageCount; first += PAGES_PER_WRITE) {
            int end = Math.min(pageCount, first + PAGES_PER_WRITE);
            long offset = layout.bitmapOffset() + (long) first * MetadataLayout.PAGE_BYTES;
            ByteBuffer image = MetaIo.read(device, offset, (end - first) * MetadataLayout.PAGE_BYTES,
                "bitmap pages " + first + ".." + (end - 1));
            int fromWord = first * WORDS_PER_PAGE;
            int toWord = Math.min(end * WORDS_PER_PAGE, wordCount);
            synchronized (lock) {
                for (int index = fromWord; index < toWord; index++) {
                    long value = image.getLong();
                    storeWord(index, index == wordCount - 1 ? value & lastWordMask : value);
                }
            }
        }
        synchronized (lock) {
            dirtyPages.clear();
        }
    }

    private static int pageOfBit(long bit) {
        return (int) ((bit >>> 6) / WORDS_PER_PAGE);
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > layout.dataBytes() - length) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside the data area of "
                + layout.dataBytes() + " bytes");
        }
    }

    private void checkBit(long bit) {
        if (bit < 0 || bit >= bitCount) {
            throw new IllegalArgumentException("bit " + bit + " outside 0.." + (bitCount - 1));
        }
    }

    private void checkWords(int fromWord, int count) {
        if (fromWord < 0 || count < 0 || fromWord > wordCount - count) {
            throw new IllegalArgumentException("words " + fromWord + "+" + count + " outside 0.." + wordCount);
        }
    }
}
