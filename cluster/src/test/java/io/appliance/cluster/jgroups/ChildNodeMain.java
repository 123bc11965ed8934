package io.appliance.cluster.jgroups;

import io.appliance.config.cluster.ClusterTransportKind;
import java.util.concurrent.CountDownLatch;

/**
 * A cluster member in its own JVM, for the test that kills a member: args cluster name, base port, node count,
 * node name. Prints "JOINED" once connected and then runs until killed.
 */
public final class ChildNodeMain {

    private ChildNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        JGroupsTransport transport = new JGroupsTransport(TestClusters.definition(args[0], ClusterTransportKind.TCP,
                Integer.parseInt(args[1]), Integer.parseInt(args[2]), TestClusters.SECRET), args[3]);
        transport.start(new TestClusters.Recorder());
        System.out.println("JOINED");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
