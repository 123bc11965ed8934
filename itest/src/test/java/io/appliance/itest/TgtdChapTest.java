package io.appliance.itest;

import io.appliance.itest.harness.Directories;
import io.appliance.itest.harness.IscsiEndpoint;
import io.appliance.itest.harness.TgtdProcess;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The CHAP tests against tgtd: proves the URL syntax and the refusals the tests expect. */
class TgtdChapTest extends ChapContract {

    private Path directory;
    private TgtdProcess tgtd;

    @BeforeAll
    void startTgtd() throws IOException, InterruptedException {
        directory = Files.createTempDirectory("tgtd-chap-");
        Path backing = directory.resolve("lun.img");
        try (RandomAccessFile file = new RandomAccessFile(backing.toFile(), "rw")) {
            file.setLength(LUN_SIZE);
        }
        tgtd = logs.watch(TgtdProcess.start("iqn.2026-11.io.appliance.itest:tgt-chap", backing));
        tgtd.restrictToInitiator(INITIATOR);
        tgtd.requireChap(CHAP_USER, CHAP_SECRET);
        tgtd.offerMutualChap(TARGET_USER, TARGET_SECRET);
    }

    @AfterAll
    void stopTgtd() throws IOException {
        if (tgtd != null) {
            tgtd.close();
        }
        Directories.deleteRecursively(directory);
    }

    @Override
    protected IscsiEndpoint endpoint() {
        return tgtd.endpoint();
    }
}
