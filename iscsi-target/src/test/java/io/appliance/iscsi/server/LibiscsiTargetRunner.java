package io.appliance.iscsi.server;

import io.appliance.iscsi.block.FileBlockDevice;
import io.appliance.iscsi.scsi.LogicalUnit;
import io.appliance.iscsi.scsi.LunIdentity;
import io.appliance.iscsi.scsi.ScsiTarget;
import io.appliance.iscsi.target.IscsiTarget;
import io.appliance.iscsi.target.Portal;
import io.appliance.iscsi.target.TargetRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The real stack (IscsiServer, ScsiTarget, FileBlockDevice) on one file, for end-to-end runs with
 * libiscsi tools: {@code start} returns a running target, {@code main} runs one until killed.
 */
public final class LibiscsiTargetRunner implements AutoCloseable {

    public static final String TARGET = "iqn.2024-01.io.appliance:e2e";

    private final ExecutorService io = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "e2e-block-io");
        thread.setDaemon(true);
        return thread;
    });
    private final FileBlockDevice device;
    private final LogicalUnit unit;
    private final IscsiServer server;
    private final InetSocketAddress address;

    public LibiscsiTargetRunner(Path file, long size, InetSocketAddress listen, IscsiServerSettings settings)
            throws IOException {
        device = FileBlockDevice.create(file, size, 512, io);
        unit = new LogicalUnit(LunIdentity.derive(UUID.nameUUIDFromBytes(file.toString().getBytes())), device, false);
        ScsiTarget scsi = new ScsiTarget(TARGET, 1, 1);
        scsi.addLun(0, unit);
        TargetRegistry registry = new TargetRegistry();
        server = new IscsiServer(registry, settings);
        address = server.bind(listen);
        registry.put(new IscsiTarget(TARGET, "e2e", 1, List.of(new Portal("127.0.0.1", address.getPort())),
                true, List.of(), scsi));
    }

    public InetSocketAddress address() {
        return address;
    }

    public IscsiServer server() {
        return server;
    }

    public String url() {
        return "iscsi://127.0.0.1:" + address.getPort() + "/" + TARGET + "/0";
    }

    @Override
    public void close() {
        server.close();
        unit.close();
        device.close();
        io.shutdownNow();
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "/tmp/e2e-lun.img");
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 3262;
        long size = args.length > 2 ? Long.parseLong(args[2]) : 256L << 20;
        LibiscsiTargetRunner runner = new LibiscsiTargetRunner(file, size, new InetSocketAddress("127.0.0.1", port),
                IscsiServerSettings.defaults());
        Runtime.getRuntime().addShutdownHook(new Thread(runner::close));
        System.out.println("serving " + runner.url());
        Thread.currentThread().join();
    }
}
