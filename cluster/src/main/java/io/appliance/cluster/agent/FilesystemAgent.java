package io.appliance.cluster.agent;

import io.appliance.cluster.agent.MountCommand.MountEntry;
import io.appliance.config.cluster.PrimitiveDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A mounted filesystem (Pacemaker's ocf:heartbeat:Filesystem). Parameters: {@code device}, {@code directory},
 * {@code fstype}, {@code options}. Start creates the directory if needed and mounts; stop unmounts; monitor: OK
 * when the kernel's mount table shows the directory mounted. Another device mounted on the directory is an error
 * (the agent never unmounts what it did not mount). Processes that keep the filesystem busy are not killed: a
 * failing unmount is a failed stop for the resource manager to act on.
 */
public final class FilesystemAgent implements ResourceAgent {

    private final PrimitiveDefinition resource;
    private final AgentParameters parameters;
    private final MountCommand mount;

    public FilesystemAgent(PrimitiveDefinition resource, MountCommand mount) {
        this.resource = Objects.requireNonNull(resource, "resource");
        this.parameters = new AgentParameters(resource);
        this.mount = Objects.requireNonNull(mount, "mount");
    }

    @Override
    public AgentResult start() throws InterruptedException {
        return AgentException.resultOf(() -> {
            String device = parameters.required("device");
            String directory = parameters.required("directory");
            String fstype = parameters.required("fstype");
            Optional<MountEntry> mounted = mount.mountedAt(directory);
            if (mounted.isPresent()) {
                return sameDevice(mounted.get().device(), device) ? AgentResult.ok() : other(mounted.get(), device);
            }
            try {
                Files.createDirectories(Path.of(directory));
            } catch (IOException e) {
                return AgentResult.of(OcfStatus.ERR_PERM, "cannot create the mount point " + directory + ": "
                        + e.getMessage());
            }
            mount.mount(device, directory, fstype, parameters.optional("options").orElse(""));
            return AgentResult.ok();
        });
    }

    @Override
    public AgentResult stop() throws InterruptedException {
        return AgentException.resultOf(() -> {
            String device = parameters.required("device");
            String directory = parameters.required("directory");
            Optional<MountEntry> mounted = mount.mountedAt(directory);
            if (mounted.isEmpty()) {
                return AgentResult.ok();
            }
            if (!sameDevice(mounted.get().device(), device)) {
                return other(mounted.get(), device);
            }
            mount.unmount(directory);
            return AgentResult.ok();
        });
    }

    @Override
    public AgentResult monitor() throws InterruptedException {
        return AgentException.resultOf(() -> {
            String device = parameters.required("device");
            String directory = parameters.required("directory");
            Optional<MountEntry> mounted = mount.mountedAt(directory);
            if (mounted.isEmpty()) {
                return AgentResult.notRunning(directory + " is not mounted");
            }
            return sameDevice(mounted.get().device(), device) ? AgentResult.ok() : other(mounted.get(), device);
        });
    }

    private AgentResult other(MountEntry mounted, String device) {
        return AgentResult.failed(mounted.directory() + " has " + mounted.device() + " mounted, not " + device
                + " of resource " + resource.id() + ": unmount it by hand");
    }

    /** Equal names, or two paths to the same device node ({@code /dev/disk/by-uuid/...} links). */
    private static boolean sameDevice(String mounted, String configured) {
        if (mounted.equals(configured)) {
            return true;
        }
        try {
            return Path.of(mounted).toRealPath().equals(Path.of(configured).toRealPath());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
