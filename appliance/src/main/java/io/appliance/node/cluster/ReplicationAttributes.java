package io.appliance.node.cluster;

import io.appliance.cluster.runtime.NodeAttributes;
import io.appliance.replication.ReplicatedResource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node attributes the placement reads from this node's replicated disks:
 * {@code replicated-disk:<resource>} = the local disk state as DRBD prints it ({@code UpToDate},
 * {@code Outdated}, {@code Inconsistent}, ...). A witness or a node without replication reports none.
 */
public final class ReplicationAttributes implements NodeAttributes {

    /** The attribute name prefix; the placement engine reads the same words. */
    public static final String PREFIX = "replicated-disk:";
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationAttributes.class);

    private final Supplier<List<ReplicatedResource>> disks;

    public ReplicationAttributes(Supplier<List<ReplicatedResource>> disks) {
        this.disks = disks;
    }

    @Override
    public Map<String, String> current() {
        Map<String, String> attributes = new TreeMap<>();
        for (ReplicatedResource disk : disks.get()) {
            try {
                attributes.put(PREFIX + disk.name(), disk.status().disk().drbdName());
            } catch (RuntimeException e) {
                LOG.debug("No disk state of {} for the cluster report: {}", disk.name(), e.toString());
            }
        }
        return Map.copyOf(attributes);
    }
}
