package io.appliance.itest.harness;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The setup shared by the tests that run nodes in a {@link NetworkLab}: every test is skipped
 * unless {@link NetworkLab#assumeUsable()} holds, and the logs of the watched nodes are printed
 * when a test fails (as {@link ProcessLogsOnFailure}).
 *
 * <pre>{@code
 * @RegisterExtension final NetworkLabExtension lab = new NetworkLabExtension();
 * ... try (ReplicatedPair pair = lab.createPair(BACKING_BYTES, options)) { ... }
 * }</pre>
 *
 * <p>Register it on an instance field. A {@code @BeforeAll} method of a per-class test instance
 * runs before the per-test check; {@link #createPair} checks first, so it may be called there.
 */
public final class NetworkLabExtension implements BeforeEachCallback, AfterTestExecutionCallback {

    private final ProcessLogsOnFailure logs = new ProcessLogsOnFailure();

    @Override
    public void beforeEach(ExtensionContext context) {
        NetworkLab.assumeUsable();
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        logs.afterTestExecution(context);
    }

    public <P extends LoggedProcess> P watch(P process) {
        return logs.watch(process);
    }

    /**
     * Skips the caller unless network namespaces are usable, then creates a pair
     * ({@link ReplicatedPair#create}) whose two nodes are watched.
     */
    public ReplicatedPair createPair(long backingBytes, Map<String, String> options)
            throws IOException, InterruptedException {
        NetworkLab.assumeUsable();
        ReplicatedPair pair = ReplicatedPair.create(backingBytes, options);
        logs.watch(pair.node1());
        logs.watch(pair.node2());
        return pair;
    }
}
