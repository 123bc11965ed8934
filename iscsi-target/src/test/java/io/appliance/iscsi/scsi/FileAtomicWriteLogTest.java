package io.appliance.iscsi.scsi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAtomicWriteLogTest {

    @TempDir
    Path directory;

    private Path file() {
        return directory.resolve("lun0.atomic");
    }

    @Test
    void aMissingFileHoldsNoRecord() throws IOException {
        assertThat(new FileAtomicWriteLog(file()).pending()).isEmpty();
    }

    @Test
    void aCommittedRecordIsPendingForANewInstanceUntilRetired() throws IOException {
        FileAtomicWriteLog log = new FileAtomicWriteLog(file());
        byte[] data = ScsiTestKit.pattern(3 * 512, 7);
        log.commit(4096, data);

        AtomicWriteLog.Record found = new FileAtomicWriteLog(file()).pending().orElseThrow();
        assertThat(found.offset()).isEqualTo(4096);
        assertThat(found.data()).isEqualTo(data);

        log.retire();
        assertThat(new FileAtomicWriteLog(file()).pending()).isEmpty();
        assertThat(rawInt(8)).isEqualTo(FileAtomicWriteLog.RETIRED);
    }

    @Test
    void aShorterRecordReplacesALongerOne() throws IOException {
        FileAtomicWriteLog log = new FileAtomicWriteLog(file());
        log.commit(0, ScsiTestKit.filled(8 * 512, 1));
        log.retire();
        byte[] shorter = ScsiTestKit.filled(512, 2);
        log.commit(512, shorter);
        AtomicWriteLog.Record found = log.pending().orElseThrow();
        assertThat(found.offset()).isEqualTo(512);
        assertThat(found.data()).isEqualTo(shorter);
    }

    @Test
    void aTruncatedRecordIsNone() throws IOException {
        FileAtomicWriteLog log = new FileAtomicWriteLog(file());
        log.commit(0, ScsiTestKit.pattern(4 * 512, 3));
        try (FileChannel channel = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            channel.truncate(FileAtomicWriteLog.HEADER_BYTES + 4 * 512 - 1);
        }
        assertThat(log.pending()).isEmpty();
        try (FileChannel channel = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            channel.truncate(10);
        }
        assertThat(log.pending()).isEmpty();
    }

    @Test
    void aFlippedDataOrHeaderByteIsNone() throws IOException {
        FileAtomicWriteLog log = new FileAtomicWriteLog(file());
        log.commit(0, ScsiTestKit.pattern(2 * 512, 3));
        flip(FileAtomicWriteLog.HEADER_BYTES + 700);
        assertThat(log.pending()).isEmpty();

        log.commit(0, ScsiTestKit.pattern(2 * 512, 3));
        assertThat(log.pending()).isPresent();
        flip(17); // inside the offset field
        assertThat(log.pending()).isEmpty();
    }

    @Test
    void aNewHeaderOverOldDataIsNone() throws IOException {
        // a crash during commit that wrote the new header but not yet the new data
        FileAtomicWriteLog log = new FileAtomicWriteLog(file());
        log.commit(0, ScsiTestKit.filled(2 * 512, 0x11));
        byte[] oldData = Files.readAllBytes(file());
        log.commit(0, ScsiTestKit.filled(2 * 512, 0x22));
        byte[] newHeader = Files.readAllBytes(file());
        System.arraycopy(newHeader, 0, oldData, 0, FileAtomicWriteLog.HEADER_BYTES);
        Files.write(file(), oldData);
        assertThat(log.pending()).isEmpty();
    }

    @Test
    void absurdLengthsInTheFileAreRefusedWithoutAllocating() throws IOException {
        FileAtomicWriteLog log = new FileAtomicWriteLog(file());
        log.commit(0, new byte[512]);
        // 2 GiB would not fit the test heap if it were allocated
        writeRawInt(12, Integer.MAX_VALUE);
        assertThat(log.pending()).isEmpty();
        writeRawInt(12, -1);
        assertThat(log.pending()).isEmpty();
        writeRawInt(12, FileAtomicWriteLog.MAX_RECORD_BYTES + 1);
        try (FileChannel channel = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(1), FileAtomicWriteLog.HEADER_BYTES + FileAtomicWriteLog.MAX_RECORD_BYTES + 1);
        }
        assertThat(log.pending()).as("above the limit even though the file is long enough").isEmpty();
        writeRawInt(12, 4096);
        assertThat(log.pending()).as("longer than the file").isEmpty();
    }

    @Test
    void commitRefusesARecordAboveTheLimit() {
        FileAtomicWriteLog log = new FileAtomicWriteLog(file());
        assertThatThrownBy(() -> log.commit(0, new byte[FileAtomicWriteLog.MAX_RECORD_BYTES + 1]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.commit(-512, new byte[512])).isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.exists(file())).isFalse();
    }

    @Test
    void retireWithoutAFileLeavesARetiredHeader() throws IOException {
        FileAtomicWriteLog log = new FileAtomicWriteLog(file());
        log.retire();
        assertThat(Files.size(file())).isEqualTo(FileAtomicWriteLog.HEADER_BYTES);
        assertThat(rawInt(0)).isEqualTo(FileAtomicWriteLog.MAGIC);
        assertThat(log.pending()).isEmpty();
    }

    private int rawInt(int offset) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(file())).getInt(offset);
    }

    private void writeRawInt(int offset, int value) throws IOException {
        try (FileChannel channel = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).putInt(0, value), offset);
        }
    }

    private void flip(int offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file());
        bytes[offset] ^= 0x01;
        Files.write(file(), bytes);
    }
}
