package io.appliance.itest.harness;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Samples, on its own thread, whether a storage node holds the service: the VIP on its {@code lan0}
 * ({@code ip -n NS -j addr}) and r0's role ({@code GET /api/v1/replication/r0} inside its
 * namespace), about every {@link #INTERVAL}. Each {@link Sample} carries {@link System#nanoTime()}
 * stamps taken before the first probe and after the last one, so "held" is known to be true at some
 * instant within {@code [startNanos, endNanos]}. A node whose REST does not answer counts as not
 * Primary (its JVM is gone or hung; the sample says so).
 */
public final class ClusterSampler implements AutoCloseable {

    public static final Duration INTERVAL = Duration.ofMillis(50);
    private static final Duration PROBE_LIMIT = Duration.ofSeconds(2);

    /** One observation of one node. */
    public record Sample(String node, long startNanos, long endNanos, boolean holdsVip, boolean primary, String detail) {
        public boolean holdsEither() {
            return holdsVip || primary;
        }
    }

    private final ClusterLab lab;
    private final ClusterNode node;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private ClusterSampler(ClusterLab lab, ClusterNode node) {
        this.lab = lab;
        this.node = node;
        this.thread = new Thread(this::loop, "sampler-" + node.name());
        thread.setDaemon(true);
    }

    public static ClusterSampler start(ClusterLab lab, ClusterNode node) {
        ClusterSampler sampler = new ClusterSampler(lab, node);
        sampler.thread.start();
        return sampler;
    }

    private void loop() {
        while (running) {
            long started = System.nanoTime();
            boolean vip = false;
            boolean primary = false;
            String detail = "";
            try {
                vip = lab.holdsAddress(node.name(), "lan0", lab.vip());
                ApplianceRest.Response role = node.rest().send("GET", "/replication/" + ClusterConfigFile.RESOURCE, null,
                        PROBE_LIMIT);
                primary = role.status() == 200 && "Primary".equals(role.json().path("role").asText());
            } catch (IOException | RuntimeException e) {
                detail = e.getClass().getSimpleName() + ": " + e.getMessage().lines().findFirst().orElse("");
            } catch (InterruptedException e) {
                return;
            }
            samples.add(new Sample(node.name(), started, System.nanoTime(), vip, primary, detail));
            long rest = INTERVAL.toNanos() - (System.nanoTime() - started);
            if (rest > 0) {
                try {
                    Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    public List<Sample> samples() {
        return new ArrayList<>(samples);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(Duration.ofSeconds(10).toMillis());
    }
}
