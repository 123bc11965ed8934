package io.appliance.replication;

import io.appliance.iscsi.block.BlockDevice;
import java.io.IOException;

/**
 * Opens the backing volume of a resource on this node.
 *
 * <p>Contract: {@code disk} is the {@code disk} value of the node's {@code on} section: an
 * absolute path (file or block device) or {@code POOL/LV}. Each call returns a new open device
 * that the caller closes. Called from a verb's thread (never a Netty event loop); may block.
 * Throws {@link IOException} naming the disk when it cannot be opened.
 */
@FunctionalInterface
public interface BackingOpener {
    BlockDevice open(String disk) throws IOException;
}
