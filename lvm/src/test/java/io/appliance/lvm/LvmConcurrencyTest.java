package io.appliance.lvm;

import static io.appliance.lvm.ScriptedCommandRunner.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Writes on one pool never overlap; writes on different pools do not wait for each other. */
class LvmConcurrencyTest {

    private static final String VG = "aplvmtestfxvg";
    private static final String OTHER_VG = "aplvmtestfxother";

    private final ExecutorService threads = Executors.newFixedThreadPool(3);

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void serialisesWritesOnOnePoolOnly() throws Exception {
        BlockingLvcreate runner = new BlockingLvcreate();
        Lvm lvm = new Lvm(runner, Duration.ofSeconds(30), new LvmTest.FakeDevices());

        Future<LogicalVolume> first = threads.submit(() -> lvm.createVolume(VG, "lv1", 1));
        assertThat(runner.firstEntered.await(10, TimeUnit.SECONDS)).isTrue();
        Future<LogicalVolume> samePool = threads.submit(() -> lvm.createVolume(VG, "lv1", 1));
        Future<LogicalVolume> otherPool = threads.submit(() -> lvm.createVolume(OTHER_VG, "lv1", 1));

        assertThat(runner.otherPoolEntered.await(10, TimeUnit.SECONDS))
                .as("a write on another pool proceeds while the first pool is busy").isTrue();
        assertThat(runner.samePoolSecondEntered.await(300, TimeUnit.MILLISECONDS))
                .as("a second write on the same pool waits for the first").isFalse();
        runner.release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS).name()).isEqualTo("lv1");
        assertThat(samePool.get(10, TimeUnit.SECONDS).name()).isEqualTo("lv1");
        assertThat(otherPool.get(10, TimeUnit.SECONDS).name()).isEqualTo("lv1");
        assertThat(runner.maxConcurrentWritesOnVg.get()).isEqualTo(1);
    }

    /** Answers like lvm2 on the lab machine; lvcreate on {@link #VG} holds until released. */
    private static final class BlockingLvcreate implements CommandRunner {
        final CountDownLatch firstEntered = new CountDownLatch(1);
        final CountDownLatch samePoolSecondEntered = new CountDownLatch(1);
        final CountDownLatch otherPoolEntered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger writesOnVg = new AtomicInteger();
        final AtomicInteger maxConcurrentWritesOnVg = new AtomicInteger();
        final AtomicInteger lvcreatesOnVg = new AtomicInteger();

        @Override
        public CommandResult run(List<String> command, Duration timeout) throws LvmException {
            String pool = command.get(command.size() - 1);
            switch (command.get(0)) {
                case "dmsetup":
                    return fixture("dmsetup_version");
                case "vgs":
                    return renamed(fixture("vgs_one"), pool);
                case "lvs":
                    return renamed(fixture("lvs_lv1_created"), pool.substring(0, pool.indexOf('/')));
                case "lvcreate":
                    if (pool.equals(OTHER_VG)) {
                        otherPoolEntered.countDown();
                        return fixture("lvcreate_lv1");
                    }
                    int concurrent = writesOnVg.incrementAndGet();
                    maxConcurrentWritesOnVg.accumulateAndGet(concurrent, Math::max);
                    try {
                        if (lvcreatesOnVg.incrementAndGet() == 1) {
                            firstEntered.countDown();
                            awaitRelease();
                        } else {
                            samePoolSecondEntered.countDown();
                        }
                        return fixture("lvcreate_lv1");
                    } finally {
                        writesOnVg.decrementAndGet();
                    }
                default:
                    throw new AssertionError("unexpected command " + command);
            }
        }

        private void awaitRelease() throws LvmException {
            try {
                if (!release.await(10, TimeUnit.SECONDS)) {
                    throw new LvmException(LvmException.Reason.TIMEOUT, "test never released lvcreate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LvmException(LvmException.Reason.TIMEOUT, "interrupted", e);
            }
        }

        private static CommandResult renamed(CommandResult result, String pool) {
            return new CommandResult(result.exitCode(), result.stdout().replace(VG, pool), result.stderr());
        }
    }
}
