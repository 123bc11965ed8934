package io.appliance.iscsi.scsi;

import io.netty.buffer.Unpooled;
import java.util.concurrent.CompletableFuture;

/** Parameter data returned to the initiator, cut to the CDB's ALLOCATION LENGTH (SPC-4 §4.2.5.6). */
final class DataIn {

    private DataIn() {
    }

    static CompletableFuture<ScsiResult> truncated(byte[] data, long allocationLength) {
        int length = (int) Math.min(data.length, allocationLength);
        if (length == 0) {
            return CompletableFuture.completedFuture(ScsiResult.good());
        }
        return CompletableFuture.completedFuture(ScsiResult.good(Unpooled.wrappedBuffer(data, 0, length)));
    }
}
