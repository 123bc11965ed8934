package io.appliance.cluster.agent;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code arping} of iputils: unsolicited (gratuitous) ARP so that neighbours and switches learn at once which
 * port now holds a moved address ({@code arping -U -c COUNT -I NIC IP}, one packet a second).
 */
public final class ArpingCommand {

    static final String PACKAGE = "iputils-arping";
    /** Added to the count of one-second intervals to bound a run. */
    private static final Duration SLACK = Duration.ofSeconds(3);

    private final CommandRunner runner;

    public ArpingCommand(CommandRunner runner) {
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    /** Sends {@code count} unsolicited ARP packets for {@code address} out of {@code nic}; bounded to count + 3 s. */
    public CommandResult announce(String nic, String address, int count) throws InterruptedException {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
        return runner.run(List.of("arping", "-U", "-c", Integer.toString(count), "-I", nic, address),
                Duration.ofSeconds(count).plus(SLACK));
    }
}
